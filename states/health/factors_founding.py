"""Factor 7 (long-term view), the founding's part: the tax, procurement and aid
assessments a planned founding needs before its signatures (states.assessment).

Thresholds: a missing assessment is yellow (the signatures wait for it); a negative
procurement assessment (§ 108 Abs. 6 GWB does not hold: the service must be tendered)
or state-aid assessment (aid to be notified or restructured) is yellow; a negative VAT
assessment is yellow from the § 2b UStG cut-off date (IKZ_VAT_CUTOFF, default
2027-01-01) on and a note before it. Without a founding plan nothing is said.
"""

from __future__ import annotations

from datetime import datetime

from states.assessment import LABELS, NEEDED, AssessmentKind, Outcome, outcome, vat_applies
from states.health.rules import Colour, Findings, HealthRules
from states.snapshot import CooperationSnapshot


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
