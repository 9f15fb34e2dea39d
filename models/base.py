"""The base of every table class."""

from pydantic import ConfigDict
from sqlmodel import SQLModel


class Table(SQLModel):
    """A table's pydantic schema is built on its first validation, not when its module is
    imported: rows come from the database and are written through SQLAlchemy, so most
    processes (a CLI command, a flow run) never validate a table model, and building the
    schemas of some 40 tables was a sixth of importing `models`."""

    # Pydantic merges it with SQLModel's own config (from_attributes). SQLModel types the
    # attribute as its SQLModelConfig, which only sqlmodel's private _compat exports.
    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]
