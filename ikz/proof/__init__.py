"""Proof of who acts: the server secret, the gateway's stamp on flow runs, the local
administrator's proof (see states.proof for the kinds)."""
