"""The tax, procurement and state-aid assessments of a founding: each criterion answered
yes or no with a reason (and optionally a document), the latest answer counting.

Pure: the criteria, their labels and legal sources, and the outcome of a set of answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class YesNo(StrEnum):
    JA = "ja"
    NEIN = "nein"
    YES = "yes"
    NO = "no"

    @property
    def yes(self) -> bool:
        return self in (YesNo.JA, YesNo.YES)


class AssessmentKind(StrEnum):
    VAT = "vat"  # § 2b UStG
    PROCUREMENT = "procurement"  # § 108 Abs. 6 GWB
    STATE_AID = "state_aid"  # Art. 107 AEUV / DAWI


@dataclass(frozen=True)
class Criterion:
    code: str
    de: str
    en: str
    source: str


CRITERIA: dict[AssessmentKind, tuple[Criterion, ...]] = {
    AssessmentKind.VAT: (
        Criterion(
            "long_term_agreement",
            "Langfristige öffentlich-rechtliche Vereinbarung (fünf Jahre oder unbefristet)",
            "Long-term public-law agreement (five years or open-ended)",
            "§ 2b Abs. 3 Nr. 2 Buchst. a UStG",
        ),
        Criterion(
            "public_interest_task",
            "Dient öffentlicher Infrastruktur oder einer Aufgabe, zu der alle Partner "
            "verpflichtet sind",
            "Serves public infrastructure or a task all partners are obliged to perform",
            "§ 2b Abs. 3 Nr. 2 Buchst. b UStG",
        ),
        Criterion(
            "cost_reimbursement_only",
            "Entgelt deckt nur die Kosten",
            "Payment only reimburses costs",
            "§ 2b Abs. 3 Nr. 2 Buchst. c UStG",
        ),
        Criterion(
            "public_bodies_only",
            "Leistender Partner erbringt gleichartige Leistungen im Wesentlichen nur an "
            "juristische Personen des öffentlichen Rechts",
            "The performing partner offers such services essentially only to public bodies",
            "§ 2b Abs. 3 Nr. 2 Buchst. d UStG",
        ),
        Criterion(
            "task_delegated",
            "Aufgabe wird delegiert (ja) oder mandatiert (nein)",
            "Task is delegated (yes) or mandated (no)",
            "§ 2b Abs. 3 Nr. 1 UStG",
        ),
        Criterion(
            "below_small_amount",
            "Umsatz aus gleichartigen Tätigkeiten voraussichtlich höchstens 17.500 EUR im Jahr",
            "Turnover from similar activities expected at most EUR 17,500 a year",
            "§ 2b Abs. 2 Nr. 1 UStG",
        ),
    ),
    AssessmentKind.PROCUREMENT: (
        Criterion(
            "cooperative_concept",
            "Echtes kooperatives Konzept: jeder Partner trägt zu gemeinsamen Zielen bei",
            "A genuinely cooperative concept: every partner contributes to shared goals",
            "§ 108 Abs. 6 Nr. 1 GWB",
        ),
        Criterion(
            "public_interest_only",
            "Durchführung ausschließlich durch Überlegungen im öffentlichen Interesse bestimmt",
            "Decisions driven only by public interest",
            "§ 108 Abs. 6 Nr. 2 GWB",
        ),
        Criterion(
            "market_share_below_20",
            "Weniger als 20 % der betroffenen Tätigkeiten am offenen Markt",
            "Less than 20 % of the covered activities on the open market",
            "§ 108 Abs. 6 Nr. 3 GWB",
        ),
    ),
    AssessmentKind.STATE_AID: (
        Criterion(
            "acts_on_market",
            "Die Kooperation ist am Markt tätig (wirtschaftliche Tätigkeit)",
            "The cooperation acts on a market (economic activity)",
            "Art. 107 Abs. 1 AEUV",
        ),
        Criterion(
            "aid_compatible",
            "Kein Vorteil, oder gedeckt (DAWI-Freistellung, De-minimis, AGVO)",
            "No advantage, or covered (SGEI decision, de minimis, GBER)",
            "Art. 106 Abs. 2, 107 AEUV; DAWI-Beschluss 2012/21/EU",
        ),
    ),
}

LABELS: dict[AssessmentKind, tuple[str, str]] = {
    AssessmentKind.VAT: ("Umsatzsteuer (§ 2b UStG)", "VAT (§ 2b UStG)"),
    AssessmentKind.PROCUREMENT: ("Vergaberecht (§ 108 Abs. 6 GWB)", "Procurement (§ 108 (6) GWB)"),
    AssessmentKind.STATE_AID: ("Beihilferecht (Art. 107 AEUV)", "State aid (Art. 107 TFEU)"),
}


def criterion(kind: AssessmentKind, code: str) -> Criterion | None:
    return next((c for c in CRITERIA[kind] if c.code == code), None)


@dataclass(frozen=True)
class Answer:
    kind: str
    criterion: str
    answer: bool
    reason: str
    on: date


class Outcome(StrEnum):
    MISSING = "missing"  # a required criterion is not answered yet
    POSITIVE = "positive"  # the exemption applies / no aid problem
    NEGATIVE = "negative"  # VAT due, procurement law applies, aid to be notified


def latest(answers: tuple[Answer, ...], kind: AssessmentKind) -> dict[str, bool]:
    """The answer that counts per criterion: the latest recorded."""
    return {a.criterion: a.answer for a in answers if a.kind == kind.value}


def required(kind: AssessmentKind, given: dict[str, bool]) -> list[str]:
    if kind is AssessmentKind.STATE_AID:
        # Not on a market: no aid question to answer.
        return (
            ["acts_on_market", "aid_compatible"]
            if given.get("acts_on_market")
            else ["acts_on_market"]
        )
    return [c.code for c in CRITERIA[kind]]


def outcome(answers: tuple[Answer, ...], kind: AssessmentKind) -> Outcome:
    given = latest(answers, kind)
    if any(code not in given for code in required(kind, given)):
        return Outcome.MISSING
    if kind is AssessmentKind.VAT:
        four = all(given[c.code] for c in CRITERIA[kind][:4])
        return Outcome.POSITIVE if four or given["below_small_amount"] else Outcome.NEGATIVE
    if kind is AssessmentKind.PROCUREMENT:
        return Outcome.POSITIVE if all(given.values()) else Outcome.NEGATIVE
    if not given["acts_on_market"]:
        return Outcome.POSITIVE
    return Outcome.POSITIVE if given["aid_compatible"] else Outcome.NEGATIVE


# Every founding needs all three before the signatures: a permanent structure outlives
# the end of the § 27 (22a) UStG transition, so § 2b UStG applies to it in any case. The
# cut-off date (IKZ_VAT_CUTOFF, default 2027-01-01) decides how the Kooperations-Check
# weighs a negative VAT assessment: a note before it, a reason from it on.
NEEDED: tuple[AssessmentKind, ...] = tuple(AssessmentKind)


def vat_applies(cutoff: date, today: date) -> bool:
    return today >= cutoff
