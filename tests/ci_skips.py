"""Under CI a skipped test is a failed test.

A test skips when something it needs is missing (Chromium, psycopg, a server): on a
developer's machine that is a useful hint, on CI it is a part of the product that went
untested while the run stayed green. So when CI is set (CI=true, as CI services and
`.ci/run` set it), every skip (`pytest.skip`, `pytest.importorskip`, `skipif`, a skipped
module) is reported as a failure that names the reason. xfail is left alone: it is a
declared expectation, not something missing.

Its own module, imported by tests/conftest.py, so that its test can load the same hooks
into a `pytester` sandbox.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

TRUTHY = {"1", "true", "yes", "on"}


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in TRUTHY


def _reason(longrepr: object) -> str:
    # A skip's longrepr is (path, lineno, "Skipped: <reason>").
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        path, lineno, text = longrepr
        return f"{text} ({path}:{int(lineno) + 1})"
    return str(longrepr)


def _message(what: str, longrepr: object) -> str:
    return (
        f"{what} was skipped under CI (CI={os.environ.get('CI')}): {_reason(longrepr)}. "
        "On CI a skip means an untested part; install what it needs or remove the skip."
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.skipped and not hasattr(report, "wasxfail") and under_ci():
        report.longrepr = _message(item.nodeid, report.longrepr)
        report.outcome = "failed"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    report = yield
    if report.skipped and under_ci():
        report.longrepr = _message(collector.nodeid or "the collection", report.longrepr)
        report.outcome = "failed"
    return report
