"""Input models of the founding's clause action (`ikz founding clause`) and of its
change procedures (`ikz founding change`); beside models.commands, which holds the rest
of the founding's (it is at its size limit)."""

from __future__ import annotations

from pydantic import Field

from models.commands import ActorId, Command, CoopId, Day, Id
from models.validation import HeaderSafe, Text
from states.founding_change import ChangeKind


class RecordClause(Command):
    cooperation_id: Id = CoopId
    # Checked against the form's clauses by the use case, which names the possible ones.
    clause: HeaderSafe = Field(
        title="Klausel",
        description="Kürzel, z. B. cost_key, term, termination, escalation, exit, evaluation, "
        "name_and_seat (siehe ikz founding show)",
        max_length=40,
    )
    text: Text = Field(title="Wortlaut", description="Die Klausel, wie sie vereinbart ist")
    term_years: int | None = Field(
        None, title="Laufzeit (Jahre)", description="Nur bei term", ge=1, le=99
    )
    open_ended: bool = Field(
        False, title="Unbefristet", description="Nur bei term: auf unbestimmte Zeit"
    )
    notice_months: int | None = Field(
        None, title="Kündigungsfrist (Monate)", description="Nur bei termination", ge=1, le=120
    )
    evaluation_on: Day | None = Field(
        None, title="Evaluation am", description="Nur bei evaluation: der vereinbarte Termin"
    )
    agreed_on: Day = Field(title="Vereinbart am")
    actor_id: Id = ActorId


class OpenFoundingChange(Command):
    """A change procedure after the founding (states.founding_change)."""

    cooperation_id: Id = CoopId
    kind: ChangeKind = Field(
        title="Art der Änderung",
        description="Änderung (Aufgaben oder Kostenschlüssel), Beitritt, Austritt, "
        "Kündigung, Auflösung",
    )
    municipality_id: Id | None = Field(
        None,
        title="Beitretende oder austretende Kommune (ID)",
        description="Nur bei Beitritt oder Austritt",
    )
    description: Text = Field(
        title="Beschreibung", description="Was sich ändert, z. B. neuer Kostenschlüssel ab 2028"
    )
    actor_id: Id = ActorId
