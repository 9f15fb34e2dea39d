"""A bad IKZ_* setting is refused at start with one line naming the variable: on the CLI,
by `ikz up` before it starts a server, and by a flow run (the same line as its failure).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ikz.settings import BadSettingError, Settings, get_settings, load_settings
from states.health import HealthRules
from tests.cli.helpers import Cli, point_settings_at

# (variable, value, words the one line must hold)
BAD = [
    ("IKZ_HEALTH", "{bad", ("IKZ_HEALTH", "kein gültiges JSON")),
    ("IKZ_HEALTH", "", ("IKZ_HEALTH", "kein gültiges JSON")),
    ("IKZ_HEALTH", "[1]", ("IKZ_HEALTH", "dictionary")),
    ("IKZ_HEALTH", '{"yellow_to_red": -5}', ("IKZ_HEALTH", "yellow_to_red: -5 is outside 0..8")),
    ("IKZ_HEALTH", '{"silence_red_days": -1}', ("IKZ_HEALTH", "silence_red_days: -1")),
    ("IKZ_HEALTH", '{"silence_red_days": 0}', ("IKZ_HEALTH", "silence_red_days: 0")),
    ("IKZ_HEALTH", '{"silence_red_days": "x"}', ("IKZ_HEALTH (silence_red_days)", "integer")),
    ("IKZ_HEALTH", '{"mayor_attendance_warn": 1.5}', ("IKZ_HEALTH", "mayor_attendance_warn")),
    ("IKZ_HEALTH", '{"agreement_warn_days": 300}', ("IKZ_HEALTH", "agreement_warn_days (300) is above agreement_red_days")),
    ("IKZ_HEALTH", '{"ledger_min_decisions": 5, "ledger_red_decisions": 3}', ("IKZ_HEALTH", "ledger_min_decisions (5) is above")),
    ("IKZ_HEALTH", '{"silence_red_dayz": 9}', ("IKZ_HEALTH", "unknown key(s) ['silence_red_dayz']")),
    ("IKZ_REVIEW_CADENCE_DAYS", "{bad", ("IKZ_REVIEW_CADENCE_DAYS", "kein gültiges JSON")),
    ("IKZ_REVIEW_CADENCE_DAYS", "", ("IKZ_REVIEW_CADENCE_DAYS", "kein gültiges JSON")),
    ("IKZ_REVIEW_CADENCE_DAYS", '{"pilot": -1}', ("IKZ_REVIEW_CADENCE_DAYS", "days must be 1..10000: {'pilot': -1}")),
    ("IKZ_REVIEW_CADENCE_DAYS", '{"pilot": 0}', ("IKZ_REVIEW_CADENCE_DAYS", "{'pilot': 0}")),
    ("IKZ_REVIEW_CADENCE_DAYS", '{"pilott": 3}', ("IKZ_REVIEW_CADENCE_DAYS", "unknown lifecycle state(s) ['pilott']")),
    ("IKZ_REVIEW_CADENCE_DAYS", '{"ended": 3}', ("IKZ_REVIEW_CADENCE_DAYS", "['ended']")),
    ("IKZ_REVIEW_CADENCE_DAYS", '{"pilot": "a\\nb"}', ("IKZ_REVIEW_CADENCE_DAYS (pilot)", "integer")),
    ("IKZ_CONFLICT_DEADLINE_DAYS", "{bad", ("IKZ_CONFLICT_DEADLINE_DAYS", "kein gültiges JSON")),
    ("IKZ_CONFLICT_DEADLINE_DAYS", "7", ("IKZ_CONFLICT_DEADLINE_DAYS", "dictionary")),
    ("IKZ_CONFLICT_DEADLINE_DAYS", '{"mayors": -3}', ("IKZ_CONFLICT_DEADLINE_DAYS", "{'mayors': -3}")),
    ("IKZ_CONFLICT_DEADLINE_DAYS", '{"mayor": 3}', ("IKZ_CONFLICT_DEADLINE_DAYS", "unknown conflict level(s) ['mayor']")),
    ("IKZ_SILENCE_WARN_DAYS", "99999", ("IKZ_SILENCE_WARN_DAYS", "10000")),
    ("IKZ_PILOT_MIN_DAYS", "-1", ("IKZ_PILOT_MIN_DAYS", "greater than or equal to 0")),
    ("IKZ_FUNDING_PROOF_REMINDER_DAYS", "400", ("IKZ_FUNDING_PROOF_REMINDER_DAYS", "less than or equal to 365")),
    ("IKZ_FOUNDING_REMINDER_WORKING_DAYS", "-1", ("IKZ_FOUNDING_REMINDER_WORKING_DAYS", "greater than or equal to 0")),
    ("IKZ_RUNNER_LIMIT", "0", ("IKZ_RUNNER_LIMIT", "greater than or equal to 1")),
    ("IKZ_PREFECT_DATABASE_URL", "postgresql://x/y", ("IKZ_PREFECT_DATABASE_URL", "must start with postgresql+asyncpg:// or sqlite+aiosqlite:///")),
    ("IKZ_PREFECT_DATABASE_URL", "sqlite:///p.db", ("IKZ_PREFECT_DATABASE_URL", "must start with")),
]  # fmt: skip
IDS = [f"{name}={value!r}" for name, value, _ in BAD]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    point_settings_at(monkeypatch, tmp_path / "data")
    yield monkeypatch
    get_settings.cache_clear()


@pytest.mark.parametrize(("name", "value", "words"), BAD, ids=IDS)
def test_the_cli_refuses_a_bad_setting_in_one_line(
    env: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str, words: tuple[str, ...]
) -> None:
    env.setenv(name, value)
    get_settings.cache_clear()
    cli = Cli(tmp_path / "data", tmp_path / "data" / "ikz.sqlite3")
    res = cli("coop", "list")
    assert res.code == 1, str(res)
    assert res.out == "", str(res)
    assert res.err.startswith("Fehler: Ungültige Einstellung: "), str(res)
    assert len(res.err.strip().splitlines()) == 1, str(res)
    for word in words:
        assert word in res.err, str(res)
    assert not (tmp_path / "data" / "ikz.sqlite3").exists()


@pytest.mark.parametrize(("name", "value", "words"), BAD[:3] + BAD[11:12], ids=IDS[:3] + IDS[11:12])
def test_ikz_up_refuses_a_bad_setting_before_starting_anything(
    env: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str, words: tuple[str, ...]
) -> None:
    env.setenv(name, value)
    get_settings.cache_clear()
    res = Cli(tmp_path / "data", tmp_path / "data" / "ikz.sqlite3")("up")
    assert res.code == 1, str(res)
    assert len(res.err.strip().splitlines()) == 1, str(res)
    assert res.err.startswith(f"Fehler: Ungültige Einstellung: {name}"), str(res)
    # No Prefect home, no database: nothing was started.
    assert not (tmp_path / "data").exists()


def test_up_itself_checks_the_environment_first(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from deployments.stack import up

    settings = Settings(data_dir=tmp_path / "data")  # good, but the environment is not
    env.setenv("IKZ_HEALTH", "{bad")
    with pytest.raises(BadSettingError) as caught:
        up(settings, port=1)
    assert caught.value.text() == (
        "Ungültige Einstellung: IKZ_HEALTH: kein gültiges JSON (Expecting property name "
        "enclosed in double quotes: line 1 column 2 (char 1))"
    )
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(("name", "value", "words"), BAD[:2] + BAD[13:14], ids=IDS[:2] + IDS[13:14])
def test_a_flow_run_fails_with_the_same_line(
    env: pytest.MonkeyPatch, name: str, value: str, words: tuple[str, ...]
) -> None:
    from flows.common import ActionFailed, run_action
    from ikz.actions.directory import register_municipality
    from models.commands import RegisterMunicipality

    env.setenv(name, value)
    get_settings.cache_clear()
    data = {"name": "Jena", "ags": "16053000", "population": 110000, "kind": "stadt"}
    with pytest.raises(ActionFailed) as caught:
        run_action(register_municipality, RegisterMunicipality, data)
    message = str(caught.value)
    assert message.startswith(f"Ungültige Einstellung: {name}"), message
    assert "\n" not in message
    for word in words:
        assert word in message


def test_good_settings_are_taken(env: pytest.MonkeyPatch) -> None:
    env.setenv("IKZ_HEALTH", '{"yellow_to_red": 0, "agreement_warn_days": 240}')
    env.setenv("IKZ_REVIEW_CADENCE_DAYS", '{"pilot": 1, "paused": 10000}')
    env.setenv("IKZ_CONFLICT_DEADLINE_DAYS", '{"mayors": 1}')
    env.setenv("IKZ_RUNNER_LIMIT", "6")
    s = load_settings()
    assert s.runner_limit == 6
    assert (s.health.yellow_to_red, s.health.agreement_warn_days) == (0, 240)
    assert s.review_cadence_days == {"pilot": 1, "paused": 10000}
    assert s.conflict_deadline_days["mayors"] == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"exchange_window_days": 0}, "exchange_window_days: 0 is outside 1..10000"),
        ({"size_ratio_warn": 1.0}, "size_ratio_warn: 1.0 is outside 1.000001..1000000"),
        ({"mayor_attendance_warn": 0.0}, "mayor_attendance_warn: 0.0 is outside 1e-06..1"),
        ({"yellow_to_red": 9}, "yellow_to_red: 9 is outside 0..8"),
        ({"conflict_red_days": 10_001}, "conflict_red_days: 10001 is outside 1..10000"),
        ({"agreement_red_days": 100}, "agreement_warn_days (120) is above agreement_red_days"),
    ],
)
def test_health_rules_refuse_out_of_range_thresholds(
    overrides: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        HealthRules(**overrides)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_health_rules_take_their_edges() -> None:
    rules = HealthRules(
        exchange_window_days=1,
        yellow_to_red=8,
        mayor_attendance_warn=1,
        agreement_warn_days=240,
        ledger_min_decisions=4,
    )
    assert (rules.exchange_window_days, rules.yellow_to_red) == (1, 8)
