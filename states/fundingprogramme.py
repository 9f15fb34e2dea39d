"""The schema of a state's IKZ funding programmes: one file per German state
(ikz/funding/programmes/), each programme with its conditions, amounts and quota, the
application window, its validity, the documents to attach and the obligations that come
with the grant, each with its source.

Pure: pydantic models and date arithmetic only; ikz.funding reads the files and
validates them here. Money is Decimal throughout, never float.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

Money = Decimal
Percent = Decimal


class Strict(BaseModel):
    # Built on first use: only the rule pack checks validate files; the CLI and flows
    # mostly read the enums beside these models.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(Strict):
    """Where a rule of a programme stands: the guideline's title and its address."""

    title: str = Field(min_length=2, max_length=200)
    url: HttpUrl | None = None
    # False: taken from the issue or secondary literature and not checked against the
    # published guideline (ikz-flow runs offline and cannot check it); `note` says what
    # is open.
    verified: bool = False
    note: str = ""


class ConditionKind(StrEnum):
    """What the eligibility check (states.funding_checks) can test; `manual` is shown as
    unknown with the condition's text, for a person to decide."""

    MIN_PARTNERS = "min_partners"  # value: the least number of partners
    MIN_TERM_YEARS = "min_term_years"  # value: the least term of the cooperation in years
    MIN_SAVINGS_PERCENT = "min_savings_percent"  # value: the least yearly savings in %
    COUNCIL_RESOLUTIONS = "council_resolutions"  # every partner's resolution attached
    NO_START_BEFORE_APPLICATION = "no_start_before_application"
    APPLICATION_WINDOW = "application_window"  # the application falls into the window
    MANUAL = "manual"


VALUED = {
    ConditionKind.MIN_PARTNERS,
    ConditionKind.MIN_TERM_YEARS,
    ConditionKind.MIN_SAVINGS_PERCENT,
}


class Condition(Strict):
    check: ConditionKind
    value: Decimal | None = Field(None, ge=0, le=1000)
    label: str = Field(min_length=2, max_length=300)
    source: Source

    @model_validator(mode="after")
    def _value(self) -> Condition:
        if (self.check in VALUED) != (self.value is not None):
            raise ValueError(
                f"value gehört zu {', '.join(sorted(k.value for k in VALUED))} und nur dorthin"
            )
        return self


class Amounts(Strict):
    """How much a programme grants: at most `max_amount` (more in priority regions, more
    per partner beyond `base_partners`) and at most `max_quota_percent` of the eligible
    costs."""

    # None: the source gives no figure (ikz-flow does not invent one).
    max_amount: Money | None = Field(None, gt=0, max_digits=14, decimal_places=2)
    priority_region_max: Money | None = Field(None, gt=0, max_digits=14, decimal_places=2)
    per_additional_partner: Money | None = Field(None, gt=0, max_digits=14, decimal_places=2)
    base_partners: int | None = Field(None, ge=1, le=100)
    max_quota_percent: Percent | None = Field(None, gt=0, le=100, decimal_places=2)
    source: Source

    @model_validator(mode="after")
    def _consistent(self) -> Amounts:
        if (self.per_additional_partner is None) != (self.base_partners is None):
            raise ValueError("per_additional_partner und base_partners nur zusammen")
        if self.max_amount is None and (
            self.priority_region_max is not None or self.per_additional_partner is not None
        ):
            raise ValueError("priority_region_max und per_additional_partner nur mit max_amount")
        if (
            self.priority_region_max is not None
            and self.max_amount is not None
            and self.priority_region_max < self.max_amount
        ):
            raise ValueError("priority_region_max kleiner als max_amount")
        return self


class Window(Strict):
    """The period in which applications are accepted."""

    opens_on: date
    closes_on: date
    source: Source

    @model_validator(mode="after")
    def _order(self) -> Window:
        if self.closes_on < self.opens_on:
            raise ValueError("closes_on vor opens_on")
        return self


class Document(Strict):
    code: str = Field(pattern=r"^[a-z_]{2,40}$")
    label: str = Field(min_length=2, max_length=200)
    source: Source


class Obligations(Strict):
    """What the grant binds the partners to."""

    # The proof of use (Verwendungsnachweis) is due this many months after the funded
    # period ends; ikz-flow counts from the last payment recorded, the end it knows, and a
    # decision may set its own date instead (None: the source gives no deadline).
    proof_of_use_months: int | None = Field(None, ge=1, le=60)
    # The cooperation is kept for this many years, or the grant is paid back (None: the
    # source gives no term).
    commitment_years: int | None = Field(None, ge=1, le=30)
    # The yearly savings the partners promise (None: the programme sets none).
    savings_target_percent: Percent | None = Field(None, gt=0, le=100, decimal_places=2)
    source: Source


class Programme(Strict):
    code: str = Field(pattern=r"^[a-z0-9_]{2,40}$")
    name: str = Field(min_length=2, max_length=200)
    # Who decides, and the way the application goes (through whom, on paper or online).
    authority: str = Field(min_length=2, max_length=200)
    channel: str = Field(min_length=2, max_length=300)
    valid_from: date
    valid_until: date | None = None  # None: no end published
    # The time to a decision as published, in weeks (from, to); None: not published.
    decision_weeks: tuple[int, int] | None = None
    # A project started before the application (or the decision) loses the grant.
    start_forbidden_before: Literal["application", "decision"] | None = None
    verified: bool = False
    note: str = ""
    source: Source
    amounts: Amounts
    window: Window | None = None
    # Not Field(min_length=1): pydantic would add a second error to a bad item's.
    conditions: tuple[Condition, ...]
    documents: tuple[Document, ...] = ()
    obligations: Obligations

    @model_validator(mode="after")
    def _consistent(self) -> Programme:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError("valid_until vor valid_from")
        if not self.conditions:
            raise ValueError("conditions leer")
        kinds = [c.check for c in self.conditions]
        if ConditionKind.APPLICATION_WINDOW in kinds and self.window is None:
            raise ValueError("Bedingung application_window ohne window")
        if self.decision_weeks is not None and self.decision_weeks[0] > self.decision_weeks[1]:
            raise ValueError("decision_weeks: von größer als bis")
        dup = {k for k in kinds if k is not ConditionKind.MANUAL and kinds.count(k) > 1}
        if dup:
            raise ValueError(f"Bedingung doppelt: {', '.join(sorted(dup))}")
        return self

    def status(self, today: date) -> Literal["offered", "expired", "not_yet_valid"]:
        """Whether the programme is offered on `today`: a programme past its validity
        says so instead of being offered."""
        if today < self.valid_from:
            return "not_yet_valid"
        if self.valid_until is not None and today > self.valid_until:
            return "expired"
        return "offered"

    def window_status(self, today: date) -> Literal["open", "not_open_yet", "closed"] | None:
        if self.window is None:
            return None
        if today < self.window.opens_on:
            return "not_open_yet"
        if today > self.window.closes_on:
            return "closed"
        return "open"

    def max_grant(self, partners: int, priority_region: bool = False) -> Money | None:
        """The most this programme grants a cooperation of `partners` partners (None:
        the source gives no figure)."""
        a = self.amounts
        if a.max_amount is None:
            return None
        top = a.priority_region_max if priority_region and a.priority_region_max else a.max_amount
        if a.per_additional_partner is not None and a.base_partners is not None:
            top += a.per_additional_partner * max(0, partners - a.base_partners)
        return top


class ProgrammeFile(Strict):
    """One state's file: its programmes."""

    state: str = Field(pattern=r"^[A-Z]{2}$")  # e.g. NW, BY, HE
    ags_prefix: str = Field(pattern=r"^[0-1][0-9]$")  # the AGS's first two digits
    name: str = Field(min_length=2, max_length=60)
    programmes: tuple[Programme, ...]

    @model_validator(mode="after")
    def _unique(self) -> ProgrammeFile:
        if not self.programmes:
            raise ValueError("programmes leer")
        codes = [p.code for p in self.programmes]
        if len(set(codes)) != len(codes):
            raise ValueError("Programmkennung doppelt")
        return self
