"""Municipalities and people: the registry the cooperations draw on."""

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field

from models.base import Table
from models.clock import utcnow


class Municipality(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    ags: str = Field(max_length=8, unique=True, index=True)
    bundesland: str = Field(max_length=40)
    population: int
    kind: str = Field(max_length=30)
    created_at: datetime = Field(default_factory=utcnow)
    # Vorlagefrist: days before a council meeting an item must reach the council office
    # (states.council; set with `ikz municipality calendar --lead-days`).
    submission_lead_days: int = Field(default=21, sa_column_kwargs={"server_default": "21"})


class Person(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320, unique=True, index=True)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    language: str = Field(default="de", max_length=2)
    # immediate, daily or weekly (see states.delivery); held mail goes out in one digest.
    digest: str = Field(
        default="immediate", max_length=10, sa_column_kwargs={"server_default": "immediate"}
    )
    last_digest_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # Set when the person's data was erased (GDPR Art. 17, see models.erasure): the row
    # stays so that their acts remain on the chains, as acts of an erased person.
    erased_at: datetime | None = None
