"""Partial indexes (an index over the rows a condition picks) on SQLite and PostgreSQL.

`postgresql_where` on an Index makes SQLAlchemy import its whole PostgreSQL dialect to
check the argument when the table module is imported: some 5 % of a cold `ikz coop show`
on SQLite, which never uses it. So a partial index is declared with its SQLite condition
and given the same condition for PostgreSQL by `for_postgresql`: before any CREATE INDEX
is compiled for PostgreSQL (the hook below), and in the migrations' environment (which
compares the metadata with a database and autogenerates migrations). The databases get
their indexes from the migrations either way.
"""

from typing import Any

from sqlalchemy import Index
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex

_POSTGRESQL: list[tuple[Index, Any]] = []


def partial_index(name: str, *columns: Any, where: Any, unique: bool = False) -> Index:
    """An index over the rows `where` picks, on SQLite and on PostgreSQL."""
    index = Index(name, *columns, unique=unique, sqlite_where=where)
    _POSTGRESQL.append((index, where))
    return index


def for_postgresql() -> None:
    """Give every partial index its PostgreSQL condition (idempotent)."""
    for index, where in _POSTGRESQL:
        index.dialect_kwargs["postgresql_where"] = where


@compiles(CreateIndex, "postgresql")
def _create_index_on_postgresql(create: CreateIndex, compiler: Any, **kw: Any) -> str:
    for_postgresql()
    return str(compiler.visit_create_index(create, **kw))
