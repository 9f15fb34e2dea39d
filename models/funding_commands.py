"""Input models of the funding actions (issue 17): a partner's costs, and the steps of a
funding application. Kept beside models.commands (same conventions: German titles and
descriptions, English field names), which would otherwise grow past its size."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from models.commands import ActorId, Command, CoopId, Day, DocumentPath, Id
from models.validation import OptionalLine, OptionalText
from states.funding import GrantResult

# Money in euros and cents: never negative, at most 12 digits before the point and two
# after (NUMERIC(14, 2)); typed as text ("1234.50"), never through float.
Euros = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]
# The years costs are compared in: a baseline before the cooperation, actuals after it.
CostYear = Annotated[int, Field(ge=1990, le=2100)]


class RecordCosts(Command):
    # One partner's yearly costs of the task: before the cooperation (the baseline) or
    # in a year after it (actual). A second entry for the same partner (and year)
    # corrects the first, on the chain.
    cooperation_id: Id = CoopId
    municipality_id: Id = Field(title="Kommune (ID)", gt=0)
    year: CostYear = Field(title="Jahr", description="Kalenderjahr der Kosten")
    personnel: Euros = Field(title="Personalkosten (€)", description="z. B. 84000.00")
    material: Euros = Field(title="Sachkosten (€)", description="z. B. 12500.50")
    one_off: Euros = Field(
        Decimal("0"), title="Einmalige Kosten (€)", description="z. B. Umzug, Software, Beratung"
    )
    note: OptionalText = Field("", title="Anmerkung", description="Grundlage der Zahlen")
    actor_id: Id = ActorId


ProgrammeCode = Field(
    title="Förderprogramm",
    description="Kennung aus ikz funding programmes, z. B. by_ikz",
    pattern=r"^[a-z0-9_]{2,40}$",
)
Reference = OptionalLine
Quota = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2, allow_inf_nan=False)]


class PrepareFundingApplication(Command):
    cooperation_id: Id = CoopId
    programme: str = ProgrammeCode
    prepared_on: Day = Field(title="Vorbereitet am")
    note: OptionalText = Field("", title="Anmerkung")
    actor_id: Id = ActorId


class RecordFundingStep(Command):
    # Submission, proof of use submitted or accepted, permission to start early.
    cooperation_id: Id = CoopId
    programme: str = ProgrammeCode
    on: Day = Field(title="Datum", description="Eingereicht, anerkannt, erlaubt")
    reference: Reference = Field(
        "", title="Aktenzeichen / Eingangsnummer", description="z. B. Portal-Vorgang 2026-0815"
    )
    note: OptionalText = Field("", title="Anmerkung")
    document: OptionalText = DocumentPath
    actor_id: Id = ActorId


class RecordFundingDecision(Command):
    cooperation_id: Id = CoopId
    programme: str = ProgrammeCode
    decided_on: Day = Field(title="Datum des Bescheids")
    result: GrantResult = Field(title="Entscheidung", description="bewilligt oder abgelehnt")
    amount: Euros | None = Field(None, title="Bewilligter Betrag (€)", description="z. B. 45000.00")
    quota: Quota | None = Field(None, title="Förderquote (%)", description="z. B. 85")
    conditions: OptionalText = Field("", title="Auflagen / Nebenbestimmungen")
    reference: Reference = Field("", title="Aktenzeichen")
    proof_due: Day | None = Field(
        None,
        title="Verwendungsnachweis fällig am",
        description="Frist aus dem Bescheid; ohne sie gilt die Frist des Programms, falls es eine nennt",
    )
    document: OptionalText = DocumentPath
    actor_id: Id = ActorId


class RecordFundingPayment(Command):
    cooperation_id: Id = CoopId
    programme: str = ProgrammeCode
    paid_on: Day = Field(title="Ausgezahlt am")
    amount: Euros = Field(title="Betrag (€)", description="z. B. 20000.00")
    reference: Reference = Field("", title="Buchungszeichen")
    actor_id: Id = ActorId


# A partner's share of the costs in per cent: 0 to 100, at most two decimals ("33.34").
SharePercent = Annotated[
    Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2, allow_inf_nan=False)
]


class CostShareInput(Command):
    municipality_id: Id = Field(title="Kommune (ID)", gt=0)
    percent: SharePercent = Field(title="Anteil (%)", description="z. B. 33.34")


class RecordCostKey(Command):
    # The cost-sharing key: every partner's share, summing to exactly 100 %. A new key
    # replaces the old one (each partner's row updated, on the chain).
    cooperation_id: Id = CoopId
    shares: list[CostShareInput] = Field(
        title="Anteile",
        description="Je Partnerkommune ihr Anteil an den Kosten in Prozent; zusammen 100",
        min_length=1,
        max_length=200,
    )
    note: OptionalText = Field("", title="Anmerkung", description="z. B. nach Einwohnerzahl")
    actor_id: Id = ActorId
