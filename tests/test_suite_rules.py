"""The suite's own rules. The CI rule of tests/ci_skips.py, run on small suites in a
`pytester` sandbox: a skip fails the run when CI=true and stays a skip without it. And
Hypothesis keeps its files out of the checkout (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import storage_directory
from hypothesis.database import DirectoryBasedExampleDatabase

from tests.ci_skips import under_ci

CHECKOUT = Path(__file__).resolve().parent.parent

SKIPS = """
import pytest

def test_calls_skip():
    pytest.skip("no chromium here")

@pytest.mark.skipif(True, reason="psycopg missing")
def test_marked_skipif():
    pass

def test_imports_or_skips():
    pytest.importorskip("no_such_module_for_ikz_tests")

@pytest.fixture
def server():
    pytest.skip("no server in the fixture")

def test_skips_in_a_fixture(server):
    pass

@pytest.mark.xfail(reason="declared", strict=True)
def test_declared_xfail():
    assert False

def test_passes():
    pass
"""

MODULE_SKIP = """
import pytest

pytest.importorskip("no_such_module_for_ikz_tests")

def test_never_collected():
    pass
"""


def run(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    pytester.makeconftest(
        "from tests.ci_skips import pytest_make_collect_report, pytest_runtest_makereport"
    )
    pytester.makepyfile(test_sample=source)
    return pytester.runpytest("-p", "no:cacheprovider", "-rA")


@pytest.mark.parametrize("ci", ["true", "1", "TRUE"])
def test_every_kind_of_skip_fails_under_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("CI", ci)
    result = run(pytester, SKIPS)
    # A skip in the call fails the test; one in its setup (skipif, a fixture) errors it.
    result.assert_outcomes(passed=1, failed=2, errors=2, xfailed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    out = result.stdout.str()
    for name, reason in [
        ("test_calls_skip", "no chromium here"),
        ("test_marked_skipif", "psycopg missing"),
        ("test_imports_or_skips", "could not import 'no_such_module_for_ikz_tests'"),
        ("test_skips_in_a_fixture", "no server in the fixture"),
    ]:
        assert f"test_sample.py::{name} was skipped under CI (CI={ci}): " in out
        assert reason in out
    assert "On CI a skip means an untested part" in out


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_a_skip_stays_a_skip_without_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    result = run(pytester, SKIPS)
    result.assert_outcomes(passed=1, skipped=4, xfailed=1)
    assert result.ret == pytest.ExitCode.OK
    assert "skipped under CI" not in result.stdout.str()


def test_a_skipped_module_fails_the_collection_under_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    result = run(pytester, MODULE_SKIP)
    result.assert_outcomes(errors=1)
    assert result.ret != pytest.ExitCode.OK
    assert "test_sample.py was skipped under CI (CI=true): " in result.stdout.str()


def test_a_skipped_module_is_a_skip_without_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    result = run(pytester, MODULE_SKIP)
    result.assert_outcomes(skipped=1)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_hypothesis_writes_nothing_into_the_checkout() -> None:
    home = storage_directory("constants", intent_to_write=False).path
    assert not home.resolve().is_relative_to(CHECKOUT), home
    db = settings.default.database
    if under_ci():
        assert db is None
    else:
        assert isinstance(db, DirectoryBasedExampleDatabase)
        assert not Path(db.path).resolve().is_relative_to(CHECKOUT), db.path
