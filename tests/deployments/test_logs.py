"""The quiet terminal's logging configuration (deployments/logs.py) and the lines an
action's run marks for it (flows/outcome.py), without a server."""

from __future__ import annotations

import json
import logging
import logging.config
from pathlib import Path

from deployments import logs
from flows import outcome
from ikz.registry import ACTIONS


def record(level: int, marked: bool) -> logging.LogRecord:
    rec = logging.LogRecord("prefect.flow_runs", level, __file__, 1, "x", None, None)
    if marked:
        setattr(rec, outcome.TERMINAL, True)
    return rec


def test_the_terminal_shows_problems_and_marked_lines_only() -> None:
    keep = logs.TerminalFilter()
    assert outcome.TERMINAL == logs.TERMINAL
    assert keep.filter(record(logging.WARNING, False)) is True
    assert keep.filter(record(logging.ERROR, False)) is True
    assert keep.filter(record(logging.INFO, True)) is True
    assert keep.filter(record(logging.INFO, False)) is False
    assert keep.filter(record(logging.DEBUG, False)) is False


def test_the_configuration_keeps_prefect_s_handlers_and_adds_the_file(tmp_path: Path) -> None:
    config_path, log_path = logs.write_logging_config(tmp_path)
    assert (config_path, log_path) == (
        tmp_path / "logs" / "logging.yml",
        tmp_path / "logs" / "ikz-up.log",
    )
    config = json.loads(config_path.read_text())
    assert config["handlers"]["console"]["filters"] == ["ikz_terminal"]
    assert config["handlers"]["ikz_file"]["filename"] == str(log_path)
    assert config["handlers"]["api"]["class"] == "prefect.logging.handlers.APILogHandler"
    assert config["root"]["handlers"] == ["console", "ikz_file"]
    assert config["loggers"]["uvicorn"]["handlers"] == ["console", "ikz_file"]
    assert config["loggers"]["prefect.flow_runs"]["handlers"] == ["api"]


def test_one_line_joins_a_gate_s_missing_criteria() -> None:
    text = "'agree' ist noch nicht möglich, es fehlt:\n  - [a] Erstens.\n  - [b] Zweitens."
    assert outcome.one_line(text) == (
        "'agree' ist noch nicht möglich, es fehlt: [a] Erstens.; [b] Zweitens."
    )
    assert outcome.one_line("Eine Zeile.") == "Eine Zeile."


def test_the_summary_line_says_who_what_and_the_result() -> None:
    assert outcome.summary_line(
        who="Dr. Miriam Kessler",
        label="Lebenszyklus-Schritt anwenden",
        title="Digitalstrategie Jena-Weimar",
        changed="Informeller Kontakt → Pausiert (Version 3)",
        sent=5,
        link="http://127.0.0.1:4200/seite/kooperation/3",
    ) == (
        "Dr. Miriam Kessler, Lebenszyklus-Schritt anwenden: Digitalstrategie Jena-Weimar: "
        "Informeller Kontakt → Pausiert (Version 3), 5 E-Mails versandt – "
        "http://127.0.0.1:4200/seite/kooperation/3"
    )
    assert outcome.summary_line(
        who="Kora", label="Kommune registrieren", title=None, changed="Kommune erfasst (ID 4)",
        sent=1, link=None,
    ) == "Kora, Kommune registrieren: Kommune erfasst (ID 4), 1 E-Mail versandt"  # fmt: skip


def test_what_changed_names_the_states_and_reuses_the_done_text() -> None:
    advance = next(a for a in ACTIONS if a.name == "advance-cooperation")
    fields = {
        "cooperation_id": 3, "from_state": "agreement", "to_state": "pilot", "version": 7,
        "replayed": False, "follow_up_id": None,
    }  # fmt: skip
    assert outcome.what_changed(advance, None, fields) == "Vereinbarung → Pilotphase (Version 7)"
    goal = next(a for a in ACTIONS if a.name == "record-goal")
    assert outcome.what_changed(goal, None, {"id": 12}) == "Ziel erfasst (ID 12)"
    opened = next(a for a in ACTIONS if a.name == "open-cooperation")
    assert outcome.cooperation_ids(opened, {"id": 9, "title": "X"}) == [9]
    assert outcome.cooperation_ids(advance, {**fields, "follow_up_id": 11}) == [3, 11]
