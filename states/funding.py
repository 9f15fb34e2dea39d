"""The funding application as a tracked process: prepared, submitted, decided (amount,
quota, conditions), paid, proof of use submitted and accepted, and an explicit
permission to start early. Pure: what may be recorded when, and what the start_pilot
gate needs from a programme that forbids starting before the application or decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from states.errors import Message

PREPARED = "prepared"
SUBMITTED = "submitted"
DECIDED = "decided"
PAID = "paid"
PROOF_SUBMITTED = "proof_submitted"
PROOF_ACCEPTED = "proof_accepted"
EARLY_START = "early_start"

STEP_LABELS: dict[str, tuple[str, str]] = {
    PREPARED: ("vorbereitet", "prepared"),
    SUBMITTED: ("eingereicht", "submitted"),
    DECIDED: ("entschieden", "decided"),
    PAID: ("ausgezahlt", "paid"),
    PROOF_SUBMITTED: ("Verwendungsnachweis eingereicht", "proof of use submitted"),
    PROOF_ACCEPTED: ("Verwendungsnachweis anerkannt", "proof of use accepted"),
    EARLY_START: ("vorzeitiger Beginn erlaubt", "early start permitted"),
}


class GrantResult(StrEnum):
    APPROVED = "approved"  # bewilligt
    REFUSED = "refused"  # abgelehnt


@dataclass(frozen=True)
class StepSnap:
    kind: str
    on: date
    result: str = ""
    amount: Decimal | None = None
    quota: Decimal | None = None
    proof_due: date | None = None  # a decision's deadline for the proof of use


@dataclass(frozen=True)
class ApplicationSnap:
    """One application of a cooperation to a programme, with the programme's figures as
    they stood when it was prepared."""

    programme: str
    programme_name: str
    prepared_on: date
    start_forbidden_before: str | None  # "application", "decision" or None
    max_grant: Decimal | None
    max_quota: Decimal | None
    window: tuple[date, date] | None
    steps: tuple[StepSnap, ...] = ()
    savings_target: Decimal | None = None  # the obligation's yearly savings in %
    # The programme's obligations and figures the deadlines and the commitment watch
    # read (states.funding_deadlines); None where the programme gives none.
    commitment_years: int | None = None
    proof_of_use_months: int | None = None
    decision_weeks: tuple[int, int] | None = None
    min_partners: int | None = None

    def of(self, kind: str) -> list[StepSnap]:
        return [s for s in self.steps if s.kind == kind]

    def first(self, kind: str) -> StepSnap | None:
        found = self.of(kind)
        return found[0] if found else None

    @property
    def submitted_on(self) -> date | None:
        s = self.first(SUBMITTED)
        return s.on if s else None

    @property
    def decision(self) -> StepSnap | None:
        return self.first(DECIDED)

    @property
    def approved(self) -> bool:
        d = self.decision
        return d is not None and d.result == GrantResult.APPROVED

    @property
    def paid_total(self) -> Decimal:
        return sum((s.amount or Decimal("0") for s in self.of(PAID)), Decimal("0.00"))

    @property
    def status(self) -> str:
        """The furthest step reached."""
        for kind in (PROOF_ACCEPTED, PROOF_SUBMITTED, PAID, DECIDED, SUBMITTED):
            if self.of(kind):
                return kind
        return PREPARED


def _m(code: str, de: str, en: str) -> Message:
    return Message(code, de, en)


def _not_before(on: date, earlier: date, code: str, de: str, en: str) -> Message | None:
    if on < earlier:
        return _m(
            code,
            f"{de} ({on.isoformat()} vor {earlier.isoformat()}).",
            f"{en} ({on} before {earlier}).",
        )
    return None


def refusal(
    app: ApplicationSnap,
    kind: str,
    on: date,
    today: date,
    *,
    result: str = "",
    amount: Decimal | None = None,
    quota: Decimal | None = None,
    proof_due: date | None = None,
) -> Message | None:
    """Why the step `kind` dated `on` cannot be recorded now (None: it can)."""
    if on > today:
        return _m(
            "date_in_future",
            f"Das Datum {on.isoformat()} liegt in der Zukunft.",
            f"The date {on.isoformat()} is in the future.",
        )
    if kind == SUBMITTED:
        if app.submitted_on is not None:
            return _m(
                "already_submitted",
                "Der Antrag ist bereits eingereicht.",
                "The application is already submitted.",
            )
        if app.window is not None and not (app.window[0] <= on <= app.window[1]):
            return _m(
                "outside_window",
                f"{on.isoformat()} liegt außerhalb des Antragsfensters "
                f"({app.window[0].isoformat()} – {app.window[1].isoformat()}).",
                f"{on.isoformat()} is outside the application window "
                f"({app.window[0].isoformat()} – {app.window[1].isoformat()}).",
            )
        return _not_before(
            on,
            app.prepared_on,
            "submitted_before_prepared",
            "Eingereicht vor der Vorbereitung",
            "Submitted before it was prepared",
        )
    if kind == DECIDED:
        sub = app.submitted_on
        if sub is None or on < sub:
            return _m(
                "decision_before_submission",
                "Entscheidung vor der Einreichung des Antrags.",
                "Decision before the application was submitted.",
            )
        if app.decision is not None:
            return _m(
                "already_decided",
                "Über den Antrag ist bereits entschieden.",
                "The application is already decided.",
            )
        if result == GrantResult.REFUSED:
            if amount is not None or quota is not None:
                return _m(
                    "refused_with_amount",
                    "Eine Ablehnung hat keinen Betrag und keine Quote.",
                    "A refusal has no amount and no quota.",
                )
            if proof_due is not None:
                return _m(
                    "refused_with_proof_due",
                    "Eine Ablehnung hat keine Frist für den Verwendungsnachweis.",
                    "A refusal has no proof-of-use deadline.",
                )
            return None
        if proof_due is not None and proof_due <= on:
            return _m(
                "proof_due_before_decision",
                f"Frist für den Verwendungsnachweis ({proof_due.isoformat()}) nicht nach dem "
                f"Bescheid ({on.isoformat()}).",
                f"Proof-of-use deadline ({proof_due.isoformat()}) not after the decision "
                f"({on.isoformat()}).",
            )
        if amount is None:
            return _m(
                "amount_missing",
                "Bewilligung ohne Betrag (--amount).",
                "Approval without an amount (--amount).",
            )
        if app.max_grant is not None and amount > app.max_grant:
            return _m(
                "amount_above_programme",
                f"Bewilligter Betrag {amount} € über dem Höchstbetrag des Programms ({app.max_grant} €).",
                f"Approved amount €{amount} above the programme's maximum (€{app.max_grant}).",
            )
        if quota is not None and app.max_quota is not None and quota > app.max_quota:
            return _m(
                "quota_above_programme",
                f"Quote {quota} % über der Höchstquote des Programms ({app.max_quota} %).",
                f"Quota {quota} % above the programme's maximum ({app.max_quota} %).",
            )
        return None
    if kind == PAID:
        d = app.decision
        if d is None or not app.approved:
            return _m(
                "payment_without_approval",
                "Auszahlung ohne Bewilligung.",
                "Payment without an approval.",
            )
        if on < d.on:
            return _m(
                "payment_before_decision",
                "Auszahlung vor der Bewilligung.",
                "Payment before the approval.",
            )
        if amount is None or amount <= 0:
            return _m(
                "payment_amount",
                "Auszahlung ohne Betrag (--amount).",
                "Payment without an amount (--amount).",
            )
        if d.amount is not None and app.paid_total + amount > d.amount:
            return _m(
                "payment_above_approval",
                f"Ausgezahlt wären {app.paid_total + amount} €, bewilligt sind {d.amount} €.",
                f"Paid would be €{app.paid_total + amount}, approved is €{d.amount}.",
            )
        return None
    if kind == PROOF_SUBMITTED:
        paid = app.of(PAID)
        if not paid:
            return _m(
                "proof_before_payment",
                "Verwendungsnachweis vor einer Auszahlung.",
                "Proof of use before any payment.",
            )
        if app.of(PROOF_SUBMITTED):
            return _m(
                "proof_already_submitted",
                "Der Verwendungsnachweis ist bereits eingereicht.",
                "The proof of use is already submitted.",
            )
        return _not_before(
            on,
            paid[0].on,
            "proof_before_payment",
            "Verwendungsnachweis vor der Auszahlung",
            "Proof of use before the payment",
        )
    if kind == PROOF_ACCEPTED:
        sub_proof = app.first(PROOF_SUBMITTED)
        if sub_proof is None:
            return _m(
                "acceptance_before_proof",
                "Anerkennung vor dem Verwendungsnachweis.",
                "Acceptance before the proof of use.",
            )
        if app.of(PROOF_ACCEPTED):
            return _m(
                "proof_already_accepted",
                "Der Verwendungsnachweis ist bereits anerkannt.",
                "The proof of use is already accepted.",
            )
        return _not_before(
            on,
            sub_proof.on,
            "acceptance_before_proof",
            "Anerkennung vor dem Verwendungsnachweis",
            "Acceptance before the proof of use",
        )
    if kind == EARLY_START:
        if app.start_forbidden_before is None:
            return _m(
                "early_start_not_needed",
                f"{app.programme_name} verbietet keinen frühen Beginn; keine Erlaubnis nötig.",
                f"{app.programme_name} does not forbid an early start; no permission needed.",
            )
        if app.of(EARLY_START):
            return _m(
                "early_start_recorded",
                "Der vorzeitige Beginn ist bereits erlaubt.",
                "The early start is already permitted.",
            )
        if app.decision is not None:
            return _m(
                "early_start_after_decision",
                "Nach der Entscheidung ist keine Erlaubnis mehr nötig.",
                "After the decision no permission is needed.",
            )
        return _not_before(
            on,
            app.prepared_on,
            "early_start_before_prepared",
            "Erlaubnis vor der Vorbereitung des Antrags",
            "Permission before the application was prepared",
        )
    return None


def start_criteria(apps: tuple[ApplicationSnap, ...]) -> list[Message]:
    """What the start_pilot gate needs from the applications: a programme that forbids
    starting before the application (or the decision) holds the start until it is
    submitted (or decided), or until an early start is permitted."""
    out: list[Message] = []
    for a in apps:
        if a.start_forbidden_before is None or a.of(EARLY_START):
            continue
        if a.start_forbidden_before == "decision" and a.decision is None:
            out.append(
                _m(
                    "funding_start_before_decision",
                    f"{a.programme_name}: kein Beginn vor der Förderentscheidung (oder einer "
                    "Erlaubnis des vorzeitigen Beginns, ikz funding early-start).",
                    f"{a.programme_name}: no start before the funding decision (or a "
                    "permission to start early, ikz funding early-start).",
                )
            )
        elif a.start_forbidden_before == "application" and a.submitted_on is None:
            out.append(
                _m(
                    "funding_start_before_application",
                    f"{a.programme_name}: kein Beginn vor der Einreichung des Antrags (oder "
                    "einer Erlaubnis des vorzeitigen Beginns, ikz funding early-start).",
                    f"{a.programme_name}: no start before the application is submitted (or "
                    "a permission to start early, ikz funding early-start).",
                )
            )
    return out
