"""CLI test helpers: run `ikz` in-process like a fresh process would, dump the database,
read the demo's ids from `--json` listings, and walk a cooperation through its gates.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import traceback
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import typer.main

from ikz.cli.context import state
from ikz.cli.main import main
from ikz.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
IKZ_BIN = Path(sys.executable).parent / "ikz"


# PREFECT_API_URL would make every change post an event to a Prefect server.
_LEAKY_ENV = (
    "IKZ_LANGUAGE",
    "IKZ_PILOT_MIN_DAYS",
    "IKZ_SIZE_RATIO_WARN",
    "IKZ_SILENCE_WARN_DAYS",
    "IKZ_HEALTH",
    "PREFECT_API_URL",
)


def point_settings_at(mp: pytest.MonkeyPatch, data_dir: Path) -> Path:
    """Point IKZ_* settings at `data_dir` (SQLite file inside it); returns the file's path."""
    db_path = data_dir / "ikz.sqlite3"
    mp.setenv("IKZ_DATA_DIR", str(data_dir))
    mp.setenv("IKZ_DATABASE_URL", f"sqlite:///{db_path}")
    for name in _LEAKY_ENV:
        mp.delenv(name, raising=False)
    get_settings.cache_clear()
    return db_path


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str
    args: tuple[str, ...] = ()

    @property
    def output(self) -> str:
        return self.out + self.err

    def json(self) -> Any:
        return json.loads(self.out)

    def __str__(self) -> str:  # shown by pytest when an assertion on a Result fails
        return f"ikz {' '.join(self.args)} -> exit {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}"


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    return 1  # sys.exit("message")


_real_get_command = typer.main.get_command
_commands: dict[int, Any] = {}


def _cached_get_command(typer_instance: Any) -> Any:
    # Typer rebuilds the whole Click command tree from the signatures on every call (about
    # 0.1 s here); the tree of a registered app never changes, so tests build it once.
    key = id(typer_instance)
    if key not in _commands:
        _commands[key] = _real_get_command(typer_instance)
    return _commands[key]


def invoke(argv: list[str]) -> tuple[int, str, str]:
    """Run `main(argv)` as a fresh process would, capturing output and the exit code.

    An unexpected exception is reported like the interpreter would (a traceback on stderr,
    exit 1) so that tests asserting "no traceback" catch it with a readable message.
    """
    state.lang = "de"  # a new process starts with the default
    state.close()
    out, err = StringIO(), StringIO()
    code = 0
    with (
        redirect_stdout(out),
        redirect_stderr(err),
        mock.patch.object(typer.main, "get_command", _cached_get_command),
    ):
        try:
            main(argv)
        except SystemExit as exc:
            code = _exit_code(exc)
        except Exception:
            err.write(traceback.format_exc())
            code = 1
    return code, out.getvalue(), err.getvalue()


def paper(cli: Cli, name: str, content: str = "Freigabe, gez. Bürgermeister:in") -> Path:
    """A scanned paper sign-off in the CLI's data directory, for `--document`."""
    path = cli.data_dir / "papers" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


@dataclass
class Cli:
    """Runs `ikz` in-process against one data directory."""

    data_dir: Path
    db_path: Path
    history: list[Result] = field(default_factory=list)

    def __call__(self, *args: object) -> Result:
        argv = [str(a) for a in args]
        code, out, err = invoke(argv)
        res = Result(code, out, err, tuple(argv))
        self.history.append(res)
        return res

    def ok(self, *args: object) -> Result:
        res = self(*args)
        assert res.code == 0, str(res)
        assert "Traceback" not in res.output, str(res)
        return res

    def json(self, *args: object) -> Any:
        return self.ok(*args, "--json").json()

    def dump(self) -> str:
        """Every table's schema and rows (the file's iterdump); '<missing>' if no file."""
        return dump_sqlite(self.db_path)


def dump_sqlite(path: Path) -> str:
    if not path.exists():
        return "<missing>"
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@dataclass
class DemoWorld:
    """Ids of the demo portfolio, read from the CLI's own JSON listings."""

    coordinator: int
    moderator: int
    muni: dict[str, int]  # name -> municipality id
    mayor: dict[str, int]  # municipality name -> mayor id
    contact: dict[str, int]  # municipality name -> contact person id
    coops: list[dict[str, Any]]
    people: list[dict[str, Any]]
    partners: dict[int, list[str]]  # cooperation id -> partner municipality names
    conflicts: list[dict[str, Any]]

    def coop_in(self, state_: str) -> int:
        return next(c["id"] for c in self.coops if c["state"] == state_)

    def coop_titled(self, prefix: str) -> int:
        return next(c["id"] for c in self.coops if c["title"].startswith(prefix))

    def person_with(self, role: str) -> dict[str, Any]:
        return next(p for p in self.people if role in p["roles"])


def load_world(cli: Cli) -> DemoWorld:
    people = cli.json("person", "list")
    munis = cli.json("municipality", "list")
    coops = cli.json("coop", "list")
    name_of = {m["id"]: m["name"] for m in munis}

    def by_role(role: str) -> dict[str, int]:
        return {
            name_of[p["municipality_id"]]: p["id"]
            for p in people
            if role in p["roles"] and p["municipality_id"] is not None
        }

    return DemoWorld(
        coordinator=next(p["id"] for p in people if "coordinator" in p["roles"]),
        moderator=next(p["id"] for p in people if "moderator" in p["roles"]),
        muni={m["name"]: m["id"] for m in munis},
        mayor=by_role("mayor"),
        contact=by_role("contact"),
        coops=coops,
        people=people,
        partners={
            c["id"]: [p["name"] for p in cli.json("coop", "show", c["id"])["partners"]]
            for c in coops
        },
        conflicts=cli.json("conflict", "list"),
    )


def partner_spec(w: DemoWorld, name: str) -> str:
    return f"{w.muni[name]}:{w.mayor[name]}:{w.contact[name]}"


# Two demo municipalities whose only cooperation is still at the very start.
DEFAULT_PARTNERS = ("Cottbus", "Frankfurt (Oder)")


def open_coop(cli: Cli, w: DemoWorld, names: tuple[str, ...] = DEFAULT_PARTNERS, **kw: str) -> int:
    """Open a new cooperation through the CLI; returns its id."""
    args: list[object] = ["coop", "open", "--title", kw.get("title", "Gemeinsames Testamt")]
    args += ["--field", kw.get("field", "Test"), "--actor", w.coordinator]
    for n in names:
        args += ["--partner", partner_spec(w, n)]
    data = cli.json(*args)
    assert data["state"] == "informal_contact"
    return int(data["id"])


FORWARD = {
    "exploration": "explore",
    "agreement": "agree",
    "pilot": "start_pilot",
    "evaluation": "evaluate",
    "permanent": "make_permanent",
}


def today() -> str:
    """The real date: the CLI's clock is the real one and pilot gates compare with it."""
    return datetime.now(UTC).date().isoformat()


def satisfy(cli: Cli, w: DemoWorld, cid: int, names: tuple[str, ...], dest: str) -> None:
    """Record what the gate into state `dest` needs, through the CLI."""
    k = w.coordinator
    if dest == "exploration":
        cli.ok("coop", "meeting", cid, "--kind", "informal", "--date", today(), "--actor", k)
    elif dest == "agreement":
        cli.ok("coop", "goal", cid, "--text", "Gemeinsam Geräte nutzen", "--actor", k)
        for n in names:
            cli.ok(
                "coop",
                "benefit",
                cid,
                "--municipality",
                w.muni[n],
                "--text",
                "spart Kosten",
                "--actor",
                w.contact[n],
            )
    elif dest == "pilot":
        cli.ok("coop", "agreement", cid, "--kind", "letter_of_intent", "--actor", k)
        cli.ok("coop", "staff", cid, "--description", "Workshop", "--date", today(), "--actor", k)
        cli.ok("coop", "communication", cid, "--kind", "press_release", "--actor", k)
        for n in names:
            # The coordinator records each mayor's paper sign-off from its scan.
            scan = paper(cli, f"freigabe-{cid}-{w.muni[n]}.pdf")
            cli.ok("coop", "signoff", cid, "--municipality", w.muni[n], "--document", scan,
                   "--actor", k)  # fmt: skip
    elif dest == "evaluation":
        cli.ok("coop", "meeting", cid, "--kind", "steering_round", "--date", today(), "--actor", k)
    elif dest == "permanent":
        cli.ok("coop", "report", cid, "--summary", "Ziele erreicht", "--actor", k)
        cli.ok(
            "coop",
            "success",
            cid,
            "--what",
            "Winterdienst",
            "--visible",
            "Pressemitteilung",
            "--actor",
            k,
        )
        for n in names:
            cli.ok(
                "coop",
                "benefit",
                cid,
                "--municipality",
                w.muni[n],
                "--text",
                "20 % gespart",
                "--confirmed",
                "--actor",
                w.contact[n],
            )
        cli.ok("coop", "legal-form", cid, "zweckvereinbarung", "--actor", k)


def walk(
    cli: Cli,
    w: DemoWorld,
    cid: int,
    until: str,
    names: tuple[str, ...] = DEFAULT_PARTNERS,
) -> None:
    """Fulfil each gate and advance `cid` until it is in the active state `until`."""
    for dest, trigger in FORWARD.items():
        satisfy(cli, w, cid, names, dest)
        extra: list[object] = []
        if trigger == "evaluate":  # the real clock cannot wait 90 days
            extra = ["--override", "pilot_min_duration", "--reason", "Test: Pilot verkürzt"]
        cli.ok("coop", "advance", cid, trigger, "--actor", w.coordinator, *extra)
        if dest == until:
            return
    raise AssertionError(f"not an active forward state: {until}")


def queue_mail(cli: Cli, w: DemoWorld) -> int:
    """Queue fresh mail on the demo (whose replayed history is never sent): a meeting
    invitation to the coordinator and the moderator. Returns the mails queued (2)."""
    cli.ok(
        "meeting", "schedule", w.coop_in("pilot"), "--kind", "steering_round",
        "--start", "2030-03-12T10:00", "--attendee", w.coordinator, "--attendee", w.moderator,
        "--actor", w.coordinator,
    )  # fmt: skip
    return 2
