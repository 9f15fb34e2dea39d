"""The founding's part of factors 6, 7 and 8 (only with a founding plan).

Factor 6 (no formalism trap): the days from the letter of intent to the last council
resolution, and the formal steps still open while the pilot runs (`formalism_findings`).
Factor 7 (long-term view): the agreement's term, termination and evaluation date
(`term_findings`), and the tax, procurement and aid assessments a planned founding needs
before its signatures (states.assessment, `assessment_findings`). Factor 8: an
escalation clause (`escalation_findings`).

Thresholds: a missing assessment is yellow (the signatures wait for it); a negative
procurement assessment (§ 108 Abs. 6 GWB does not hold: the service must be tendered)
or state-aid assessment (aid to be notified or restructured) is yellow; a negative VAT
assessment is yellow from the § 2b UStG cut-off date (IKZ_VAT_CUTOFF, default
2027-01-01) on and a note before it. While council resolutions are still open, the
days since the letter of intent are yellow above `founding_warn_days` (180) and red above
`founding_red_days` (365); a term shorter than `min_term_years` (5), a missing term,
termination clause, evaluation date or escalation clause are yellow. Without a founding
plan nothing is said.
"""

from __future__ import annotations

from datetime import datetime

from states.assessment import LABELS, NEEDED, AssessmentKind, Outcome, outcome, vat_applies
from states.clauses import ESCALATION, EVALUATION, TERM, TERMINATION, latest, long_term
from states.founding import LETTER_OF_INTENT, adopted, steps
from states.health.rules import Colour, Findings, HealthRules
from states.snapshot import CooperationSnapshot

GREEN, YELLOW, RED = Colour.GREEN, Colour.YELLOW, Colour.RED


def assessment_findings(s: CooperationSnapshot, now: datetime, r: HealthRules, f: Findings) -> None:
    if s.founding is None:
        return
    cutoff = r.vat_cutoff.strftime("%d.%m.%Y")
    for kind in NEEDED:
        de, en = LABELS[kind]
        result = outcome(s.founding.answers, kind)
        if result is Outcome.MISSING:
            f.add(
                Colour.YELLOW,
                f"{kind.value}_assessment_missing",
                f"{de}: Prüfung fehlt oder ist unvollständig (vor den Unterschriften nötig).",
                f"{en}: assessment missing or incomplete (needed before the signatures).",
            )
        elif result is Outcome.POSITIVE:
            f.add(
                Colour.GREEN,
                f"{kind.value}_assessment_positive",
                f"{de}: geprüft, Ausnahme greift.",
                f"{en}: assessed, the exemption applies.",
            )
        elif kind is AssessmentKind.VAT and not vat_applies(r.vat_cutoff, now.date()):
            f.add(
                Colour.GREEN,
                "vat_assessment_negative_from_cutoff",
                f"{de}: Leistungen werden ab {cutoff} umsatzsteuerpflichtig.",
                f"{en}: services become subject to VAT from {cutoff}.",
            )
        else:
            texts = {
                AssessmentKind.VAT: (
                    f"Leistungen sind umsatzsteuerpflichtig (§ 2b UStG gilt seit {cutoff}).",
                    f"services are subject to VAT (§ 2b UStG applies since {cutoff}).",
                ),
                AssessmentKind.PROCUREMENT: (
                    "Ausnahme greift nicht: der Auftrag ist auszuschreiben.",
                    "the exemption does not apply: the contract must be tendered.",
                ),
                AssessmentKind.STATE_AID: (
                    "Beihilfe nicht ausgeschlossen: anmelden oder umgestalten.",
                    "aid not ruled out: notify or restructure.",
                ),
            }[kind]
            f.add(
                Colour.YELLOW,
                f"{kind.value}_assessment_negative",
                f"{de}: {texts[0]}",
                f"{en}: {texts[1]}",
            )


# --- 6 pragmatism: no formalism trap -----------------------------------------------------


def formalism_findings(
    s: CooperationSnapshot, now: datetime, r: HealthRules, f: Findings, piloting: bool
) -> None:
    """Time from the letter of intent to the last council resolution (yellow, then red,
    while resolutions are still open beyond the limits; once all are in, a note), and
    while the pilot runs the formal steps still open (a note: they run beside it)."""
    fs = s.founding
    if fs is None:
        return
    letters = fs.of(LETTER_OF_INTENT)
    if not letters:
        f.add(
            GREEN,
            "letter_of_intent_not_recorded",
            "Absichtserklärung noch nicht erfasst: sie genügt für den Start eines Pilots.",
            "Letter of intent not recorded yet: it is enough to start a pilot.",
        )
    else:
        start = letters[0].on
        res = adopted(fs)
        if fs.partner_ids and set(fs.partner_ids) <= set(res):
            days = (max(res.values()) - start).days
            f.add(
                GREEN,
                "resolutions_days",
                f"{days} Tage von der Absichtserklärung bis zum letzten Ratsbeschluss.",
                f"{days} days from the letter of intent to the last council resolution.",
            )
        else:
            days = max(0, (now.date() - start).days)
            if days > r.founding_warn_days:
                colour = RED if days > r.founding_red_days else YELLOW
                limit = r.founding_red_days if colour is RED else r.founding_warn_days
                f.add(
                    colour,
                    "resolutions_slow",
                    f"{days} Tage seit der Absichtserklärung, und noch fehlen Ratsbeschlüsse "
                    f"(mehr als {limit}): die Vorlagen für die nächsten Sitzungen einreichen.",
                    f"{days} days since the letter of intent and council resolutions still "
                    f"missing (more than {limit}): submit the items for the next meetings.",
                )
            else:
                f.add(
                    GREEN,
                    "resolutions_running",
                    f"{days} Tage seit der Absichtserklärung; Ratsbeschlüsse stehen aus.",
                    f"{days} days since the letter of intent; council resolutions pending.",
                )
    if piloting:
        n = sum(1 for st in steps(fs, now.date()) if st.status != "done")
        f.add(
            GREEN,
            "pilot_formal_steps_open",
            f"Der Pilot läuft, {n} formale Schritt(e) der Gründung offen: sie laufen neben "
            "dem Pilot, nicht vor ihm.",
            f"The pilot runs with {n} formal founding step(s) open: they run beside it, not "
            "before it.",
        )


# --- 7 long-term view and 8 conflicts: the agreement's clauses ---------------------------


def term_findings(s: CooperationSnapshot, r: HealthRules, f: Findings) -> None:
    """The agreement's term (at least `min_term_years` or open-ended), a termination
    clause and an evaluation date: each missing or too short is yellow."""
    if s.founding is None:
        return
    have = latest(s.founding.clauses)
    term = have.get(TERM)
    years = r.min_term_years
    if term is None:
        f.add(
            YELLOW,
            "term_missing",
            f"Laufzeit der Vereinbarung nicht erfasst (langfristig: mindestens {years} Jahre "
            "oder unbefristet).",
            f"The agreement's term is not recorded (long-term: at least {years} years or "
            "open-ended).",
        )
    elif long_term(have, years):
        de = "unbefristet" if term.open_ended else f"{term.term_years} Jahre"
        en = "open-ended" if term.open_ended else f"{term.term_years} years"
        f.add(GREEN, "term_long", f"Laufzeit: {de}.", f"Term: {en}.")
    else:
        f.add(
            YELLOW,
            "term_short",
            f"Laufzeit nur {term.term_years} Jahre (weniger als {years}): langfristig denken; "
            "§ 2b UStG sieht erst fünf Jahre oder unbefristet als langfristig an.",
            f"Term only {term.term_years} years (less than {years}): think long-term; "
            "§ 2b UStG counts five years or open-ended as long-term.",
        )
    ended = have.get(TERMINATION)
    if ended is None:
        f.add(
            YELLOW,
            "termination_missing",
            "Keine Kündigungsklausel: wie ein Partner die Vereinbarung beendet, gehört hinein.",
            "No termination clause: how a partner ends the agreement belongs in it.",
        )
    else:
        notice = f" ({ended.notice_months} Monate Frist)" if ended.notice_months else ""
        notice_en = f" ({ended.notice_months} months' notice)" if ended.notice_months else ""
        f.add(
            GREEN,
            "termination_clause",
            f"Kündigung geregelt{notice}.",
            f"Termination agreed{notice_en}.",
        )
    evaluation = have.get(EVALUATION)
    if evaluation is None or evaluation.evaluation_on is None:
        f.add(
            YELLOW,
            "evaluation_date_missing",
            "Kein Evaluationstermin vereinbart: wann prüfen die Partner, was die Zusammenarbeit "
            "bringt?",
            "No evaluation date agreed: when do the partners check what the cooperation achieves?",
        )
    else:
        day = evaluation.evaluation_on
        f.add(
            GREEN,
            "evaluation_date",
            f"Evaluation vereinbart zum {day.strftime('%d.%m.%Y')}.",
            f"Evaluation agreed for {day.isoformat()}.",
        )


def escalation_findings(s: CooperationSnapshot, f: Findings) -> None:
    """An escalation clause in the agreement: missing is yellow."""
    if s.founding is None:
        return
    if ESCALATION in latest(s.founding.clauses):
        f.add(
            GREEN,
            "escalation_clause",
            "Die Vereinbarung regelt, wie Konflikte eskaliert werden.",
            "The agreement says how conflicts are escalated.",
        )
    else:
        f.add(
            YELLOW,
            "escalation_clause_missing",
            "Die Vereinbarung regelt keine Konfliktlösung: Eskalationsstufen vereinbaren, "
            "bevor es Streit gibt.",
            "The agreement has no conflict clause: agree escalation steps before a dispute.",
        )
