"""Which founding deadlines the daily sweep reminds the coordinator of: a partner's
submission deadline (Vorlage bis) for the council meeting its missing resolution can
still reach, and the day the authority's approval counts as granted. Both counted in
working days of the partner's state (states.council), so a reminder "five working days
before" does not fall on a holiday weekend and leave the office two days.

Pure: the sweep (ikz.review.founding) loads the snapshots and queues the mails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from states.council import working_days_between
from states.founding import DEEMED_APPROVAL, FoundingSnap, adopted, deemed_deadline, sittings
from states.rulepack import Step

SUBMISSION_DUE = "submission"
DEEMED_APPROVAL_NEAR = "deemed_approval"


@dataclass(frozen=True)
class FoundingReminder:
    """One deadline near: `due` is the submission deadline or the deemed-approval day;
    a submission names the partner and the meeting its resolution targets."""

    what: str
    due: date
    municipality_id: int | None = None
    meets_on: date | None = None
    body: str = ""

    def key(self, cooperation_id: int) -> str:
        """The mail's dedupe key: one per partner and meeting, one per approval date."""
        if self.what == SUBMISSION_DUE:
            return f"founding-deadline:{cooperation_id}:{self.municipality_id}:{self.meets_on}"
        return f"founding-deemed:{cooperation_id}:{self.due}"


def founding_reminders(
    snap: FoundingSnap, today: date, working_days: int
) -> list[FoundingReminder]:
    """The deadlines at most `working_days` working days ahead (today's included). While
    the cooperation is paused its own deadlines rest (no meeting is targeted); the
    authority's period runs on, and so does its reminder."""
    out: list[FoundingReminder] = []
    if Step.RESOLUTION in snap.rules.steps and not snap.paused:
        res = adopted(snap)
        for m, sit in sittings(snap, today).items():
            if m in res or sit is None:
                continue
            if (
                working_days_between(today, sit.submit_by, snap.partner_states.get(m))
                <= working_days
            ):
                out.append(
                    FoundingReminder(SUBMISSION_DUE, sit.submit_by, m, sit.meets_on, sit.body)
                )
    deemed = deemed_deadline(snap)
    if deemed is not None and deemed >= today and not snap.of(DEEMED_APPROVAL):
        # The authority sits in the partners' state: the first partner's holidays.
        state = snap.partner_states.get(snap.partner_ids[0]) if snap.partner_ids else None
        if working_days_between(today, deemed, state) <= working_days:
            out.append(FoundingReminder(DEEMED_APPROVAL_NEAR, deemed))
    return out
