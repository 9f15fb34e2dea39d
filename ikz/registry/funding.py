"""Registry entries: funding (issue 17): the cost baseline and each year's actual costs
of every partner, from which the savings are computed; the application to a programme
as a tracked process; the cost-sharing key."""

from __future__ import annotations

from ikz.registry.spec import ActionSpec, recorded
from models import funding_commands as c
from states.policy import Action

_MOD = "ikz.actions.funding"
_COST_OPTIONS = {"municipality_id": "--municipality", "one_off": "--one-off"}
_APP = "ikz.actions.funding_application"

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
    ActionSpec(
        "prepare-funding-application",
        c.PrepareFundingApplication,
        f"{_APP}:prepare_application",
        Action.RECORD_FUNDING,
        ("Förderantrag vorbereiten", "Prepare a funding application"),
        (
            "Förderantrag für ein Programm des Landes der Partner anlegen (das Programm wird "
            "so festgehalten, wie es heute gilt; ein abgelaufenes wird abgelehnt).",
            "Prepare a funding application for a programme of the partners' state (the "
            "programme is kept as it stands today; an expired one is refused).",
        ),
        ("funding", "prepare"),
        recorded("Förderantrag vorbereitet", "Funding application prepared"),
        options={"prepared_on": "--date"},
    ),
    ActionSpec(
        "submit-funding-application",
        c.RecordFundingStep,
        f"{_APP}:submit_application",
        Action.RECORD_FUNDING,
        ("Förderantrag einreichen", "Submit the funding application"),
        (
            "Einreichung des Förderantrags erfassen (innerhalb des Antragsfensters, falls das "
            "Programm eines hat).",
            "Record the submission of the funding application (within the application "
            "window, if the programme has one).",
        ),
        ("funding", "submit"),
        recorded("Förderantrag eingereicht", "Funding application submitted"),
        options={"on": "--date"},
    ),
    ActionSpec(
        "record-funding-decision",
        c.RecordFundingDecision,
        f"{_APP}:record_decision",
        Action.RECORD_FUNDING,
        ("Förderbescheid erfassen", "Record the funding decision"),
        (
            "Bewilligung (Betrag, Quote, Auflagen) oder Ablehnung erfassen; nicht vor der "
            "Einreichung, nicht über Höchstbetrag und -quote des Programms.",
            "Record the approval (amount, quota, conditions) or refusal; not before the "
            "submission, not above the programme's maximum amount and quota.",
        ),
        ("funding", "decision"),
        recorded("Förderbescheid erfasst", "Funding decision recorded"),
        options={"decided_on": "--date"},
    ),
    ActionSpec(
        "record-funding-payment",
        c.RecordFundingPayment,
        f"{_APP}:record_payment",
        Action.RECORD_FUNDING,
        ("Auszahlung erfassen", "Record a payment"),
        (
            "Auszahlung der Förderung erfassen (insgesamt höchstens der bewilligte Betrag).",
            "Record a payment of the grant (in total at most the approved amount).",
        ),
        ("funding", "paid"),
        recorded("Auszahlung erfasst", "Payment recorded"),
        options={"paid_on": "--date"},
    ),
    ActionSpec(
        "record-proof-of-use",
        c.RecordFundingStep,
        f"{_APP}:record_proof_submitted",
        Action.RECORD_FUNDING,
        ("Verwendungsnachweis einreichen", "Submit the proof of use"),
        (
            "Einreichung des Verwendungsnachweises erfassen (nach einer Auszahlung).",
            "Record the submission of the proof of use (after a payment).",
        ),
        ("funding", "proof-submitted"),
        recorded("Verwendungsnachweis eingereicht", "Proof of use submitted"),
        options={"on": "--date"},
    ),
    ActionSpec(
        "accept-proof-of-use",
        c.RecordFundingStep,
        f"{_APP}:record_proof_accepted",
        Action.RECORD_FUNDING,
        ("Anerkennung des Verwendungsnachweises erfassen", "Record the proof's acceptance"),
        (
            "Anerkennung des Verwendungsnachweises durch die Bewilligungsbehörde erfassen.",
            "Record that the granting authority accepted the proof of use.",
        ),
        ("funding", "proof-accepted"),
        recorded("Verwendungsnachweis anerkannt", "Proof of use accepted"),
        options={"on": "--date"},
    ),
    ActionSpec(
        "permit-early-start",
        c.RecordFundingStep,
        f"{_APP}:permit_early_start",
        Action.RECORD_FUNDING,
        ("Vorzeitigen Beginn erfassen", "Record an early-start permission"),
        (
            "Erlaubnis des vorzeitigen Maßnahmebeginns erfassen (mit dem Schreiben als "
            "Dokument): dann darf der Pilot vor der Förderentscheidung starten.",
            "Record the permission to start early (with the letter as a document): the "
            "pilot may then start before the funding decision.",
        ),
        ("funding", "early-start"),
        recorded("Vorzeitiger Beginn erlaubt", "Early start permitted"),
        options={"on": "--date"},
    ),
    ActionSpec(
        "record-cost-key",
        c.RecordCostKey,
        f"{_MOD}:record_cost_key",
        Action.RECORD_DECISION,
        ("Kostenschlüssel erfassen", "Record the cost-sharing key"),
        (
            "Kostenschlüssel erfassen: Anteil jeder Partnerkommune an den Kosten in Prozent "
            "(zusammen genau 100, z. B. --share 3=60 --share 4=40). Ein neuer Schlüssel "
            "ersetzt den alten.",
            "Record the cost-sharing key: each partner's share of the costs in per cent "
            "(exactly 100 in total, e.g. --share 3=60 --share 4=40). A new key replaces the "
            "old one.",
        ),
        ("funding", "cost-key"),
        (
            "Kostenschlüssel der Kooperation {cooperation_id} erfasst: {text}.",
            "Cost key of cooperation {cooperation_id} recorded: {text_en}.",
        ),
        options={"shares": "--share"},
        converters={"shares": "ikz.cli.convert:cost_share"},
    ),
)
