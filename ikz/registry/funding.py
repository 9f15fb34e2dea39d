"""Registry entries: funding (issue 17): the cost baseline and each year's actual costs
of every partner, from which the savings are computed."""

from __future__ import annotations

from ikz.registry.spec import ActionSpec, recorded
from models import commands as c
from states.policy import Action

_MOD = "ikz.actions.funding"
_COST_OPTIONS = {"municipality_id": "--municipality", "one_off": "--one-off"}

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "record-cost-baseline",
        c.RecordCosts,
        f"{_MOD}:record_baseline",
        Action.RECORD_COSTS,
        ("Ausgangskosten erfassen", "Record the baseline costs"),
        (
            "Jährliche Kosten der Aufgabe einer Partnerkommune vor der Kooperation erfassen "
            "(Personal, Sachmittel, einmalige Kosten; Beträge in Euro, z. B. 1234.50). Ein "
            "zweiter Eintrag berichtigt den ersten.",
            "Record a partner's yearly costs of the task before the cooperation (personnel, "
            "material, one-off; amounts in euros, e.g. 1234.50). A second entry corrects "
            "the first.",
        ),
        ("funding", "baseline"),
        recorded("Ausgangskosten erfasst", "Baseline costs recorded"),
        options=_COST_OPTIONS,
    ),
    ActionSpec(
        "record-actual-costs",
        c.RecordCosts,
        f"{_MOD}:record_actual",
        Action.RECORD_COSTS,
        ("Ist-Kosten eines Jahres erfassen", "Record a year's actual costs"),
        (
            "Tatsächliche Kosten der Aufgabe einer Partnerkommune in einem Jahr nach dem "
            "Ausgangsjahr erfassen (Personal, Sachmittel, einmalige Kosten). Ein zweiter "
            "Eintrag für dasselbe Jahr berichtigt den ersten.",
            "Record a partner's actual costs of the task in a year after the baseline year "
            "(personnel, material, one-off). A second entry for the same year corrects the "
            "first.",
        ),
        ("funding", "actual"),
        recorded("Ist-Kosten erfasst", "Actual costs recorded"),
        options=_COST_OPTIONS,
    ),
)
