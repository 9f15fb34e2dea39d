"""What a person reads for each state, trigger and transition: (German, English), written
out here as the expected values. Tests compare the code's tables and its output with
these, never with the tables themselves, so a wrong label cannot pass its own test."""

from __future__ import annotations

from states.lifecycle import State, Trigger

STATE_NAMES: dict[State, tuple[str, str]] = {
    State.INFORMAL_CONTACT: ("Informeller Kontakt", "Informal contact"),
    State.EXPLORATION: ("Sondierung", "Exploration"),
    State.AGREEMENT: ("Vereinbarung", "Agreement"),
    State.PILOT: ("Pilotphase", "Pilot"),
    State.EVALUATION: ("Evaluation", "Evaluation"),
    State.PERMANENT: ("Verstetigt", "Permanent"),
    State.PAUSED: ("Pausiert", "Paused"),
    State.ENDED: ("Beendet", "Ended"),
}

TRIGGER_NAMES: dict[Trigger, tuple[str, str]] = {
    Trigger.EXPLORE: ("Sondierung beginnen", "Start exploration"),
    Trigger.AGREE: ("Vereinbarung verhandeln", "Negotiate agreement"),
    Trigger.START_PILOT: ("Pilot starten", "Start pilot"),
    Trigger.EVALUATE: ("Pilot evaluieren", "Evaluate pilot"),
    Trigger.MAKE_PERMANENT: ("Verstetigen", "Make permanent"),
    Trigger.PAUSE: ("Pausieren", "Pause"),
    Trigger.RESUME: ("Fortsetzen", "Resume"),
    Trigger.END: ("Beenden", "End"),
    Trigger.REWORK: ("Vereinbarung überarbeiten", "Rework agreement"),
    Trigger.EXTEND_PILOT: ("Pilot verlängern", "Extend pilot"),
    Trigger.SPAWN_FOLLOW_UP: ("Folgekooperation anstoßen", "Spawn follow-up"),
}

# The subject of the mail about a transition (after "[IKZ] <title>: ").
TRANSITION_SUBJECT: dict[Trigger, tuple[str, str]] = {
    Trigger.EXPLORE: ("Sondierung begonnen", "Exploration started"),
    Trigger.AGREE: ("Vereinbarungsphase begonnen", "Agreement phase started"),
    Trigger.START_PILOT: ("Pilotphase begonnen", "Pilot started"),
    Trigger.EVALUATE: ("Evaluation begonnen", "Evaluation started"),
    Trigger.MAKE_PERMANENT: ("verstetigt", "Made permanent"),
    Trigger.PAUSE: ("pausiert", "Paused"),
    Trigger.RESUME: ("fortgesetzt", "Resumed"),
    Trigger.END: ("beendet", "Ended"),
    Trigger.REWORK: ("Vereinbarung wird überarbeitet", "Agreement being reworked"),
    Trigger.EXTEND_PILOT: ("Pilotphase verlängert", "Pilot extended"),
    Trigger.SPAWN_FOLLOW_UP: ("Folgekooperation angestoßen", "Follow-up cooperation spawned"),
}
