"""Bad input to every `ikz` command: a non-zero exit, one short clear message naming what is
wrong, no traceback, nothing on stdout, and not one byte changed in the database.

Exit codes: 1 general (ended cooperation, demo into a full database, schema not current,
bad setting), 2 invalid input (Click usage errors too), 3 not found, 4 transition not
allowed, 5 gate refused, 6 stale version, 7 policy refusal, 8 idempotency key reused.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pytest

from tests.cli.helpers import Cli, DemoWorld, Result, open_coop, paper

# --- harness -----------------------------------------------------------------------------


def flat(text: str) -> str:
    """Output with Click's error box drawn away and whitespace collapsed (lines wrap)."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def assert_refused(res: Result, code: int, words: tuple[str, ...]) -> None:
    assert res.code == code, str(res)
    assert "Traceback" not in res.output, str(res)
    assert res.out == "", f"nothing may be printed as if it had worked\n{res}"
    err = res.err.strip()
    assert err, str(res)
    lines = err.splitlines()
    # Click's usage errors too: one line, no usage block (ikz.cli.usage).
    assert lines[0].startswith(("Fehler: ", "Error: ")), str(res)
    details = lines[1:]  # only a gate refusal lists its unmet criteria
    assert all(d.startswith("  - [") for d in details), str(res)
    assert len(lines[0]) <= 400, str(res)
    text = flat(res.err)
    for word in words:
        assert word in text, f"{word!r} missing from the message\n{res}"


@dataclass
class Ctx:
    """The demo world as the bad-input cases see it: ids looked up, never hard-coded."""

    cli: Cli
    w: DemoWorld
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def k(self) -> int:
        return self.w.coordinator

    @property
    def mod(self) -> int:
        return self.w.moderator

    @cached_property
    def coop(self) -> int:
        """A cooperation in agreement with two partners and an open conflict."""
        return self.w.coop_in("agreement")

    @cached_property
    def partners(self) -> list[str]:
        names = self.w.partners[self.coop]
        assert len(names) == 2
        return names

    @property
    def m1(self) -> int:
        return self.w.muni[self.partners[0]]

    @property
    def m2(self) -> int:
        return self.w.muni[self.partners[1]]

    @property
    def mayor1(self) -> int:
        return self.w.mayor[self.partners[0]]

    @property
    def mayor2(self) -> int:
        return self.w.mayor[self.partners[1]]

    @property
    def contact1(self) -> int:
        return self.w.contact[self.partners[0]]

    @property
    def contact2(self) -> int:
        return self.w.contact[self.partners[1]]

    @cached_property
    def outsider(self) -> str:
        """A municipality that is no partner of `coop`."""
        return next(n for n in self.w.muni if n not in self.partners)

    @property
    def mx(self) -> int:
        return self.w.muni[self.outsider]

    @property
    def mayorx(self) -> int:
        return self.w.mayor[self.outsider]

    @property
    def contactx(self) -> int:
        return self.w.contact[self.outsider]

    @cached_property
    def conflict(self) -> int:
        """The open conflict of `coop` (below the moderation level)."""
        row = next(
            r
            for r in self.w.conflicts
            if r["cooperation_id"] == self.coop and r["status"] == "open"
        )
        assert row["level"] in ("raised", "contact_talks", "steering_round")
        return int(row["id"])

    @cached_property
    def ended(self) -> int:
        return self.w.coop_in("ended")

    @cached_property
    def permanent(self) -> int:
        return self.w.coop_in("permanent")

    @cached_property
    def version(self) -> int:
        return int(next(c["version"] for c in self.w.coops if c["id"] == self.coop))

    @property
    def email(self) -> str:
        return str(self.w.people[0]["email"])


Args = Callable[[Ctx], list[object]]
Setup = Callable[[Ctx], None]


def case(
    id_: str, args: Args, code: int, *words: str | Callable[[Ctx], str], setup: Setup | None = None
) -> Any:
    """One refused call: its arguments, exit code and the words its message must contain
    (a callable word is computed from the world)."""
    return pytest.param(args, code, words, setup, id=id_)


def run_case(
    demo_cli: Cli, world: DemoWorld, args: Args, code: int, words: Any, setup: Any
) -> None:
    c = Ctx(demo_cli, world)
    if setup is not None:
        setup(c)
    argv = args(c)  # look ids up before taking the "before" picture
    expected = tuple(w if isinstance(w, str) else w(c) for w in words)
    before = demo_cli.dump()
    res = demo_cli(*argv)
    assert_refused(res, code, expected)
    assert demo_cli.dump() == before, f"the database changed\n{res}"


# --- valid command templates (a control test proves each one works) ------------------------

# Every command that names a cooperation; a valid call for cooperation `cid`.
COOP_COMMANDS: dict[str, Callable[[Ctx, object], list[object]]] = {
    "coop partner": lambda c, cid: ["coop", "partner", cid, "--municipality", c.mx, "--actor", c.k],
    "coop show": lambda c, cid: ["coop", "show", cid],
    "coop history": lambda c, cid: ["coop", "history", cid],
    "coop advance": lambda c, cid: ["coop", "advance", cid, "pause", "--actor", c.k],
    "coop goal": lambda c, cid: ["coop", "goal", cid, "--text", "Ziel", "--actor", c.k],
    "coop benefit": lambda c, cid: [
        "coop", "benefit", cid, "--municipality", c.m1, "--text", "Nutzen", "--actor", c.k,
    ],
    "coop meeting": lambda c, cid: [
        "coop", "meeting", cid, "--kind", "informal", "--date", "2026-01-05", "--actor", c.k,
    ],
    "coop agreement": lambda c, cid: [
        "coop", "agreement", cid, "--kind", "letter_of_intent", "--actor", c.k,
    ],
    "coop signoff": lambda c, cid: [
        "coop", "signoff", cid, "--municipality", c.m1, "--document", paper(c.cli, "f.pdf"),
        "--actor", c.k,
    ],
    "coop staff": lambda c, cid: [
        "coop", "staff", cid, "--description", "Workshop", "--date", "2026-01-05", "--actor", c.k,
    ],
    "coop communication": lambda c, cid: [
        "coop", "communication", cid, "--kind", "press_release", "--actor", c.k,
    ],
    "coop success": lambda c, cid: ["coop", "success", cid, "--what", "Erfolg", "--actor", c.k],
    "coop decision": lambda c, cid: [
        "coop", "decision", cid, "--subject", "Standort", "--date", "2026-01-05", "--actor", c.k,
    ],
    "coop report": lambda c, cid: ["coop", "report", cid, "--summary", "Bericht", "--actor", c.k],
    "coop legal-form": lambda c, cid: ["coop", "legal-form", cid, "aoer", "--actor", c.k],
    "conflict raise": lambda c, cid: [
        "conflict", "raise", cid, "--subject", "Streit", "--actor", c.k,
    ],
}  # fmt: skip

CONFLICT_COMMANDS: dict[str, Callable[[Ctx, object], list[object]]] = {
    "conflict escalate": lambda c, cf: ["conflict", "escalate", cf, "--actor", c.k],
    "conflict resolve": lambda c, cf: [
        "conflict", "resolve", cf, "--resolution", "geklärt", "--actor", c.k,
    ],
}  # fmt: skip

# Commands that record something (refused once a cooperation has ended).
RECORDING = [n for n in COOP_COMMANDS if n not in ("coop show", "coop history", "coop advance")]


@pytest.mark.parametrize("name", [*COOP_COMMANDS, *CONFLICT_COMMANDS])
def test_control_the_valid_templates_work(demo_cli: Cli, world: DemoWorld, name: str) -> None:
    c = Ctx(demo_cli, world)
    args = (
        COOP_COMMANDS[name](c, c.coop)
        if name in COOP_COMMANDS
        else CONFLICT_COMMANDS[name](c, c.conflict)
    )
    demo_cli.ok(*args)


# --- ids: unknown, non-numeric, zero, negative, ended cooperation ---------------------------


def _id_cases() -> list[Any]:
    cases = []
    for name, build in COOP_COMMANDS.items():
        slug = name.replace(" ", "-")
        cases += [
            case(f"{slug}-unknown-id", lambda c, b=build: b(c, 9999), 3, "Kooperation", "9999", "gibt es nicht"),
            case(f"{slug}-non-numeric-id", lambda c, b=build: b(c, "abc"), 2, "Fehler: Ungültiger Wert für 'cooperation': 'abc' ist keine ganze Zahl."),
            case(f"{slug}-float-id", lambda c, b=build: b(c, "1.5"), 2, "Fehler: Ungültiger Wert für 'cooperation': '1.5' ist keine ganze Zahl."),
            case(f"{slug}-negative-id", lambda c, b=build: b(c, "-3"), 2, "Fehler: Unbekannte Option: -3 (Hilfe: ikz "),
        ]  # fmt: skip
    for name, build in CONFLICT_COMMANDS.items():
        slug = name.replace(" ", "-")
        cases += [
            case(f"{slug}-unknown-id", lambda c, b=build: b(c, 9999), 3, "Konflikt", "9999", "gibt es nicht"),
            case(f"{slug}-non-numeric-id", lambda c, b=build: b(c, "x1"), 2, "Fehler: Ungültiger Wert für 'conflict': 'x1' ist keine ganze Zahl."),
        ]  # fmt: skip
    for name in RECORDING:
        build = COOP_COMMANDS[name]
        cases.append(
            case(
                f"{name.replace(' ', '-')}-ended-cooperation",
                lambda c, b=build: b(c, c.ended),
                1,
                "ist beendet",
                "nichts mehr erfasst",
            )
        )
    for name in ("show", "history"):
        cases.append(case(f"coop-{name}-zero-id", lambda c, n=name: ["coop", n, 0], 3, "ID 0"))
    for name in ("goal", "report"):
        cases.append(
            case(
                f"coop-{name}-zero-id",
                lambda c, n=name: [*COOP_COMMANDS[f"coop {n}"](c, 0)],
                2,
                "ID",
                "größer als 0",
            )
        )
    return cases


@pytest.mark.parametrize(("args", "code", "words", "setup"), _id_cases())
def test_bad_ids(
    demo_cli: Cli, world: DemoWorld, args: Args, code: int, words: Any, setup: Any
) -> None:
    run_case(demo_cli, world, args, code, words, setup)


# --- CR/LF in anything that may reach a mail header -----------------------------------------

BREAKS = {"cr": "\r", "lf": "\n", "crlf": "\r\n"}

# Where a header-bound text goes, and the field the message names.
HEADER_FIELDS: dict[str, tuple[Callable[[Ctx, str], list[object]], str]] = {
    "municipality-name": (
        lambda c, v: ["municipality", "add", "--name", v, "--ags", "16052000",
                      "--population", 92000, "--kind", "stadt", "--actor", c.k],
        "name",
    ),
    "person-name": (
        lambda c, v: ["person", "add", "--name", v, "--email", "neu@example.org",
                      "--role", "coordinator", "--actor", c.k],
        "name",
    ),
    "person-email": (
        lambda c, v: ["person", "add", "--name", "Neu", "--email", v.replace("X", "neu@example.org"),
                      "--role", "coordinator", "--actor", c.k],
        "email",
    ),
    "coop-title": (
        lambda c, v: ["coop", "open", "--title", v, "--field", "IT", "--actor", c.k],
        "title",
    ),
    "coop-field": (
        lambda c, v: ["coop", "open", "--title", "Neu", "--field", v, "--actor", c.k],
        "--field",
    ),
    "follow-up-title": (
        lambda c, v: ["coop", "advance", c.permanent, "spawn_follow_up",
                      "--follow-up-title", v, "--actor", c.k],
        "--follow-up-title",
    ),
    "idempotency-key": (
        lambda c, v: ["coop", "advance", c.coop, "pause", "--idempotency-key", v,
                      "--actor", c.k],
        "--idempotency-key",
    ),
    "conflict-subject": (
        lambda c, v: ["conflict", "raise", c.coop, "--subject", v, "--actor", c.k],
        "subject",
    ),
}  # fmt: skip


def _crlf_cases() -> list[Any]:
    cases = []
    for where, (build, field_) in HEADER_FIELDS.items():
        for brk_name, brk in BREAKS.items():
            for pos, value in (
                ("header-injection", f"X{brk}Bcc: victim@example.org"),
                ("between-words", f"Neue{brk}Stadt"),
            ):
                words = (field_, "CR/LF") if where != "person-email" else (field_,)
                cases.append(
                    case(
                        f"{where}-{brk_name}-{pos}", lambda c, b=build, v=value: b(c, v), 2, *words
                    )
                )
    return cases


@pytest.mark.parametrize(("args", "code", "words", "setup"), _crlf_cases())
def test_line_breaks_in_header_bound_text(
    demo_cli: Cli, world: DemoWorld, args: Args, code: int, words: Any, setup: Any
) -> None:
    run_case(demo_cli, world, args, code, words, setup)


def test_line_breaks_at_the_edges_are_trimmed_like_spaces(demo_cli: Cli, world: DemoWorld) -> None:
    # `--title "$(cat title.txt)"`-style input: surrounding whitespace, line breaks included,
    # is stripped before validation, so nothing with CR/LF is ever stored.
    k = world.coordinator
    coop = demo_cli.json("coop", "open", "--title", "\r\nNeu\r\n", "--field", "IT\n", "--actor", k)
    assert coop["title"] == "Neu"
    raised = demo_cli.ok("conflict", "raise", coop["id"], "--subject", "Streit\r\n", "--actor", k)
    assert raised.code == 0
    assert demo_cli.json("conflict", "list", "--coop", coop["id"])[0]["subject"] == "Streit"
    person = demo_cli.json(
        "person", "add", "--name", "\nNina\n", "--email", "nina@example.org",
        "--role", "coordinator", "--actor", k,
    )  # fmt: skip
    assert (person["name"], person["email"]) == ("Nina", "nina@example.org")


def test_an_internationalised_domain_is_accepted(demo_cli: Cli, world: DemoWorld) -> None:
    person = demo_cli.json(
        "person", "add", "--name", "Jörg", "--email", "joerg@bürgeramt.example",
        "--role", "coordinator", "--actor", world.coordinator,
    )  # fmt: skip
    assert person["email"] == "joerg@bürgeramt.example"


def test_email_with_display_name_is_reduced_to_the_address(demo_cli: Cli, world: DemoWorld) -> None:
    person = demo_cli.json(
        "person", "add", "--name", "Nina", "--email", "Nina Neu <nina@example.org>",
        "--role", "coordinator", "--actor", world.coordinator,
    )  # fmt: skip
    assert person["email"] == "nina@example.org"


def test_line_breaks_refused_in_english_too(demo_cli: Cli, world: DemoWorld) -> None:
    res = demo_cli(
        "--lang", "en", "coop", "open", "--title", "A\r\nB", "--field", "IT", "--actor",
        world.coordinator,
    )  # fmt: skip
    assert_refused(res, 2, ("Invalid input", "title", "line breaks (CR/LF) are not allowed"))


# --- every command: validation, lookups, policy ------------------------------------------------


def _muni(c: Ctx, **over: object) -> list[object]:
    opts: dict[str, object] = {
        "--name": "Gera", "--ags": "16052000", "--population": 92000, "--kind": "stadt",
        "--actor": c.k,
    }  # fmt: skip
    opts.update({f"--{k.replace('_', '-')}": v for k, v in over.items()})
    return ["municipality", "add", *[x for kv in opts.items() if kv[1] is not None for x in kv]]


def _person(c: Ctx, **over: object) -> list[object]:
    opts: dict[str, object] = {
        "--name": "Nina Neu", "--email": "nina@example.org", "--role": "contact",
        "--municipality": c.m1, "--actor": c.k,
    }  # fmt: skip
    opts.update({f"--{k.replace('_', '-')}": v for k, v in over.items()})
    return ["person", "add", *[x for kv in opts.items() if kv[1] is not None for x in kv]]


def _open(c: Ctx, *partners: str, **over: object) -> list[object]:
    opts: dict[str, object] = {"--title": "Neues Amt", "--field": "Ordnung", "--actor": c.k}
    opts.update({f"--{k}": v for k, v in over.items()})
    args = ["coop", "open", *[x for kv in opts.items() if kv[1] is not None for x in kv]]
    for p in partners or (f"{c.m1}:{c.mayor1}:{c.contact1}", f"{c.m2}"):
        args += ["--partner", p]
    return args


def _adv(c: Ctx, trigger: str, *extra: object, actor: int | None = None) -> list[object]:
    return ["coop", "advance", c.coop, trigger, "--actor", actor or c.k, *extra]


def _pause_with_key(c: Ctx) -> None:
    c.cli.ok("coop", "advance", c.coop, "pause", "--idempotency-key", "k-1", "--actor", c.k)


def _signoff_once(c: Ctx) -> None:
    scan = paper(c.cli, "freigabe.pdf")
    c.cli.ok("coop", "signoff", c.coop, "--municipality", c.m1, "--document", scan, "--actor", c.k)


def _resolve_conflict(c: Ctx) -> None:
    c.cli.ok("conflict", "resolve", c.conflict, "--resolution", "geklärt", "--actor", c.k)


def _escalate_to_top(c: Ctx) -> None:
    for _ in range(5):
        if c.cli.json("conflict", "list", "--coop", c.coop)[0]["level"] == "mayors":
            return
        c.cli.ok("conflict", "escalate", c.conflict, "--actor", c.k)


NOT_ALLOWED = "Nicht erlaubt:"

CASES = [
    # global
    case("unknown-command", lambda c: ["frobnicate"], 2, "Fehler: Unbekannter Befehl 'frobnicate'. (Hilfe: ikz --help)"),
    case("unknown-option", lambda c: ["coop", "list", "--bogus"], 2, "Fehler: Unbekannte Option: --bogus (Hilfe: ikz coop list --help)"),
    case("bad-language", lambda c: ["--lang", "fr", "coop", "list"], 1, "Unbekannte Sprache", "fr", "de, en"),
    case("unknown-group-command", lambda c: ["coop", "frob"], 2, "Fehler: Unbekannter Befehl 'frob'. (Hilfe: ikz coop --help)"),
    # municipality add: AGS
    case("ags-too-short", lambda c: _muni(c, ags="1605200"), 2, "ags", "genau 8 Ziffern"),
    case("ags-too-long", lambda c: _muni(c, ags="160520000"), 2, "ags", "genau 8 Ziffern"),
    case("ags-letters", lambda c: _muni(c, ags="16O52000"), 2, "ags", "genau 8 Ziffern"),
    case("ags-empty", lambda c: _muni(c, ags=""), 2, "ags", "genau 8 Ziffern"),
    case("ags-inner-space", lambda c: _muni(c, ags="1605 000"), 2, "ags", "genau 8 Ziffern"),
    case("ags-land-00", lambda c: _muni(c, ags="00052000"), 2, "ags", "Landesschlüssel 01-16"),
    case("ags-land-17", lambda c: _muni(c, ags="17052000"), 2, "ags", "Landesschlüssel 01-16"),
    case("ags-land-99", lambda c: _muni(c, ags="99052000"), 2, "ags", "Landesschlüssel 01-16"),
    case("ags-duplicate", lambda c: _muni(c, ags=c.cli.json("municipality", "list")[0]["ags"]), 2, "AGS", "bereits erfasst"),
    case("ags-land-en", lambda c: ["--lang", "en", *_muni(c, ags="17052000")], 2, "Invalid input", "ags", "does not start with a Land key 01-16"),
    case("ags-format-en", lambda c: ["--lang", "en", *_muni(c, ags="12ab")], 2, "Invalid input", "ags", "exactly 8 digits"),
    # municipality add: other fields
    case("muni-name-empty", lambda c: _muni(c, name=""), 2, "name", "nicht leer"),
    case("muni-name-blank", lambda c: _muni(c, name="   "), 2, "name"),
    case("muni-name-too-long", lambda c: _muni(c, name="G" * 201), 2, "name", "höchstens 200"),
    case("muni-kind", lambda c: _muni(c, kind="dorf"), 2, "kind", "gemeinde"),
    case("muni-population-zero", lambda c: _muni(c, population=0), 2, "population", "größer als 0"),
    case("muni-population-negative", lambda c: _muni(c, population=-5), 2, "population"),
    case("muni-population-huge", lambda c: _muni(c, population=10**9), 2, "population"),
    case("muni-population-text", lambda c: _muni(c, population="viele"), 2, "Fehler: Ungültiger Wert für '--population': 'viele' ist keine ganze Zahl."),
    case("muni-actor-unknown", lambda c: _muni(c, actor=9999), 3, "Person", "9999"),
    case("muni-actor-text", lambda c: _muni(c, actor="kora"), 2, "Fehler: Ungültiger Wert für '--actor': 'kora' ist keine ganze Zahl."),
    case("muni-actor-missing", lambda c: _muni(c, actor=None), 2, "--actor", "Koordinator"),
    case("muni-actor-contact", lambda c: _muni(c, actor=c.contact1), 7, NOT_ALLOWED, "register_municipality"),
    case("muni-actor-moderator", lambda c: _muni(c, actor=c.mod), 7, NOT_ALLOWED, "Koordinator"),
    case("muni-missing-ags", lambda c: [x for x in _muni(c) if x not in ("--ags", "16052000")], 2, "Fehler: Option '--ags' fehlt. (Hilfe: ikz municipality add --help)"),
    case("muni-several-errors", lambda c: _muni(c, ags="17", kind="dorf"), 2, "ags", "kind"),
    # person add
    case("email-no-at", lambda c: _person(c, email="nina.example.org"), 2, "email", "E-Mail-Adresse"),
    case("email-no-domain", lambda c: _person(c, email="nina@"), 2, "email"),
    case("email-spaces", lambda c: _person(c, email="nina neu@example.org"), 2, "email"),
    case("email-two-addresses", lambda c: _person(c, email="a@example.org, b@example.org"), 2, "email"),
    case("email-empty", lambda c: _person(c, email=""), 2, "email"),
    # Accepted by the address syntax, but no mail could ever reach it.
    case("email-umlaut-before-at", lambda c: _person(c, email="jörg@example.org"), 2, "email", "Umlaute"),
    case("email-duplicate", lambda c: _person(c, email=c.email), 2, "E-Mail", "bereits erfasst"),
    case("email-duplicate-other-case", lambda c: _person(c, email=c.email.upper()), 2, "bereits erfasst"),
    case("person-role-unknown", lambda c: _person(c, role="chef"), 2, "--role", "mayor"),
    case("person-role-missing", lambda c: [x for x in _person(c) if x not in ("--role", "contact")], 2, "Fehler: Option '--role' fehlt."),
    case("person-mayor-without-municipality", lambda c: _person(c, municipality=None, role="mayor"), 2, "brauchen eine Kommune"),
    case("person-municipality-unknown", lambda c: _person(c, municipality=9999), 3, "Kommune", "9999"),
    case("person-municipality-text", lambda c: _person(c, municipality="Jena"), 2, "Fehler: Ungültiger Wert für '--municipality': 'Jena' ist keine ganze Zahl."),
    case("person-municipality-zero", lambda c: _person(c, municipality=0), 2, "--municipality"),
    case("person-language", lambda c: _person(c, language="fr"), 2, "language"),
    case("person-name-empty", lambda c: _person(c, name=""), 2, "name"),
    case("person-actor-mayor", lambda c: _person(c, actor=c.mayor1), 7, NOT_ALLOWED, "register_person"),
    case("person-actor-unknown", lambda c: _person(c, actor=9999), 3, "Person", "9999"),
    case("person-actor-missing", lambda c: _person(c, actor=None), 2, "--actor"),
    # coop open
    case("open-title-empty", lambda c: _open(c, title=""), 2, "title"),
    case("open-title-too-long", lambda c: _open(c, title="T" * 201), 2, "title", "höchstens 200"),
    case("open-partner-letters", lambda c: _open(c, "Jena"), 2, "Partner 'Jena'", "KOMMUNE[:BÜRGERMEISTER[:ANSPRECHPERSON]]"),
    case("open-partner-too-many-parts", lambda c: _open(c, "1:2:3:4"), 2, "Partner '1:2:3:4'"),
    case("open-partner-no-municipality", lambda c: _open(c, f":{c.mayor1}"), 2, "Partner"),
    case("open-partner-empty", lambda c: _open(c, ""), 2, "Partner"),
    case("open-partner-zero", lambda c: _open(c, "0"), 2, "--partner", "größer als 0"),
    case("open-partner-unknown-municipality", lambda c: _open(c, "9999"), 3, "Kommune", "9999"),
    case("open-partner-unknown-person", lambda c: _open(c, f"{c.m1}:9999"), 3, "Person", "9999"),
    case("open-partner-wrong-mayor", lambda c: _open(c, f"{c.m1}:{c.mayor2}"), 2, "ist nicht Bürgermeister:in", "von"),
    case("open-partner-contact-as-mayor", lambda c: _open(c, f"{c.m1}:{c.contact1}"), 2, "ist nicht Bürgermeister:in"),
    case("open-partner-mayor-as-contact", lambda c: _open(c, f"{c.m1}::{c.mayor1}"), 2, "ist nicht Ansprechperson"),
    case("open-partner-twice", lambda c: _open(c, str(c.m1), f"{c.m1}:{c.mayor1}"), 2, "doppelt"),
    case("open-actor-contact", lambda c: _open(c, actor=c.contact1), 7, NOT_ALLOWED, "open_cooperation"),
    case("open-actor-unknown", lambda c: _open(c, actor=9999), 3, "Person", "9999"),
    case("open-actor-missing", lambda c: [x for x in _open(c) if x not in ("--actor", c.k)], 2, "Fehler: Option '--actor' fehlt."),
    case("open-actor-en", lambda c: ["--lang", "en", *_open(c, actor=c.mayor1)], 7, "Not allowed:", "reserved to coordinators"),
    # coop partner
    case("partner-unknown-municipality", lambda c: ["coop", "partner", c.coop, "--municipality", 9999, "--actor", c.k], 3, "Kommune", "9999"),
    case("partner-wrong-mayor", lambda c: ["coop", "partner", c.coop, "--municipality", c.mx, "--mayor", c.mayor1, "--actor", c.k], 2, "ist nicht Bürgermeister:in"),
    case("partner-wrong-contact", lambda c: ["coop", "partner", c.coop, "--municipality", c.m1, "--contact", c.contact2, "--actor", c.k], 2, "ist nicht Ansprechperson"),
    case("partner-actor-mayor", lambda c: ["coop", "partner", c.coop, "--municipality", c.mx, "--actor", c.mayor1], 7, NOT_ALLOWED, "set_partner"),
    case("partner-missing-municipality", lambda c: ["coop", "partner", c.coop, "--actor", c.k], 2, "Fehler: Option '--municipality' fehlt."),
    # coop list / show / history
    case("list-unknown-state", lambda c: ["coop", "list", "--state", "Pilot"], 2, "Pilot", "pilot"),
    case("show-missing-id", lambda c: ["coop", "show"], 2, "Fehler: Angabe 'cooperation' fehlt. (Hilfe: ikz coop show --help)"),
    case("history-extra-argument", lambda c: ["coop", "history", c.coop, "extra"], 2, "Fehler: Überzählige Angabe: extra (Hilfe: ikz coop history --help)"),
    # coop advance
    case("advance-unknown-trigger", lambda c: _adv(c, "explode"), 4, "Unbekannter Auslöser 'explode'", "explore", "spawn_follow_up"),
    case("advance-trigger-case", lambda c: _adv(c, "PAUSE"), 4, "Unbekannter Auslöser 'PAUSE'"),
    case("advance-unknown-trigger-en", lambda c: ["--lang", "en", *_adv(c, "open")], 4, "Unknown trigger 'open'", "Valid triggers"),
    case("advance-not-allowed-here", lambda c: _adv(c, "evaluate"), 4, "'evaluate'", "nicht möglich", "Vereinbarung"),
    case("advance-resume-not-paused", lambda c: _adv(c, "resume"), 4, "'resume'", "nicht möglich"),
    case("advance-ended", lambda c: ["coop", "advance", c.ended, "resume", "--actor", c.k], 4, "nicht möglich", "Beendet"),
    case("advance-stale-version", lambda c: _adv(c, "pause", "--expected-version", c.version - 1), 6, "inzwischen geändert", lambda c: f"erwartet Version {c.version - 1}", lambda c: f"aktuell {c.version}"),
    case("advance-future-version", lambda c: _adv(c, "pause", "--expected-version", c.version + 5), 6, lambda c: f"aktuell {c.version}"),
    case("advance-stale-version-en", lambda c: ["--lang", "en", *_adv(c, "pause", "--expected-version", 1)], 6, "changed meanwhile", "expected version 1"),
    case("advance-version-zero", lambda c: _adv(c, "pause", "--expected-version", 0), 2, "--expected-version", "größer als 0"),
    case("advance-version-text", lambda c: _adv(c, "pause", "--expected-version", "neu"), 2, "Fehler: Ungültiger Wert für '--expected-version': 'neu' ist keine ganze Zahl."),
    case("advance-actor-mayor", lambda c: _adv(c, "pause", actor=c.mayor1), 7, NOT_ALLOWED, "'advance' ist Koordinator:innen vorbehalten"),
    case("advance-actor-moderator", lambda c: _adv(c, "pause", actor=c.mod), 7, NOT_ALLOWED, "advance"),
    case("advance-actor-unknown", lambda c: _adv(c, "pause", actor=9999), 3, "Person", "9999"),
    case("advance-end-without-reason", lambda c: _adv(c, "end"), 2, "Begründung", "--reason"),
    case("advance-end-blank-reason", lambda c: _adv(c, "end", "--reason", "   "), 2, "--reason"),
    case("advance-override-unknown", lambda c: _adv(c, "pause", "--override", "agreement_missing", "--reason", "x"), 2, "nicht übersteuerbar", "agreement_missing", "pilot_min_duration"),
    case("advance-override-without-reason", lambda c: _adv(c, "pause", "--override", "pilot_min_duration"), 2, "--reason"),
    case("advance-spawn-without-title", lambda c: ["coop", "advance", c.permanent, "spawn_follow_up", "--actor", c.k], 2, "--follow-up-title"),
    case("advance-spawn-not-permanent", lambda c: _adv(c, "spawn_follow_up", "--follow-up-title", "Neu"), 4, "spawn_follow_up", "nicht möglich"),
    case("advance-key-reused-other-trigger", lambda c: _adv(c, "end", "--reason", "x", "--idempotency-key", "k-1"), 8, "Idempotenzschlüssel 'k-1'", "andere Aktion", setup=_pause_with_key),
    case("advance-key-reused-other-coop", lambda c: ["coop", "advance", c.permanent, "pause", "--idempotency-key", "k-1", "--actor", c.k], 8, "'k-1'", setup=_pause_with_key),
    case("advance-key-empty", lambda c: _adv(c, "pause", "--idempotency-key", ""), 2, "--idempotency-key"),
    case("advance-missing-trigger", lambda c: ["coop", "advance", c.coop, "--actor", c.k], 2, "Fehler: Angabe 'trigger' fehlt."),
    # coop goal
    case("goal-text-empty", lambda c: ["coop", "goal", c.coop, "--text", "", "--actor", c.k], 2, "text", "nicht leer"),
    case("goal-text-too-long", lambda c: ["coop", "goal", c.coop, "--text", "z" * 5001, "--actor", c.k], 2, "text", "höchstens 5000"),
    case("goal-actor-contact", lambda c: ["coop", "goal", c.coop, "--text", "x", "--actor", c.contact1], 7, NOT_ALLOWED, "record_goal"),
    case("goal-missing-text", lambda c: ["coop", "goal", c.coop, "--actor", c.k], 2, "Fehler: Option '--text' fehlt."),
    # coop benefit
    case("benefit-not-a-partner", lambda c: ["coop", "benefit", c.coop, "--municipality", c.mx, "--text", "x", "--actor", c.k], 3, "ist kein Partner dieser Kooperation"),
    case("benefit-unknown-municipality", lambda c: ["coop", "benefit", c.coop, "--municipality", 9999, "--text", "x", "--actor", c.k], 3, "9999", "kein Partner"),
    case("benefit-other-partners-contact", lambda c: ["coop", "benefit", c.coop, "--municipality", c.m1, "--text", "x", "--actor", c.contact2], 7, NOT_ALLOWED, "eigene Kommune"),
    case("benefit-outsider-contact", lambda c: ["coop", "benefit", c.coop, "--municipality", c.m1, "--text", "x", "--actor", c.contactx], 7, NOT_ALLOWED, "Partnerkommune"),
    case("benefit-moderator", lambda c: ["coop", "benefit", c.coop, "--municipality", c.m1, "--text", "x", "--actor", c.mod], 7, NOT_ALLOWED, "record_benefit"),
    case("benefit-text-empty", lambda c: ["coop", "benefit", c.coop, "--municipality", c.m1, "--text", "", "--actor", c.k], 2, "text"),
    # coop meeting
    case("meeting-kind", lambda c: ["coop", "meeting", c.coop, "--kind", "party", "--date", "2026-01-05", "--actor", c.k], 2, "kind", "informal", "steering_round"),
    case("meeting-date-month-13", lambda c: ["coop", "meeting", c.coop, "--kind", "informal", "--date", "2026-13-01", "--actor", c.k], 2, "--date", "Datum"),
    case("meeting-date-german-format", lambda c: ["coop", "meeting", c.coop, "--kind", "informal", "--date", "05.01.2026", "--actor", c.k], 2, "--date"),
    case("meeting-date-words", lambda c: ["coop", "meeting", c.coop, "--kind", "informal", "--date", "gestern", "--actor", c.k], 2, "--date"),
    case("meeting-date-feb-30", lambda c: ["coop", "meeting", c.coop, "--kind", "informal", "--date", "2026-02-30", "--actor", c.k], 2, "--date"),
    case("meeting-unknown-attendee", lambda c: ["coop", "meeting", c.coop, "--kind", "informal", "--date", "2026-01-05", "--attendee", 9999, "--actor", c.k], 3, "Person", "9999"),
    case("meeting-attendee-text", lambda c: ["coop", "meeting", c.coop, "--kind", "informal", "--date", "2026-01-05", "--attendee", "Anna", "--actor", c.k], 2, "Fehler: Ungültiger Wert für '--attendee': 'Anna' ist keine ganze Zahl."),
    case("meeting-actor-mayor", lambda c: ["coop", "meeting", c.coop, "--kind", "informal", "--date", "2026-01-05", "--actor", c.mayor1], 7, NOT_ALLOWED, "record_meeting"),
    case("meeting-actor-outsider", lambda c: ["coop", "meeting", c.coop, "--kind", "informal", "--date", "2026-01-05", "--actor", c.contactx], 7, NOT_ALLOWED, "Partnerkommune"),
    case("meeting-missing-date", lambda c: ["coop", "meeting", c.coop, "--kind", "informal", "--actor", c.k], 2, "Fehler: Option '--date' fehlt."),
    # coop agreement
    case("agreement-kind", lambda c: ["coop", "agreement", c.coop, "--kind", "handshake", "--actor", c.k], 2, "kind", "letter_of_intent"),
    case("agreement-signed-by-outsider", lambda c: ["coop", "agreement", c.coop, "--kind", "letter_of_intent", "--signed-by", c.mx, "--actor", c.k], 3, "kein Partner"),
    case("agreement-effective-date", lambda c: ["coop", "agreement", c.coop, "--kind", "letter_of_intent", "--effective", "bald", "--actor", c.k], 2, "--effective"),
    case("agreement-actor-contact", lambda c: ["coop", "agreement", c.coop, "--kind", "letter_of_intent", "--actor", c.contact1], 7, NOT_ALLOWED, "record_agreement"),
    # coop signoff
    case("signoff-by-contact", lambda c: ["coop", "signoff", c.coop, "--municipality", c.m1, "--actor", c.contact1], 7, NOT_ALLOWED, "nur Bürgermeister:innen geben Freigaben"),
    case("signoff-by-coordinator", lambda c: ["coop", "signoff", c.coop, "--municipality", c.m1, "--actor", c.k], 7, NOT_ALLOWED, "Bürgermeister"),
    case("signoff-other-municipality", lambda c: ["coop", "signoff", c.coop, "--municipality", c.m1, "--actor", c.mayor2], 7, NOT_ALLOWED, "eigene Kommune"),
    case("signoff-not-a-partner", lambda c: ["coop", "signoff", c.coop, "--municipality", c.mx, "--actor", c.mayorx], 3, "kein Partner"),
    case("signoff-gate-unknown", lambda c: ["coop", "signoff", c.coop, "--municipality", c.m1, "--gate", "launch", "--actor", c.mayor1], 2, "gate", "start_pilot"),
    case("signoff-twice", lambda c: ["coop", "signoff", c.coop, "--municipality", c.m1, "--document", paper(c.cli, "zweite.pdf"), "--actor", c.k], 2, "Freigabe", "bereits erfasst", setup=_signoff_once),
    case("signoff-by-mayor-without-document", lambda c: ["coop", "signoff", c.coop, "--municipality", c.m1, "--actor", c.mayor1], 7, NOT_ALLOWED, "mit dem Dokument erfassen (--document DATEI)"),
    case("signoff-document-missing", lambda c: ["coop", "signoff", c.coop, "--municipality", c.m1, "--document", "/nirgends/freigabe.pdf", "--actor", c.k], 2, "Dokument '/nirgends/freigabe.pdf': Datei nicht gefunden."),
    case("signoff-document-by-contact", lambda c: ["coop", "signoff", c.coop, "--municipality", c.m1, "--document", paper(c.cli, "f.pdf"), "--actor", c.contact1], 7, NOT_ALLOWED, "nur Koordinator:innen"),
    case("signoff-by-contact-en", lambda c: ["--lang", "en", "coop", "signoff", c.coop, "--municipality", c.m1, "--actor", c.contact1], 7, "Not allowed: only mayors sign off."),
    # coop staff
    case("staff-date", lambda c: ["coop", "staff", c.coop, "--description", "x", "--date", "2026-1-5x", "--actor", c.k], 2, "--date"),
    case("staff-not-a-partner", lambda c: ["coop", "staff", c.coop, "--description", "x", "--date", "2026-01-05", "--municipality", c.mx, "--actor", c.k], 3, "kein Partner"),
    case("staff-other-municipality", lambda c: ["coop", "staff", c.coop, "--description", "x", "--date", "2026-01-05", "--municipality", c.m2, "--actor", c.mayor1], 7, NOT_ALLOWED, "eigene Kommune"),
    case("staff-description-empty", lambda c: ["coop", "staff", c.coop, "--description", "", "--date", "2026-01-05", "--actor", c.k], 2, "description"),
    # coop communication
    case("communication-kind", lambda c: ["coop", "communication", c.coop, "--kind", "tweet", "--actor", c.k], 2, "kind", "press_release"),
    case("communication-status", lambda c: ["coop", "communication", c.coop, "--kind", "press_release", "--status", "maybe", "--actor", c.k], 2, "status", "planned"),
    case("communication-date", lambda c: ["coop", "communication", c.coop, "--kind", "press_release", "--date", "2026-00-10", "--actor", c.k], 2, "--date"),
    case("communication-actor-mayor", lambda c: ["coop", "communication", c.coop, "--kind", "press_release", "--actor", c.mayor1], 7, NOT_ALLOWED, "record_communication"),
    # coop success
    case("success-what-empty", lambda c: ["coop", "success", c.coop, "--what", " ", "--actor", c.k], 2, "what"),
    case("success-actor-mayor", lambda c: ["coop", "success", c.coop, "--what", "x", "--actor", c.mayor1], 7, NOT_ALLOWED, "record_success"),
    case("success-actor-outsider", lambda c: ["coop", "success", c.coop, "--what", "x", "--actor", c.contactx], 7, NOT_ALLOWED, "Partnerkommune"),
    # coop decision
    case("decision-date", lambda c: ["coop", "decision", c.coop, "--subject", "x", "--date", "morgen", "--actor", c.k], 2, "--date"),
    case("decision-kind", lambda c: ["coop", "decision", c.coop, "--subject", "x", "--date", "2026-01-05", "--kind", "Standort!", "--actor", c.k], 2, "kind"),
    case("decision-benefits-and-concedes", lambda c: ["coop", "decision", c.coop, "--subject", "x", "--date", "2026-01-05", "--benefits", c.m1, "--concedes", c.m1, "--actor", c.k], 2, "zugleich begünstigt sein und verzichten"),
    case("decision-benefits-outsider", lambda c: ["coop", "decision", c.coop, "--subject", "x", "--date", "2026-01-05", "--benefits", c.mx, "--actor", c.k], 3, "kein Partner"),
    case("decision-concedes-outsider", lambda c: ["coop", "decision", c.coop, "--subject", "x", "--date", "2026-01-05", "--concedes", c.mx, "--actor", c.k], 3, "kein Partner"),
    case("decision-actor-contact", lambda c: ["coop", "decision", c.coop, "--subject", "x", "--date", "2026-01-05", "--actor", c.contact1], 7, NOT_ALLOWED, "record_decision"),
    # coop report, legal-form
    case("report-summary-empty", lambda c: ["coop", "report", c.coop, "--summary", "", "--actor", c.k], 2, "summary"),
    case("report-actor-contact", lambda c: ["coop", "report", c.coop, "--summary", "x", "--actor", c.contact1], 7, NOT_ALLOWED, "record_report"),
    case("legal-form-unknown", lambda c: ["coop", "legal-form", c.coop, "verein", "--actor", c.k], 2, "FORM", "zweckverband"),
    case("legal-form-actor-mayor", lambda c: ["coop", "legal-form", c.coop, "aoer", "--actor", c.mayor1], 7, NOT_ALLOWED, "choose_legal_form"),
    case("legal-form-missing", lambda c: ["coop", "legal-form", c.coop, "--actor", c.k], 2, "Fehler: Angabe 'form' fehlt. (Hilfe: ikz coop legal-form --help)"),
    # conflicts
    case("conflict-subject-empty", lambda c: ["conflict", "raise", c.coop, "--subject", "", "--actor", c.k], 2, "subject"),
    case("conflict-raise-moderator", lambda c: ["conflict", "raise", c.coop, "--subject", "x", "--actor", c.mod], 7, NOT_ALLOWED, "raise_conflict"),
    case("conflict-raise-outsider", lambda c: ["conflict", "raise", c.coop, "--subject", "x", "--actor", c.mayorx], 7, NOT_ALLOWED, "Partnerkommune"),
    case("conflict-escalate-contact", lambda c: ["conflict", "escalate", c.conflict, "--actor", c.contact1], 7, NOT_ALLOWED, "escalate_conflict"),
    case("conflict-escalate-moderator-too-early", lambda c: ["conflict", "escalate", c.conflict, "--actor", c.mod], 7, NOT_ALLOWED, "ab der Stufe Moderation"),
    case("conflict-escalate-resolved", lambda c: ["conflict", "escalate", c.conflict, "--actor", c.k], 2, "nicht mehr offen", setup=_resolve_conflict),
    case("conflict-escalate-top-level", lambda c: ["conflict", "escalate", c.conflict, "--actor", c.k], 2, "höchsten Stufe", setup=_escalate_to_top),
    case("conflict-resolve-twice", lambda c: ["conflict", "resolve", c.conflict, "--resolution", "x", "--actor", c.k], 2, "nicht mehr offen", setup=_resolve_conflict),
    case("conflict-resolve-empty", lambda c: ["conflict", "resolve", c.conflict, "--resolution", "", "--actor", c.k], 2, "resolution"),
    case("conflict-resolve-mayor", lambda c: ["conflict", "resolve", c.conflict, "--resolution", "x", "--actor", c.mayor1], 7, NOT_ALLOWED, "resolve_conflict"),
    case("conflict-resolve-moderator-too-early", lambda c: ["conflict", "resolve", c.conflict, "--resolution", "x", "--actor", c.mod], 7, NOT_ALLOWED, "Moderation"),
    case("conflict-list-coop-text", lambda c: ["conflict", "list", "--coop", "vier"], 2, "Fehler: Ungültiger Wert für '--coop': 'vier' ist keine ganze Zahl."),
    case("conflict-list-coop-unknown", lambda c: ["conflict", "list", "--coop", 9999], 3, "Kooperation", "9999"),
    # lifecycle, audit, demo
    case("lifecycle-unknown-option", lambda c: ["lifecycle", "--svg"], 2, "Fehler: Unbekannte Option: --svg (Hilfe: ikz lifecycle --help)"),
    case("audit-unknown-subcommand", lambda c: ["audit", "repair"], 2, "Fehler: Unbekannter Befehl 'repair'. (Hilfe: ikz audit --help)"),
    case("demo-into-full-database", lambda c: ["demo"], 1, "enthält schon Daten", "leere Datenbank"),
    case("demo-into-full-database-en", lambda c: ["--lang", "en", "demo"], 1, "already holds data"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "code", "words", "setup"), CASES)
def test_bad_input(
    demo_cli: Cli, world: DemoWorld, args: Args, code: int, words: Any, setup: Any
) -> None:
    run_case(demo_cli, world, args, code, words, setup)


# --- unmet gates: the refusal lists every criterion `coop show` lists --------------------------


def _unmet(cli: Cli, cid: int, trigger: str, lang: str = "de") -> list[dict[str, str]]:
    view = cli.json("--lang", lang, "coop", "show", cid)
    gate = next(g for g in view["gates"] if g["trigger"] == trigger)
    return list(gate["unmet"])


GATED = ("explore", "agree", "start_pilot", "evaluate", "make_permanent")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_unmet_gates_of_the_demo_name_each_criterion(
    demo_cli: Cli, world: DemoWorld, lang: str
) -> None:
    refused = 0
    for coop in world.coops:
        view = demo_cli.json("coop", "show", coop["id"])
        for gate in view["gates"]:
            if gate["trigger"] not in GATED or gate["ready"]:
                continue
            unmet = _unmet(demo_cli, coop["id"], gate["trigger"], lang)
            before = demo_cli.dump()
            res = demo_cli(
                "--lang", lang, "coop", "advance", coop["id"], gate["trigger"],
                "--actor", world.coordinator,
            )  # fmt: skip
            head = "ist noch nicht möglich, es fehlt:" if lang == "de" else "is not possible yet"
            assert_refused(res, 5, (f"({gate['trigger']})", head))
            lines = res.err.strip().splitlines()[1:]
            assert lines == [f"  - [{u['code']}] {u['message']}" for u in unmet], str(res)
            assert demo_cli.dump() == before
            refused += 1
    assert refused >= 3  # the demo has several cooperations waiting at a gate


def test_unmet_explore_gate_lists_three_criteria(demo_cli: Cli, world: DemoWorld) -> None:
    cid = demo_cli.json(
        "coop", "open", "--title", "Allein", "--field", "IT", "--actor", world.coordinator,
        "--partner", str(world.muni["Cottbus"]),
    )["id"]  # fmt: skip
    before = demo_cli.dump()
    res = demo_cli("coop", "advance", cid, "explore", "--actor", world.coordinator)
    assert_refused(
        res,
        5,
        (
            "[min_two_partners] Mindestens zwei Partnerkommunen nötig (bisher 1).",
            "[contact_person_missing] Cottbus: keine feste Ansprechperson benannt.",
            "[informal_exchange_missing] Noch kein informeller Austausch erfasst.",
        ),
    )
    assert len(res.err.strip().splitlines()) == 4
    assert demo_cli.dump() == before


def test_override_does_not_skip_other_criteria(demo_cli: Cli, world: DemoWorld) -> None:
    cid = open_coop(demo_cli, world)
    before = demo_cli.dump()
    res = demo_cli(
        "coop", "advance", cid, "explore", "--override", "pilot_min_duration", "--reason", "x",
        "--actor", world.coordinator,
    )  # fmt: skip
    assert_refused(res, 5, ("informal_exchange_missing",))
    assert demo_cli.dump() == before


# --- the database itself: missing, behind the code, unusable URL ---------------------------------

NEEDS_DB = [
    ["municipality", "list"],
    ["person", "list"],
    ["coop", "list", "--json"],
    ["coop", "show", "1"],
    ["coop", "history", "1"],
    ["coop", "advance", "1", "explore", "--actor", "1"],
    ["coop", "goal", "1", "--text", "x", "--actor", "1"],
    ["coop", "open", "--title", "x", "--field", "y", "--actor", "1"],
    ["person", "add", "--name", "x", "--email", "x@example.org", "--role", "coordinator"],
    ["municipality", "add", "--name", "x", "--ags", "16052000", "--population", "5", "--kind", "stadt"],
    ["conflict", "list"],
    ["conflict", "raise", "1", "--subject", "x", "--actor", "1"],
    ["audit", "verify"],
]  # fmt: skip


@pytest.mark.parametrize("argv", NEEDS_DB, ids=lambda a: "-".join(a[:2]))
def test_nonexistent_database_is_not_created(bare_cli: Cli, argv: list[str]) -> None:
    res = bare_cli(*argv)
    assert_refused(res, 1, ("ikz db upgrade",))
    assert bare_cli.dump() == "<missing>"
    assert not bare_cli.db_path.exists()


@pytest.mark.parametrize("argv", NEEDS_DB[:4], ids=lambda a: "-".join(a[:2]))
def test_database_behind_the_code_is_refused(cli: Cli, argv: list[str]) -> None:
    conn = sqlite3.connect(cli.db_path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0000'")
    conn.close()
    before = cli.dump()
    res = cli(*argv)
    assert_refused(res, 1, ("nicht auf dem aktuellen Stand", "ikz db upgrade"))
    assert cli.dump() == before


def test_empty_database_file_is_refused(bare_cli: Cli) -> None:
    bare_cli.data_dir.mkdir(parents=True)
    bare_cli.db_path.touch()
    before = bare_cli.dump()
    res = bare_cli("--lang", "en", "coop", "list")
    assert_refused(res, 1, ("run `ikz db upgrade` first",))
    assert bare_cli.dump() == before


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("nonsense", ("Datenbank-URL", "nonsense")),
        ("foo://host/db", ("Datenbank-URL", "foo://host/db")),
        ("mysql+nodriver://u@h/db", ("Datenbank-URL",)),
    ],
)
def test_unusable_database_url(
    bare_cli: Cli, monkeypatch: pytest.MonkeyPatch, url: str, words: tuple[str, ...]
) -> None:
    from ikz.settings import get_settings

    monkeypatch.setenv("IKZ_DATABASE_URL", url)
    get_settings.cache_clear()
    for argv in (["db", "upgrade"], ["coop", "list"]):
        assert_refused(bare_cli(*argv), 2, words)


def test_data_dir_that_cannot_be_created(bare_cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from ikz.settings import get_settings

    blocker = bare_cli.data_dir.parent / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("IKZ_DATABASE_URL", f"sqlite:///{blocker / 'sub' / 'ikz.sqlite3'}")
    get_settings.cache_clear()
    for argv in (["db", "upgrade"], ["demo"], ["coop", "list"]):
        res = bare_cli(*argv)
        assert res.code != 0, str(res)
        assert "Traceback" not in res.output, str(res)
        assert res.err.startswith("Fehler: "), str(res)
        assert str(blocker / "sub") in res.err or "a-file" in res.err, str(res)
    assert blocker.read_text() == "not a directory"


def test_unreachable_database_server(bare_cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from ikz.settings import get_settings

    # Nothing listens on port 1: the connection is refused at once.
    monkeypatch.setenv("IKZ_DATABASE_URL", "postgresql://ikz:geheim@127.0.0.1:1/ikz")
    get_settings.cache_clear()
    for argv in (["db", "upgrade"], ["coop", "list"], ["demo", "--if-empty"]):
        res = bare_cli(*argv)
        assert_refused(res, 1, ("Datenbank nicht erreichbar",))
        assert "db upgrade" not in res.err  # not mistaken for an old schema
        assert "geheim" not in res.err


def test_database_path_is_a_directory(bare_cli: Cli) -> None:
    bare_cli.db_path.mkdir(parents=True)
    for argv in (["db", "upgrade"], ["coop", "list"]):
        res = bare_cli(*argv)
        assert res.code != 0, str(res)
        assert "Traceback" not in res.output, str(res)
        assert res.err.startswith("Fehler: "), str(res)
        assert len(res.err.strip().splitlines()) == 1, str(res)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("IKZ_PILOT_MIN_DAYS", "-1", ("IKZ_PILOT_MIN_DAYS",)),
        ("IKZ_PILOT_MIN_DAYS", "neunzig", ("IKZ_PILOT_MIN_DAYS",)),
        ("IKZ_LANGUAGE", "fr", ("IKZ_LANGUAGE",)),
        ("IKZ_SIZE_RATIO_WARN", "0.5", ("IKZ_SIZE_RATIO_WARN",)),
    ],
)
def test_bad_setting_in_the_environment(
    demo_cli: Cli, monkeypatch: pytest.MonkeyPatch, name: str, value: str, words: tuple[str, ...]
) -> None:
    from ikz.settings import get_settings

    monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    before = demo_cli.dump()
    res = demo_cli("coop", "list")
    assert res.code != 0, str(res)
    assert "Traceback" not in res.output, str(res)
    assert res.out == ""
    assert res.err.startswith("Fehler: "), str(res)
    for word in words:
        assert word in res.err, str(res)
    assert demo_cli.dump() == before


# --- audit verify on a tampered trail ------------------------------------------------------------


def test_audit_verify_reports_a_tampered_record(demo_cli: Cli, world: DemoWorld) -> None:
    cid = world.coop_in("pilot")
    rec = demo_cli.json("coop", "history", cid)[1]
    conn = sqlite3.connect(demo_cli.db_path)
    with conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        table = next(t for t in tables if "transition" in t or "audit" in t)
        conn.execute(f"UPDATE {table} SET reason = 'geändert' WHERE id = ?", (rec["id"],))
    conn.close()
    before = demo_cli.dump()
    res = demo_cli("audit", "verify")
    assert_refused(
        res,
        1,
        ("Prüfpfad gebrochen", f"Eintrag {rec['id']}", f"Kooperation {cid}", "Hash passt nicht"),
    )
    en = demo_cli("--lang", "en", "audit", "verify")
    assert_refused(en, 1, ("Audit chain broken", f"record {rec['id']}"))
    assert demo_cli.dump() == before
