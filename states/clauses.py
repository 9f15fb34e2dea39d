"""The clauses of the agreement or statute: which the rule pack requires, which the
coordinator recorded (`ikz founding clause`) with what content, and which are still
missing or empty. Pure.

Three kinds of clause:
- derived from recorded facts: the partners (`parties`, `members`: their names and AGS)
  and the tasks (`tasks`: the field of work and the goals; a recorded `tasks` clause
  replaces the derived text);
- composed: `term_and_termination` (a rule pack's single requirement) is present when
  both `term` and `termination` are recorded;
- recorded: every other code, the latest record of a code counts.

The same picture feeds the written draft (a missing clause is a visible placeholder
there), the clause check on the cooperation's page, the refusal of a signature while a
required clause is missing, and factors 7 and 8 of the Kooperations-Check.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from states.errors import Message
from states.rulepack import Clause, FormRules

TERM = "term"
TERMINATION = "termination"
EVALUATION = "evaluation"
ESCALATION = "escalation"
EXIT = "exit"

# The clauses every draft carries beyond the rule pack's (conflict, exit, evaluation:
# the success factors ask for them even where the law does not).
GENERAL: dict[str, tuple[str, str]] = {
    TERM: ("Laufzeit", "Term"),
    TERMINATION: ("Kündigung", "Termination"),
    ESCALATION: ("Konfliktlösung und Eskalation", "Conflict resolution and escalation"),
    EXIT: ("Austritt eines Partners", "A partner leaving"),
    EVALUATION: ("Evaluation", "Evaluation"),
}
COMPOSED: dict[str, tuple[str, ...]] = {"term_and_termination": (TERM, TERMINATION)}
PARTNERS = frozenset({"parties", "members"})
TASKS = "tasks"


@dataclass(frozen=True)
class ClauseFact:
    """One recorded clause: its text and, where the code has one, its measure."""

    code: str
    text: str
    on: date
    term_years: int | None = None
    open_ended: bool = False
    notice_months: int | None = None
    evaluation_on: date | None = None


def latest(facts: Iterable[ClauseFact]) -> dict[str, ClauseFact]:
    """The clause that counts per code: the last one recorded."""
    out: dict[str, ClauseFact] = {}
    for f in facts:
        out[f.code] = f
    return out


def recordable(rules: FormRules) -> list[str]:
    """The codes a clause may be recorded under for this form: the required ones (a
    composed one through its parts, the partners never: they are the partnerships) and
    the general ones."""
    out: list[str] = []
    for c in rules.clauses:
        for code in COMPOSED.get(c.code, (c.code,)):
            if code not in PARTNERS and code not in out:
                out.append(code)
    out += [code for code in GENERAL if code not in out]
    return out


def label(rules: FormRules, code: str, lang: str = "de") -> str:
    for c in rules.clauses:
        if c.code == code:
            return c.label
    de, en = GENERAL.get(code, (code, code))
    return en if lang == "en" else de


def _filled(f: ClauseFact | None) -> bool:
    return f is not None and bool(f.text.strip())


def present(code: str, clauses: dict[str, ClauseFact], partners: int, goals: int) -> bool:
    """Whether the agreement has content for `code`."""
    if code in COMPOSED:
        return all(_filled(clauses.get(part)) for part in COMPOSED[code])
    if code in PARTNERS:
        return partners >= 2
    if code == TASKS:
        return _filled(clauses.get(TASKS)) or goals > 0
    return _filled(clauses.get(code))


def missing(
    rules: FormRules, facts: Sequence[ClauseFact], partners: int, goals: int
) -> list[Clause]:
    """The rule pack's required clauses that are missing or empty, in the pack's order."""
    now = latest(facts)
    return [c for c in rules.clauses if not present(c.code, now, partners, goals)]


def long_term(clauses: dict[str, ClauseFact], min_years: int) -> bool | None:
    """Whether the recorded term is long-term (open-ended or at least `min_years`);
    None without a term."""
    term = clauses.get(TERM)
    if term is None:
        return None
    return term.open_ended or (term.term_years is not None and term.term_years >= min_years)


def refusal(
    rules: FormRules,
    fact: ClauseFact,
    signed: bool,
) -> Message | None:
    """Why a clause cannot be recorded (None: it can): a code the form does not know, a
    measure missing or given to the wrong clause, or a text already signed."""
    codes = recordable(rules)
    if fact.code not in codes:
        return Message(
            "clause_unknown",
            f"Die Klausel '{fact.code}' gibt es für diese Form nicht (möglich: {', '.join(codes)}).",
            f"This form has no clause '{fact.code}' (possible: {', '.join(codes)}).",
        )
    if signed:
        return Message(
            "clause_after_signature",
            "Die Vereinbarung ist schon unterschrieben; eine Klausel ändert sich nur noch "
            "durch eine Änderung mit Beschluss, Genehmigung und Bekanntmachung.",
            "The agreement is already signed; a clause now changes only by an amendment "
            "with resolutions, approval and publication.",
        )
    wrong = [
        name
        for name, given, own in (
            ("--years", fact.term_years is not None, TERM),
            ("--open-ended", fact.open_ended, TERM),
            ("--notice-months", fact.notice_months is not None, TERMINATION),
            ("--evaluation-on", fact.evaluation_on is not None, EVALUATION),
        )
        if given and fact.code != own
    ]
    if wrong:
        return Message(
            "clause_measure_wrong",
            f"{', '.join(wrong)} gehört nicht zur Klausel '{fact.code}'.",
            f"{', '.join(wrong)} does not belong to the clause '{fact.code}'.",
        )
    if fact.code == TERM and (fact.term_years is None) == (not fact.open_ended):
        return Message(
            "term_measure",
            "Laufzeit: entweder die Jahre (--years N) oder unbefristet (--open-ended) angeben.",
            "Term: give either the years (--years N) or open-ended (--open-ended).",
        )
    if fact.code == EVALUATION and fact.evaluation_on is None:
        return Message(
            "evaluation_date_missing",
            "Evaluation: den vereinbarten Termin mit --evaluation-on angeben.",
            "Evaluation: give the agreed date with --evaluation-on.",
        )
    return None
