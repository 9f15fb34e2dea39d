"""The schema of a founding rule pack: one file per German state (ikz/founding/rules/),
holding for every legal form which founding steps apply, approval or notice, deadlines,
who publishes, when the structure takes effect and the clauses its agreement or statute
must contain, each rule with its legal source.

Pure: pydantic models only; ikz.founding reads the files and validates them here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from states.vocab import LegalForm


class Step(StrEnum):
    """The eight founding steps common to all forms, in their order."""

    LETTER_OF_INTENT = "letter_of_intent"
    DRAFT = "draft"
    ASSESSMENT = "assessment"
    RESOLUTION = "resolution"
    SIGNATURE = "signature"
    AUTHORITY = "authority"
    PUBLICATION = "publication"
    EFFECTIVE = "effective"


STEP_ORDER: tuple[Step, ...] = tuple(Step)


class PackForm(StrEnum):
    """The legal forms a rule pack knows."""

    AGREEMENT_DELEGATING = "agreement_delegating"  # the task moves to one partner
    AGREEMENT_MANDATING = "agreement_mandating"  # one partner performs it for the others
    ZWECKVERBAND = "zweckverband"
    AOER = "aoer"  # gemeinsames Kommunalunternehmen (Anstalt des öffentlichen Rechts)
    ARBEITSGEMEINSCHAFT = "arbeitsgemeinschaft"  # no legal personality
    GMBH = "gmbh"  # private-law forms


# The rule-pack forms a chosen legal form (states.vocab) can be founded as; the first is
# the default of `ikz founding plan`.
PACK_FORMS: dict[LegalForm, tuple[PackForm, ...]] = {
    LegalForm.ZWECKVEREINBARUNG: (PackForm.AGREEMENT_DELEGATING, PackForm.AGREEMENT_MANDATING),
    LegalForm.PUBLIC_LAW_CONTRACT: (
        PackForm.AGREEMENT_MANDATING,
        PackForm.AGREEMENT_DELEGATING,
    ),
    # A shared department is run by one partner for the others, or worked in jointly.
    LegalForm.SHARED_DEPARTMENT: (PackForm.AGREEMENT_MANDATING, PackForm.ARBEITSGEMEINSCHAFT),
    LegalForm.ZWECKVERBAND: (PackForm.ZWECKVERBAND,),
    LegalForm.AOER: (PackForm.AOER,),
    LegalForm.ARBEITSGEMEINSCHAFT: (PackForm.ARBEITSGEMEINSCHAFT,),
    LegalForm.GMBH: (PackForm.GMBH,),
}


class Strict(BaseModel):
    # Built on first use: only the rule pack checks validate files; the CLI and flows
    # mostly read the enums beside these models.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(Strict):
    """Where a rule stands: the law, its paragraph, the official text if known."""

    law: str = Field(min_length=2, max_length=80)
    section: str = Field(min_length=2, max_length=120)
    url: HttpUrl | None = None
    # False: the rule follows the issue or secondary literature and was not checked
    # against the official text; `note` says what is open.
    verified: bool = False
    note: str = ""

    def cite(self) -> str:
        return f"{self.section} {self.law}"


class Authority(Strict):
    """What the supervisory authority does with the founding."""

    kind: Literal["approval", "notice", "none"]
    # Where the law asks less for voluntary tasks (Niedersachsen: notice instead of
    # approval); None: the same as `kind`.
    voluntary_kind: Literal["approval", "notice", "none"] | None = None
    # Approval counts as granted when the authority raises nothing within this period
    # after receipt (None: no deemed approval), extended once by `extension_days` if the
    # authority says it needs them.
    deemed_after_days: int | None = Field(None, ge=1, le=365)
    extension_days: int | None = Field(None, ge=1, le=365)
    # A notice that must reach the authority this many days before the signatures
    # (e.g. § 115 GO NRW: six weeks before the founding of a GmbH).
    lead_days: int | None = Field(None, ge=1, le=365)
    source: Source

    @model_validator(mode="after")
    def _consistent(self) -> Authority:
        if self.kind != "approval" and self.deemed_after_days is not None:
            raise ValueError("deemed_after_days nur bei kind: approval")
        if self.extension_days is not None and self.deemed_after_days is None:
            raise ValueError("extension_days nur mit deemed_after_days")
        return self


class Publication(Strict):
    by: Literal["authority", "partners", "register", "none"]
    where: str = Field("", max_length=200)  # e.g. the authority's official gazette
    source: Source


class Effect(Strict):
    """When the structure takes effect."""

    rule: Literal[
        "day_after_publication",  # the day after publication, unless a later date is set
        "on_publication",
        "after_resolutions_and_signatures",  # once all partners have resolved and signed
    ]
    later_date_allowed: bool = True
    source: Source


class Clause(Strict):
    code: str = Field(pattern=r"^[a-z_]{2,40}$")
    label: str = Field(min_length=2, max_length=200)
    source: Source


class FormRules(Strict):
    label: str = Field(min_length=2, max_length=200)
    steps: tuple[Step, ...] = Field(min_length=1)
    authority: Authority
    publication: Publication
    effect: Effect
    clauses: tuple[Clause, ...] = ()
    # Changes of partners or tasks, termination and dissolution go through the same
    # approval and publication again.
    changes_source: Source | None = None
    note: str = ""

    @model_validator(mode="after")
    def _steps(self) -> FormRules:
        # The order is the procedure's (a GmbH's notice comes before the founding deed);
        # the effective date is always last.
        if self.steps[-1] is not Step.EFFECTIVE:
            raise ValueError("steps muss mit effective enden")
        if len(set(self.steps)) != len(self.steps):
            raise ValueError("steps doppelt")
        if (Step.AUTHORITY in self.steps) != (self.authority.kind != "none"):
            raise ValueError("authority.kind passt nicht zum Schritt authority")
        if (Step.PUBLICATION in self.steps) != (self.publication.by != "none"):
            raise ValueError("publication.by passt nicht zum Schritt publication")
        if self.effect.rule in ("day_after_publication", "on_publication") and (
            Step.PUBLICATION not in self.steps
        ):
            raise ValueError("effect.rule braucht den Schritt publication")
        return self


class RulePack(Strict):
    state: str = Field(pattern=r"^[A-Z]{2}$")  # e.g. NW, BY, HE, NI, BW
    ags_prefix: str = Field(pattern=r"^[0-1][0-9]$")  # the AGS's first two digits
    name: str = Field(min_length=2, max_length=60)
    law: str = Field(min_length=2, max_length=120)
    verified: bool = False
    note: str = ""
    forms: dict[PackForm, FormRules] = Field(min_length=1)

    def rules_for(self, form: PackForm) -> FormRules | None:
        return self.forms.get(form)
