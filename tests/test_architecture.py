"""The shape the module map (ARCHITECTURE.md) promises, checked on the source:
no import circle between modules, no private name imported across modules, no module
over about 500 lines, `states/` pure, SQL only in `models/`, and every package the map
names exists."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ikz", "states", "models", "flows", "deployments")
MAX_LINES = 500


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for top in PACKAGES:
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts:
                continue
            name = ".".join(rel.with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = modules()


def imports_of(path: Path, name: str) -> Iterator[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for every import, at any depth:
    an import inside a function closes a circle as surely as one at the top."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            names = [a.name for a in node.names]
            for n in names:  # `from ikz import records` imports the module ikz.records
                if f"{base}.{n}" in MODULES:
                    yield f"{base}.{n}", [], node.lineno
            yield base, names, node.lineno


def own(target: str) -> str | None:
    """The module of ours that `target` names (a package's names are its __init__)."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for name, path in MODULES.items():
        for target, _, _ in imports_of(path, name):
            mod = own(target)
            if mod is not None and mod != name:
                edges[name].add(mod)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle_and_only_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_no_module_imports_in_a_circle() -> None:
    assert cycles(graph()) == []


def test_no_private_name_is_imported_across_modules() -> None:
    found = []
    for name, path in MODULES.items():
        for target, names, line in imports_of(path, name):
            if own(target) not in (None, name):
                found += [f"{path.relative_to(ROOT)}:{line} {n}" for n in names if n[:1] == "_"]
    assert found == []


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in MODULES.values()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_states_is_pure() -> None:
    impure = ("sqlmodel", "sqlalchemy", "prefect", "aiosmtplib", "ikz", "models", "flows")
    found = [
        f"{name} imports {target}"
        for name, path in MODULES.items()
        if name.startswith("states")
        for target, _, _ in imports_of(path, name)
        if target.split(".")[0] in impure
    ]
    assert found == []


# A statement, or a session call that runs one: SQL belongs in models/.
SQL = re.compile(r"\b(select|update|delete|insert)\(|\.(exec|execute|scalars|add|get)\(")


def test_sql_lives_in_models() -> None:
    found = []
    for name, path in MODULES.items():
        if not name.startswith(("ikz", "flows", "deployments")):
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if (SQL.search(code) and "session" in code) or re.search(
                r"\bs\.(exec|add|get)\(", code
            ):
                found.append(f"{path.relative_to(ROOT)}:{n}")
    assert found == []


def test_every_package_the_map_names_exists() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text()
    named = set(
        re.findall(r"`((?:ikz|states|models|flows|deployments|tests|benchmarks)/[\w/.]*)`", text)
    )
    assert len(named) >= 20
    missing = sorted(n for n in named if not (ROOT / n).exists())
    assert missing == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("with s.exec(select(Person))", True),
        ("session.add(row)", True),
        ("return spec.call()(state.open(), cmd)", False),
    ],
)
def test_the_sql_pattern_tells_sql_from_other_calls(text: str, expected: bool) -> None:
    hit = bool(
        (SQL.search(text) and "session" in text) or re.search(r"\bs\.(exec|add|get)\(", text)
    )
    assert hit is expected
