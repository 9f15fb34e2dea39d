"""Factor 7 (long-term view), the funding's part: a grant's savings target and its
commitment (Zweckbindung).

Savings: once a programme with a savings target (Hessen: 15 % a year) has approved
the grant, the latest year with baseline and actual costs of every partner
(states.savings) is compared with it: below the target is yellow, with the figures; at
or above it green. Without a complete year yet it is a note. Without an approved grant
nothing is said.

Commitment: while the programme's `commitment_years` run from the approval
(states.funding_deadlines), a paused cooperation is yellow, an agreement whose recorded
term (states.clauses, not open-ended) is shorter than the commitment is yellow, and
fewer partners than the programme's `min_partners` is red: each puts the grant at risk
of repayment. Otherwise a note "Zweckbindung bis dd.mm.yyyy". An ended cooperation is
not assessed at all (states.health.check); `ikz funding check` says so for it.
"""

from __future__ import annotations

from datetime import date

from states.clauses import TERM, ClauseFact, latest
from states.errors import Message
from states.funding import ApplicationSnap
from states.funding_deadlines import commitment_until, de_date
from states.health.rules import Colour, Findings
from states.lifecycle import State
from states.snapshot import CooperationSnapshot


def _num(value: object) -> str:
    return str(value).replace(".", ",")


def funding_findings(s: CooperationSnapshot, today: date, f: Findings) -> None:
    commitment_findings(s, today, f)
    for a in s.funding:
        target = a.savings_target
        if target is None or not a.approved:
            continue
        if s.savings_latest is None:
            f.add(
                Colour.GREEN,
                "funding_savings_not_measured",
                f"{a.programme_name}: Einsparziel {_num(target)} % im Jahr; noch kein Jahr mit "
                "Ist-Kosten aller Partner (ikz funding actual).",
                f"{a.programme_name}: savings target {target} % a year; no year with every "
                "partner's actual costs yet (ikz funding actual).",
            )
            continue
        year, pct = s.savings_latest
        if pct < target:
            f.add(
                Colour.YELLOW,
                "funding_savings_below_target",
                f"{a.programme_name}: {year} nur {_num(pct)} % eingespart, zugesagt sind "
                f"{_num(target)} % (Rückforderung droht).",
                f"{a.programme_name}: only {pct} % saved in {year}, {target} % promised "
                "(repayment may be claimed).",
            )
        else:
            f.add(
                Colour.GREEN,
                "funding_savings_target_met",
                f"{a.programme_name}: {year} {_num(pct)} % eingespart (Ziel {_num(target)} %).",
                f"{a.programme_name}: {pct} % saved in {year} (target {target} %).",
            )


def commitment_watch(
    a: ApplicationSnap, state: State, partners: int, term: ClauseFact | None, today: date
) -> list[tuple[Colour, Message]]:
    """What puts the grant `a` at risk while its commitment runs (empty list: it is not
    running); a green note when nothing does. `ikz funding check` shows the same."""
    until = commitment_until(a)
    if until is None or today > until:
        return []
    head_de = f"{a.programme_name}: Zweckbindung bis {de_date(until)}"
    head_en = f"{a.programme_name}: commitment until {until.isoformat()}"
    out: list[tuple[Colour, Message]] = []

    def add(colour: Colour, code: str, de: str, en: str) -> None:
        out.append((colour, Message(code, de, en)))

    if state == State.ENDED:
        add(
            Colour.RED,
            "commitment_ended",
            f"{head_de}, die Kooperation ist beendet (Rückforderung droht).",
            f"{head_en}, and the cooperation has ended (repayment may be claimed).",
        )
    if state == State.PAUSED:
        add(
            Colour.YELLOW,
            "commitment_paused",
            f"{head_de}, die Kooperation ist pausiert (Rückforderung droht, wenn sie "
            "nicht fortgeführt wird).",
            f"{head_en}, and the cooperation is paused (repayment may be claimed if it "
            "does not continue).",
        )
    if a.min_partners is not None and partners < a.min_partners:
        add(
            Colour.RED,
            "commitment_partners",
            f"{head_de}, aber nur noch {partners} Partner (verlangt: {a.min_partners}; "
            "Rückforderung droht).",
            f"{head_en}, but only {partners} partners left (required: {a.min_partners}; "
            "repayment may be claimed).",
        )
    years = a.commitment_years
    if (
        term is not None
        and not term.open_ended
        and term.term_years is not None
        and years is not None
        and term.term_years < years
    ):
        add(
            Colour.YELLOW,
            "commitment_term_short",
            f"{head_de}, die vereinbarte Laufzeit ({term.term_years} Jahre) ist kürzer als "
            f"die Zweckbindung ({years} Jahre).",
            f"{head_en}, but the agreed term ({term.term_years} years) is shorter than the "
            f"commitment ({years} years).",
        )
    if not out:
        add(Colour.GREEN, "commitment_running", f"{head_de}.", f"{head_en}.")
    return out


def commitment_findings(s: CooperationSnapshot, today: date, f: Findings) -> None:
    """The commitment of each approved grant while it runs."""
    term = latest(s.founding.clauses).get(TERM) if s.founding is not None else None
    for a in s.funding:
        for colour, msg in commitment_watch(a, s.state, len(s.partners), term, today):
            f.items.append((colour, msg))
