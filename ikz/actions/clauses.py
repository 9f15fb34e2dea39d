"""Recording a clause of the agreement or statute as agreed (`ikz founding clause`): the
rules (states.clauses) say whether the form knows the clause and its measure fits; a
refused one is one line and nothing is written. The row is on the cooperation's fact
chain; the signature step waits until every required clause is there."""

from __future__ import annotations

from ikz.actions.guard import authorize, coop_for_write, prove
from ikz.app import App
from models import founding_commands as c
from models.founding import FoundingClause, founding_snap
from models.store import save
from states.clauses import ClauseFact, refusal
from states.errors import InvalidInputError
from states.founding import signed
from states.policy import Action


def record_clause(app: App, cmd: c.RecordClause) -> FoundingClause:
    today = app.clock().date()
    if cmd.agreed_on > today:
        raise InvalidInputError(
            "date_in_future",
            f"Das Datum {cmd.agreed_on.isoformat()} liegt in der Zukunft.",
            f"The date {cmd.agreed_on.isoformat()} is in the future.",
        )
    fact = ClauseFact(
        cmd.clause,
        cmd.text,
        cmd.agreed_on,
        cmd.term_years,
        cmd.open_ended,
        cmd.notice_months,
        cmd.evaluation_on,
    )
    with app.db.write() as s:
        _, parts = coop_for_write(s, cmd.cooperation_id)
        authorize(s, cmd.actor_id, Action.RECORD_FOUNDING, parts)
        snap = founding_snap(cmd.cooperation_id, session=s)
        if snap is None:
            raise InvalidInputError(
                "founding_not_planned",
                f"Für Kooperation {cmd.cooperation_id} gibt es noch keinen Gründungsplan "
                "(ikz founding plan).",
                f"Cooperation {cmd.cooperation_id} has no founding plan yet (ikz founding plan).",
            )
        why = refusal(snap.rules, fact, bool(signed(snap)))
        if why is not None:
            raise InvalidInputError(why.code, why.de, why.en)
        prove(app, s, cmd.actor_id)
        return save(
            FoundingClause(
                cooperation_id=cmd.cooperation_id,
                plan_id=snap.plan_id,
                code=fact.code,
                text=fact.text,
                term_years=fact.term_years,
                open_ended=fact.open_ended,
                notice_months=fact.notice_months,
                evaluation_on=fact.evaluation_on,
                agreed_on=cmd.agreed_on,
                recorded_at=app.clock(),
            ),
            session=s,
        )
