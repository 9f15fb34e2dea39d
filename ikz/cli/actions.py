"""The `ikz` commands of the coordinator actions, built from the action registry.

A command's arguments and options come from its input model's fields: the subject id
(cooperation, conflict, meeting, person) is positional, every other field an option
named after it (`_id`/`_ids` dropped, `--actor` for `actor_id`) unless the registry
spells it otherwise; a nested model's fields become options of their own. Values go to
the model as typed (ids as integers, as before); the model checks them with the same
messages as the flows, each naming the option the user typed.

The commands are built when a command group is asked for one (ikz.cli.groups), so
that `ikz coop show` imports no input model and no use case.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable
from typing import Annotated, Any

import typer
import typer.main
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ikz.cli.context import state
from ikz.cli.ids import in_range
from ikz.cli.output import emit_json
from ikz.registry import ActionSpec, resolve


def option_name(spec: ActionSpec, field: str) -> str:
    """The spelling of `field` on the command line: `--date`, or `ID` for the subject."""
    if field in spec.options:
        return spec.options[field]
    if field in spec.positional:
        return "ID" if field.endswith("_id") else field.upper()
    base = re.sub(r"_ids?$", "", field)
    return "--" + base.replace("_", "-")


def _param_name(spec: ActionSpec, field: str) -> str:
    name = option_name(spec, field)
    if name == "ID":
        return re.sub(r"_id$", "", field)
    return name.lstrip("-").replace("-", "_").lower()


def _inner(annotation: Any) -> tuple[Any, bool]:
    """(element type, is a list) of a field's annotation, with `X | None` unwrapped."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _inner(args[0]) if len(args) == 1 else (str, False)
    if origin is list:  # list[Id]: the element's Annotated unwrapped too
        return _inner(typing.get_args(annotation)[0])[0], True
    if origin is typing.Annotated:
        return _inner(typing.get_args(annotation)[0])
    return annotation, False


# Types made at run time from the model's fields (typing's forms, seen as values).
_ANNOTATED: Any = Annotated
_LIST: Any = list


def _python_type(element: Any, many: bool, required: bool) -> Any:
    # Integers stay Click's (its usage error, exit 2, as before); every other value goes
    # to the model as typed.
    base: Any = int if element is int else str
    if element is bool:
        return bool
    if many:
        return _LIST[base] if required else _LIST[base] | None
    return base if required else base | None


def _params_for(
    spec: ActionSpec, field: str, info: FieldInfo, prefix: str = ""
) -> list[inspect.Parameter]:
    element, many = _inner(info.annotation)
    key = prefix + field
    if isinstance(element, type) and issubclass(element, BaseModel) and not many:
        # A nested model (set-partner's partner): its fields are options of their own.
        return [
            p
            for name, sub in element.model_fields.items()
            for p in _params_for(spec, name, sub, prefix=f"{key}__")
        ]
    help_text = info.description or info.title or ""
    required = info.is_required()
    if field in spec.converters:
        element = str
    kind = inspect.Parameter.KEYWORD_ONLY
    # Integers (ids above all) are bounded on the command line as well: above 2**63-1 no
    # database column holds them; the model's own bounds (> 0, ...) keep their messages.
    bound: dict[str, Any] = {"callback": in_range} if element is int else {}
    if field in spec.positional and not prefix:
        marker: Any = typer.Argument(help=help_text, show_default=False, **bound)
        annotation = _ANNOTATED[_python_type(element, many, True), marker]
        return [inspect.Parameter(_param_name(spec, field), kind, annotation=annotation)]
    marker = typer.Option(option_name(spec, field), help=help_text, show_default=False, **bound)
    annotation = _ANNOTATED[_python_type(element, many, required), marker]
    if element is bool:
        default: Any = False
    else:
        default = inspect.Parameter.empty if required else None
    return [inspect.Parameter(key, kind, annotation=annotation, default=default)]


_BUILT: dict[str, tuple[typer.Typer, Any]] = {}


def build_command(spec: ActionSpec) -> Any:
    """The action's command, built by Typer from a signature made of the model's fields
    (once per process: the Typer app stays referenced with it)."""
    if spec.name not in _BUILT:
        one = typer.Typer(add_completion=False)
        one.command(spec.cli[1], short_help=spec.label[0])(_callback(spec))
        _BUILT[spec.name] = (one, typer.main.get_command(one))
    return _BUILT[spec.name][1]


def _callback(spec: ActionSpec) -> Any:
    params: list[inspect.Parameter] = []
    for name, info in spec.model.model_fields.items():
        params.extend(_params_for(spec, name, info))
    json_flag = typer.Option("--json", help="Ausgabe als JSON.")
    params.append(
        inspect.Parameter(
            "as_json",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=_ANNOTATED[bool, json_flag],
            default=False,
        )
    )
    # Arguments first, then required options, as a signature must have them.
    params.sort(key=lambda p: (p.default is not inspect.Parameter.empty, 0))

    def callback(as_json: bool = False, **values: Any) -> None:
        run(spec, values, as_json=as_json)

    callback.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    callback.__annotations__ = {p.name: p.annotation for p in params}
    callback.__doc__ = spec.help[0]
    return callback


def _data(spec: ActionSpec, values: dict[str, Any]) -> dict[str, Any]:
    """Click's values -> the input model's data (nested where the model nests)."""
    data: dict[str, Any] = {}
    by_param = {
        _param_name(spec, f) if f in spec.positional else f: f for f in spec.model.model_fields
    }
    for key, typed in values.items():
        if typed is None or typed == ():
            continue
        field = by_param.get(key, key)
        value = list(typed) if isinstance(typed, tuple) else typed
        if field in spec.converters:
            convert: Callable[[Any], Any] = resolve(spec.converters[field])
            value = [convert(v) for v in value] if isinstance(value, list) else convert(value)
        head, _, rest = field.partition("__")
        if rest:
            data.setdefault(head, {})[rest] = value
        else:
            data[field] = value
    return data


def _parse(spec: ActionSpec, data: dict[str, Any]) -> Any:
    """Validate with the model; the message names the option, not the field."""
    from models.validation import parse
    from states.errors import InvalidInputError

    def swap(m: re.Match[str]) -> str:
        # "partner.municipality_id" -> "--municipality", "partners.0.mayor_id" -> "--partner"
        path = m.group(2).split(".")
        head = path[0]
        nested = spec.model.model_fields.get(head)
        element = _inner(nested.annotation)[0] if nested else None
        if len(path) > 1 and not path[1].isdigit() and isinstance(element, type):
            name = option_name(spec, path[1])
        else:
            name = option_name(spec, head)
        return f"{m.group(1)}{name}:"

    def names(text: str) -> str:
        return re.sub(r"((?:^|: |; ))([a-z_]+(?:\.[a-z0-9_]+)*):", swap, text)

    try:
        return parse(spec.model, data)
    except InvalidInputError as exc:
        raise InvalidInputError(exc.code, names(exc.de), names(exc.en)) from None


def run(spec: ActionSpec, values: dict[str, Any], *, as_json: bool = False) -> None:
    cmd = _parse(spec, _data(spec, values))
    if spec.flow is not None:
        from ikz.cli.runs import start_run

        result: Any = start_run(spec, cmd)
    else:
        result = spec.call()(state.open(), cmd)
    if as_json:
        from ikz.jsonable import jsonable

        emit_json(resolve(spec.json)(result) if spec.json else jsonable(result))
        return
    typer.echo(done_text(spec, result))


def done_text(spec: ActionSpec, result: Any) -> str:
    if isinstance(spec.done, str):
        text: str = resolve(spec.done)(result, state.lang)
        return text
    from ikz.jsonable import jsonable

    fields = result if isinstance(result, dict) else jsonable(result)
    de, en = spec.done
    return (en if state.lang == "en" else de).format_map(fields)
