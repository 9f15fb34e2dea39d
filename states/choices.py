"""The closed choices of the input models as people read them: (German, English) per code.

The Prefect form offers the German labels; the run maps a label (German or English)
or the code itself back to the code, so the CLI and the API keep using codes. A code
without a label here is accepted but not offered (YesNo's English yes and no).
"""

from __future__ import annotations

from enum import StrEnum

from states.assessment import AssessmentKind, YesNo
from states.founding import DecisionResult, ResolutionResult
from states.founding_change import KIND_LABELS, ChangeKind
from states.funding import GrantResult
from states.lifecycle import TRIGGER_LABELS, Gate, Trigger
from states.vocab import (
    ROLE_LABELS,
    AgreementKind,
    CommunicationKind,
    CommunicationStatus,
    LegalForm,
    MeetingKind,
    MunicipalityKind,
    Role,
)

Labels = dict[str, tuple[str, str]]

CHOICES: dict[type[StrEnum], Labels] = {
    Trigger: {t.value: TRIGGER_LABELS[t] for t in Trigger},
    Gate: {g.value: TRIGGER_LABELS[Trigger(g.value)] for g in Gate},
    Role: {r.value: ROLE_LABELS[r] for r in Role},
    MunicipalityKind: {
        "gemeinde": ("Gemeinde", "municipality"),
        "stadt": ("Stadt", "town"),
        "verbandsgemeinde": ("Verbandsgemeinde, Amt oder Samtgemeinde", "association"),
        "landkreis": ("Landkreis", "district"),
    },
    MeetingKind: {
        "informal": ("Informeller Austausch", "Informal exchange"),
        "retreat": ("Klausur", "Retreat"),
        "steering_round": ("Steuerungsrunde", "Steering round"),
        "info_event": ("Infoveranstaltung", "Info event"),
        "review": ("Review", "Review meeting"),
        "moderation": ("Moderationssitzung", "Moderation session"),
    },
    AgreementKind: {
        "letter_of_intent": ("Absichtserklärung", "Letter of intent"),
        "cooperation_agreement": ("Kooperationsvereinbarung", "Cooperation agreement"),
        "zweckvereinbarung": ("Zweckvereinbarung", "Zweckvereinbarung"),
        "zweckverband_statutes": ("Zweckverbandssatzung", "Zweckverband statutes"),
        "public_law_contract": ("Öffentlich-rechtlicher Vertrag", "Public-law contract"),
    },
    CommunicationKind: {
        "press_release": ("Pressemitteilung", "Press release"),
        "info_event": ("Infoveranstaltung", "Info event"),
        "joint_branding": ("Gemeinsamer Auftritt", "Joint branding"),
    },
    CommunicationStatus: {
        "planned": ("geplant", "planned"),
        "done": ("erledigt", "done"),
    },
    LegalForm: {
        "zweckvereinbarung": ("Zweckvereinbarung", "Zweckvereinbarung"),
        "zweckverband": ("Zweckverband", "Zweckverband"),
        "aoer": (
            "Gemeinsame Anstalt des öffentlichen Rechts (AöR)",
            "Joint public-law institution",
        ),
        "shared_department": ("Gemeinsame Dienststelle", "Shared department"),
        "public_law_contract": ("Öffentlich-rechtlicher Vertrag", "Public-law contract"),
        "arbeitsgemeinschaft": ("Kommunale Arbeitsgemeinschaft", "Municipal working group"),
        "gmbh": ("GmbH (privatrechtlich)", "Limited company (private law)"),
    },
    ResolutionResult: {
        "adopted": ("beschlossen", "adopted"),
        "rejected": ("abgelehnt", "rejected"),
        "deferred": ("vertagt", "deferred"),
    },
    DecisionResult: {
        "approved": ("genehmigt", "approved"),
        "approved_with_conditions": ("genehmigt mit Auflagen", "approved with conditions"),
        "refused": ("versagt", "refused"),
        "objection": ("Einwände", "objection"),
        "extension": ("Fristverlängerung (vier Wochen mehr)", "extension"),
    },
    AssessmentKind: {
        "vat": ("Umsatzsteuer (§ 2b UStG)", "VAT (§ 2b UStG)"),
        "procurement": ("Vergaberecht (§ 108 Abs. 6 GWB)", "Procurement (§ 108 (6) GWB)"),
        "state_aid": ("Beihilferecht (Art. 107 AEUV)", "State aid (Art. 107 TFEU)"),
    },
    ChangeKind: {k.value: KIND_LABELS[k] for k in ChangeKind},
    YesNo: {"ja": ("ja", "yes"), "nein": ("nein", "no")},
    GrantResult: {"approved": ("bewilligt", "approved"), "refused": ("abgelehnt", "refused")},
}


def german_labels(choice: type[StrEnum]) -> tuple[str, ...]:
    """What the form offers, in the enum's order."""
    labels = CHOICES[choice]
    return tuple(labels[m.value][0] for m in choice if m.value in labels)


def german_label(choice: type[StrEnum], code: str) -> str:
    return CHOICES[choice].get(code, (code, code))[0]


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def code_of(choice: type[StrEnum], text: str) -> str | None:
    """The code a label (German or English, any case) or the code itself names; None
    when it names none (the input model then refuses the value with its own message)."""
    wanted = _key(text)
    for member in choice:
        if wanted == member.value.casefold():
            return member.value
    for code, (de, en) in CHOICES[choice].items():
        if wanted in (_key(de), _key(en)):
            return code
    return None
