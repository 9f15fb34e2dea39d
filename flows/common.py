"""What every flow shares: an application per run and a uniform way to call a use case."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from ikz.app import App, open_app
from models.validation import parse
from states.errors import IkzError

M = TypeVar("M", bound=BaseModel)


class ActionFailed(Exception):
    """A use case refused the action: the run fails with the same one-line message."""


@contextmanager
def app_scope() -> Iterator[App]:
    app = open_app()
    try:
        yield app
    finally:
        app.close()


def jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return jsonable(value.model_dump())
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def coerce(model: type[M], params: M | dict[str, Any]) -> M:
    """Validate flow parameters with the same messages as the CLI (not pydantic's)."""
    data = params.model_dump() if isinstance(params, BaseModel) else params
    try:
        return parse(model, data)
    except IkzError as exc:
        raise ActionFailed(exc.text()) from None


def run_action(fn: Callable[[App, M], Any], model: type[M], params: M | dict[str, Any]) -> Any:
    cmd = coerce(model, params)
    with app_scope() as app:
        try:
            return jsonable(fn(app, cmd))
        except IkzError as exc:
            raise ActionFailed(exc.text()) from None


def announce_queued(count: int, resource: str) -> None:
    """Tell the dispatcher deployment (by event) that mail is waiting, so it need not
    wait for its minute schedule."""
    if count <= 0:
        return
    from prefect.events import emit_event

    emit_event(
        event="ikz.notifications.queued",
        resource={"prefect.resource.id": resource},
        payload={"count": count},
    )
