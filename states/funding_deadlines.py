"""A funding application's deadlines and its commitment: when the proof of use is due,
when a decision is overdue, and how long the cooperation is bound to its purpose
(Zweckbindung) after the grant. Pure: the daily sweep (ikz.review.funding) reminds of
the deadlines, the Kooperations-Check (factor 7, states.health.factors_funding) watches
the commitment, `ikz funding check` and the page show both.

- Proof of use: due on the date the decision set (`ikz funding decision --proof-due`),
  else the programme's `obligations.proof_of_use_months` after the last payment; none
  before a payment or without either. Reminded `funding_proof_reminder_days` ahead and
  once when overdue; met once the proof is submitted.
- Decision overdue: a submitted application without a decision after the upper bound of
  the programme's `decision_weeks`.
- Commitment: `obligations.commitment_years` from the approval (the decision's date).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from states.funding import PAID, PROOF_SUBMITTED, ApplicationSnap

PROOF_DUE = "proof_due"
PROOF_OVERDUE = "proof_overdue"
DECISION_OVERDUE = "decision_overdue"


def add_months(day: date, months: int) -> date:
    """`months` calendar months after `day`, on the month's last day where it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def proof_due(a: ApplicationSnap) -> date | None:
    """When the proof of use is due: the decision's date for it, else the programme's
    months after the last payment; None without either."""
    d = a.decision
    if d is None or not a.approved:
        return None
    if d.proof_due is not None:
        return d.proof_due
    paid = a.of(PAID)
    if a.proof_of_use_months is None or not paid:
        return None
    return add_months(max(p.on for p in paid), a.proof_of_use_months)


def commitment_until(a: ApplicationSnap) -> date | None:
    """The last day of the commitment (Zweckbindung): the programme's years from the
    approval; None without an approval or a commitment."""
    d = a.decision
    if d is None or not a.approved or a.commitment_years is None:
        return None
    return add_months(d.on, 12 * a.commitment_years) - timedelta(days=1)


def decision_expected_by(a: ApplicationSnap) -> date | None:
    """The last day of the programme's published time to a decision, from the submission."""
    sub = a.submitted_on
    if sub is None or a.decision_weeks is None:
        return None
    return sub + timedelta(weeks=a.decision_weeks[1])


@dataclass(frozen=True)
class FundingReminder:
    what: str  # PROOF_DUE, PROOF_OVERDUE, DECISION_OVERDUE
    due: date

    def key(self, cooperation_id: int, programme: str) -> str:
        """One mail per application, kind and deadline."""
        return f"funding-{self.what}:{cooperation_id}:{programme}:{self.due}"


def funding_reminders(a: ApplicationSnap, today: date, days_ahead: int) -> list[FundingReminder]:
    """The application's deadlines to remind of today."""
    out: list[FundingReminder] = []
    due = proof_due(a)
    if due is not None and not a.of(PROOF_SUBMITTED):
        if today > due:
            out.append(FundingReminder(PROOF_OVERDUE, due))
        elif (due - today).days <= days_ahead:
            out.append(FundingReminder(PROOF_DUE, due))
    expected = decision_expected_by(a)
    if expected is not None and a.decision is None and today > expected:
        out.append(FundingReminder(DECISION_OVERDUE, expected))
    return out


def de_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")
