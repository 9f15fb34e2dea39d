"""The benchmarks keep running and keep reporting what issue 5 asks for, at toy sizes.

Timings are not asserted (they belong to `python -m benchmarks`); what is asserted is that
each suite measures the real path and reports a value beside a same-run baseline.
"""

from __future__ import annotations

import json
import math

import pytest

from benchmarks import machine, sweep, transitions
from benchmarks.__main__ import NAMES, main
from benchmarks.common import Figure

pytestmark = pytest.mark.slow


def _check(figures: list[Figure], names: list[str]) -> dict[str, Figure]:
    by_name = {f.name: f for f in figures}
    assert list(by_name) == names
    for f in figures:
        assert math.isfinite(f.value) and f.value > 0, f
        assert f.baseline is not None and f.baseline > 0, f
        record = f.record()
        assert set(record) >= {"name", "value", "unit", "baseline", "ratio"}
        assert record["ratio"] == pytest.approx(f.value / f.baseline, abs=1e-3)
    return by_name


def test_transitions_suite_reports_rate_ratio_and_gated_rate() -> None:
    figures = _check(transitions.sqlite_figures(40), NAMES["transitions"])
    assert figures["transition_ratio_sqlite"].value > 1  # a transition does more than a commit
    assert figures["transition_ratio_sqlite_gated"].value > 1
    assert "CPU" in figures["transition_ratio_sqlite"].note  # CPU time beside wall time


def test_machine_suite_measures_the_three_yardsticks() -> None:
    figures = {f.name: f for f in machine.figures(quick=True)}
    assert list(figures) == NAMES["machine"]
    for f in figures.values():
        assert math.isfinite(f.value) and f.value > 0, f
        assert f.baseline is None  # the yardsticks are what other figures are read against
    # A cold interpreter takes milliseconds, not microseconds or minutes.
    assert 0.001 < figures["machine_python_start_s"].value < 30


def test_sweep_suite_sweeps_generated_portfolios_in_fresh_processes() -> None:
    figures = _check(sweep.figures((100, 200, 400)), NAMES["sweep"])
    # The note carries the sweep's own counts: it found cooperations and queued mails.
    note = figures["sweep_100k_seconds"].note
    assert "active" in note and "mails queued" in note
    assert not note.startswith("0 active")


def test_main_prints_json_records_and_a_failed_suite_as_null(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(n: int) -> list[Figure]:
        raise RuntimeError("kaputt")

    monkeypatch.setattr(transitions, "sqlite_figures", broken)
    assert main(["--json", "--quick", "--only", "transitions"]) == 0
    records = json.loads(capsys.readouterr().out)
    # The machine's yardsticks come first in every run, --only or not.
    assert [r["name"] for r in records] == NAMES["machine"] + NAMES["transitions"]
    machine_rows, failed = records[:3], records[3:]
    assert all(r["value"] is not None and r["value"] > 0 for r in machine_rows)
    assert all(r["value"] is None and "kaputt" in r["note"] for r in failed)


def test_import_times_add_each_module_to_its_top_level_package() -> None:
    import sys

    from benchmarks.latency import import_times

    note = import_times([sys.executable, "-X", "importtime", "-c", "import json.decoder"], {})
    parts = dict(p.rsplit(" ", 2)[:2] for p in note.split(", "))
    # json and json.decoder are one package; the header line is no package.
    assert "json" in parts and "json.decoder" not in parts and "self" not in parts
    assert list(parts)[-2:] == ["other", "all"]
    assert sum(int(v) for k, v in parts.items() if k != "all") == pytest.approx(
        int(parts["all"]), abs=len(parts)
    )


def test_run_cpu_counts_the_cpu_of_a_process_tree_by_group() -> None:
    import os
    import signal
    import subprocess
    import sys

    from benchmarks.run_cpu import tree_cpu

    # A parent that burns CPU in a child it has reaped (counted in the parent's children
    # time), and a live child named like the forkserver (the name joined at run time, so
    # that the parent's own command line does not carry it): both belong to the tree.
    script = (
        "import subprocess, sys, time\n"
        "subprocess.run([sys.executable, '-c', 'sum(range(3_000_000))'])\n"
        "name = 'fork' + 'server'\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', name])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    root = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert root.stdout is not None
    child = int(root.stdout.readline())
    try:
        found = tree_cpu(root.pid)
        alone = tree_cpu(child)
    finally:
        os.kill(child, signal.SIGKILL)
        root.kill()
        root.wait()
    assert set(found) == {"other", "forkserver"}
    assert found["other"] > 0  # the parent's and the reaped child's CPU
    assert set(alone) == {"forkserver"}  # a subtree: the parent is not counted
