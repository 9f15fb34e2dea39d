"""Advisory signals: size similarity and silence since the last informal exchange."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from states.lifecycle import State
from states.signals import (
    Signal,
    SignalRules,
    advisory_signals,
    days_since_informal,
    size_ratio,
)
from states.snapshot import CooperationSnapshot, MeetingSnap, PartnerSnap

NOW = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
TODAY = NOW.date()


def partner(mid: int, population: int) -> PartnerSnap:
    return PartnerSnap(mid, f"Kommune {mid}", population, None, None, None, None)


def snap(
    populations: tuple[int, ...] = (), meetings: tuple[MeetingSnap, ...] = ()
) -> CooperationSnapshot:
    return CooperationSnapshot(
        id=1,
        title="T",
        state=State.EXPLORATION,
        version=1,
        paused_from=None,
        coordinator_id=None,
        partners=tuple(partner(i + 1, p) for i, p in enumerate(populations)),
        meetings=meetings,
    )


def by_code(signals: list[Signal]) -> dict[str, Signal]:
    codes = [s.message.code for s in signals]
    assert len(codes) == len(set(codes))
    return {s.message.code: s for s in signals}


@pytest.mark.parametrize(
    ("populations", "ratio", "level"),
    [
        ((1000, 1000), 1.0, "ok"),
        ((65_600, 110_700), 110_700 / 65_600, "ok"),
        ((1000, 3000), 3.0, "ok"),  # at the threshold: still ok
        ((1000, 3001), 3.001, "warn"),
        ((214_000, 5_000, 60_000), 42.8, "warn"),  # max over min, not neighbours
        ((3000, 1000), 3.0, "ok"),  # order does not matter
    ],
)
def test_size_ratio_ok_and_warn(populations: tuple[int, ...], ratio: float, level: str) -> None:
    s = snap(populations)
    assert size_ratio(s) == pytest.approx(ratio)
    sig = by_code(advisory_signals(s, NOW))["size_ratio"]
    assert sig.level == level
    assert f"{ratio:.1f} : 1" in sig.message.de
    assert f"{ratio:.1f} : 1" in sig.message.en
    assert sig.message.de != sig.message.en


@pytest.mark.parametrize("populations", [(), (5000,), (5000, 0)])
def test_no_size_signal_without_two_populations(populations: tuple[int, ...]) -> None:
    s = snap(populations)
    assert size_ratio(s) is None
    assert "size_ratio" not in by_code(advisory_signals(s, NOW))


def test_size_ratio_threshold_comes_from_rules() -> None:
    s = snap((1000, 2500))
    assert by_code(advisory_signals(s, NOW))["size_ratio"].level == "ok"
    strict = SignalRules(size_ratio_warn=2.0)
    assert by_code(advisory_signals(s, NOW, strict))["size_ratio"].level == "warn"


@pytest.mark.parametrize(
    ("days_ago", "level"),
    [(0, "ok"), (1, "ok"), (59, "ok"), (60, "ok"), (61, "warn"), (400, "warn")],
)
@pytest.mark.parametrize("kind", ["informal", "retreat"])
def test_silence_ok_and_warn(days_ago: int, level: str, kind: str) -> None:
    s = snap(meetings=(MeetingSnap(kind, TODAY - timedelta(days=days_ago)),))
    assert days_since_informal(s, NOW) == days_ago
    sig = by_code(advisory_signals(s, NOW))["days_since_informal"]
    assert sig.level == level
    assert str(days_ago) in sig.message.de and str(days_ago) in sig.message.en
    assert sig.message.de != sig.message.en


def test_silence_counts_from_the_latest_informal_exchange() -> None:
    s = snap(
        meetings=(
            MeetingSnap("informal", TODAY - timedelta(days=200)),
            MeetingSnap("retreat", TODAY - timedelta(days=10)),
            MeetingSnap("informal", TODAY - timedelta(days=90)),
            # formal meetings are not informal exchange, however recent
            MeetingSnap("steering_round", TODAY),
            MeetingSnap("info_event", TODAY),
        )
    )
    assert days_since_informal(s, NOW) == 10
    assert by_code(advisory_signals(s, NOW))["days_since_informal"].level == "ok"


def test_only_formal_meetings_mean_no_informal_exchange() -> None:
    s = snap(meetings=(MeetingSnap("steering_round", TODAY),))
    assert days_since_informal(s, NOW) is None
    signals = by_code(advisory_signals(s, NOW))
    assert "days_since_informal" not in signals
    sig = signals["no_informal_exchange"]
    assert sig.level == "warn"
    assert sig.message.de and sig.message.en and sig.message.de != sig.message.en


def test_silence_threshold_comes_from_rules() -> None:
    s = snap(meetings=(MeetingSnap("informal", TODAY - timedelta(days=20)),))
    assert (
        by_code(advisory_signals(s, NOW, SignalRules(silence_warn_days=14)))[
            "days_since_informal"
        ].level
        == "warn"
    )
    assert (
        by_code(advisory_signals(s, NOW, SignalRules(silence_warn_days=20)))[
            "days_since_informal"
        ].level
        == "ok"
    )


def test_calendar_days_not_hours() -> None:
    late = datetime(2026, 6, 2, 0, 5, tzinfo=UTC)  # 35 minutes after NOW, next calendar day
    s = snap(meetings=(MeetingSnap("informal", date(2026, 6, 1)),))
    assert days_since_informal(s, NOW) == 0
    assert days_since_informal(s, late) == 1


def test_signals_never_contain_anything_but_ok_or_warn() -> None:
    s = snap((1000, 9000), (MeetingSnap("retreat", TODAY - timedelta(days=3)),))
    signals = advisory_signals(s, NOW)
    assert [x.message.code for x in signals] == ["size_ratio", "days_since_informal"]
    assert [x.level for x in signals] == ["warn", "ok"]
