"""Closed vocabularies of the domain with German and English labels.

Plain tuples of codes so that models/ can validate input and the CLI can offer choices.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    MAYOR = "mayor"
    CONTACT = "contact"
    STAFF = "staff"
    MODERATOR = "moderator"
    COORDINATOR = "coordinator"


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.MAYOR: ("Bürgermeister:in", "mayor"),
    Role.CONTACT: ("Ansprechperson", "contact person"),
    Role.STAFF: ("Mitarbeiter:in", "staff"),
    Role.MODERATOR: ("Moderation", "moderator"),
    Role.COORDINATOR: ("Koordination", "coordinator"),
}


class MunicipalityKind(StrEnum):
    GEMEINDE = "gemeinde"
    STADT = "stadt"
    VERBANDSGEMEINDE = "verbandsgemeinde"  # also Amt, Samtgemeinde
    LANDKREIS = "landkreis"


MUNICIPALITY_KIND_LABELS: dict[MunicipalityKind, tuple[str, str]] = {
    MunicipalityKind.GEMEINDE: ("Gemeinde", "Municipality of"),
    MunicipalityKind.STADT: ("Stadt", "Town of"),
    MunicipalityKind.VERBANDSGEMEINDE: ("Verbandsgemeinde", "Verbandsgemeinde"),
    MunicipalityKind.LANDKREIS: ("Landkreis", "District of"),
}


# First words with which a name already says what the place is ("Hansestadt Rostock").
_TITLES = frozenset(
    {
        "stadt",
        "gemeinde",
        "landkreis",
        "verbandsgemeinde",
        "hansestadt",
        "lutherstadt",
        "universitätsstadt",
        "landeshauptstadt",
        "kreisstadt",
        "große",
        "markt",
        "amt",
        "samtgemeinde",
    }
)


def town_name(name: str, kind: str, lang: str = "de") -> str:
    """A municipality as a letter names it: "Stadt Jena", "Town of Jena". A name that
    already says what it is ("Hansestadt Rostock", "Landkreis Harz") stays as it is."""
    try:
        de, en = MUNICIPALITY_KIND_LABELS[MunicipalityKind(kind)]
    except ValueError:
        return name
    first = name.split(" ", 1)[0].casefold()
    if first in _TITLES:
        return name
    return f"{en if lang == 'en' else de} {name}"


def town_with_article(name: str, kind: str, lang: str = "de") -> str:
    """The town as the subject of a sentence: "die Stadt Jena", "der Landkreis Harz",
    "the Town of Jena"; the bare name when its kind is unknown."""
    named = town_name(name, kind, lang)
    if named == name and kind not in {k.value for k in MunicipalityKind}:
        return name
    if lang == "en":
        return f"the {named}" if named != name else name
    first = named.split(" ", 1)[0].casefold()
    if first in ("landkreis", "markt"):
        return f"der {named}"
    if first == "amt":
        return f"das {named}"
    if first.endswith(("stadt", "gemeinde")) or first == "große":
        return f"die {named}"
    return named


class MeetingKind(StrEnum):
    INFORMAL = "informal"
    RETREAT = "retreat"
    STEERING_ROUND = "steering_round"
    INFO_EVENT = "info_event"
    REVIEW = "review"
    MODERATION = "moderation"


class AgreementKind(StrEnum):
    LETTER_OF_INTENT = "letter_of_intent"
    COOPERATION_AGREEMENT = "cooperation_agreement"
    ZWECKVEREINBARUNG = "zweckvereinbarung"
    ZWECKVERBAND_STATUTES = "zweckverband_statutes"
    PUBLIC_LAW_CONTRACT = "public_law_contract"


class CommunicationKind(StrEnum):
    PRESS_RELEASE = "press_release"
    INFO_EVENT = "info_event"
    JOINT_BRANDING = "joint_branding"


class CommunicationStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"


class LegalForm(StrEnum):
    ZWECKVEREINBARUNG = "zweckvereinbarung"
    ZWECKVERBAND = "zweckverband"
    AOER = "aoer"  # gemeinsame Anstalt des öffentlichen Rechts
    SHARED_DEPARTMENT = "shared_department"
    PUBLIC_LAW_CONTRACT = "public_law_contract"
    # Added with the founding procedure (issue 16): forms the rule packs know.
    ARBEITSGEMEINSCHAFT = "arbeitsgemeinschaft"  # kommunale Arbeitsgemeinschaft
    GMBH = "gmbh"  # private-law forms


class ConflictLevel(StrEnum):
    RAISED = "raised"
    CONTACT_TALKS = "contact_talks"
    STEERING_ROUND = "steering_round"
    MODERATION = "moderation"
    MAYORS = "mayors"


CONFLICT_LEVEL_ORDER: tuple[ConflictLevel, ...] = tuple(ConflictLevel)


class ConflictStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    CLOSED_UNRESOLVED = "closed_unresolved"


def level_at_least(level: str, minimum: ConflictLevel) -> bool:
    return CONFLICT_LEVEL_ORDER.index(ConflictLevel(level)) >= CONFLICT_LEVEL_ORDER.index(minimum)


BUNDESLAENDER: dict[str, str] = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}
