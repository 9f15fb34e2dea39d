"""Use cases by domain: each validates, checks the policy (states/) and writes one change
in one transaction. No SQL here: they call models/ and pass their session down.

Kept free of imports so that loading one use case does not load the others.
"""
