"""The coordinator's day in real Chromium against `ikz up`: the portfolio and a
cooperation's page (the lifecycle a picture, lights in words, no raw Mermaid, no
traceback), an action run through its form by names and German labels with its summary
line in the run's log, and a refused step with its one-line German reason.

Each step takes a screenshot when it fails, kept in the test's temporary folder
(pytest keeps the folders of the last three runs)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from states.lifecycle import TRIGGER_LABELS, Trigger
from tests.e2e.conftest import Stack, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

# What no page a person sees may show: Mermaid's source, a Python traceback.
NOISE = re.compile(r"stateDiagram|graph (TD|LR)|```mermaid|Traceback \(most recent call last\)")


class Walk:
    """A logged-in coordinator's browser tab that photographs a failed step."""

    def __init__(self, page: Any, shots: Path) -> None:
        self.page = page
        self.shots = shots
        self.n = 0

    @contextmanager
    def step(self, name: str) -> Iterator[Any]:
        self.n += 1
        try:
            yield self.page
        except BaseException:
            self.shots.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(self.shots / f"{self.n:02d}-{name}.png"), full_page=True)
            raise

    def text(self) -> str:
        return str(self.page.locator("body").inner_text())


@pytest.fixture
def walk(stack: Stack, browser: Any, tmp_path: Path) -> Iterator[Walk]:
    ctx = browser.new_context(locale="de-DE", viewport={"width": 1400, "height": 1000})
    try:
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        page.goto(stack.fresh_login_link())
        page.wait_for_load_state("networkidle")
        yield Walk(page, tmp_path / "screenshots")
    finally:
        ctx.close()


def _blocked_step(stack: Stack) -> tuple[dict[str, Any], Trigger, str]:
    """A demo cooperation with a gated step whose gate is not met, and the first reason."""
    for coop in stack.ikz_json("coop", "list"):
        shown = stack.ikz_json("coop", "show", str(coop["id"]))
        for option in shown["gates"]:
            if option.get("gated") and not option.get("ready") and option.get("unmet"):
                return coop, Trigger(option["trigger"]), option["unmet"][0]["message"]
    raise AssertionError("the demo has no cooperation with an unmet gate")


def _logged(stack: Stack, run_id: str, words: str) -> None:
    """Wait until the run's log holds `words` (a run's last lines reach the server with
    its process ending, after its final state)."""
    wait_for(lambda: any(words in line for line in stack.logs(run_id)), 90, repr(words))
    time.sleep(2)


def test_the_coordinators_day_in_the_browser(stack: Stack, walk: Walk) -> None:
    root = stack.api.removesuffix("/api")
    coops = stack.ikz_json("coop", "list")
    coop = next(c for c in coops if c["state"] == "pilot")

    with walk.step("portfolio") as page:
        page.goto(f"{root}/seite/portfolio")
        page.wait_for_url(re.compile(r".*/artifacts/artifact/.*"))
        page.get_by_text(coop["title"]).first.wait_for()
        body = walk.text()
        assert "Erfolgsfaktoren" in body and "Nächster Schritt" in body
        assert re.search(r"\b(grün|gelb|rot)\b", body)
        assert not NOISE.search(body)

    with walk.step("cooperation-page") as page:
        page.goto(f"{root}/seite/kooperation/{coop['id']}")
        page.wait_for_url(re.compile(r".*/artifacts/artifact/.*"))
        page.get_by_text(coop["title"]).first.wait_for()
        picture = page.locator('img[src^="data:image/svg+xml"]')
        picture.first.wait_for()
        assert picture.count() >= 1
        assert not NOISE.search(walk.text())

    goal = "Ziel aus dem Browser: Bauhof gemeinsam disponieren"
    with walk.step("form-by-name") as page:
        dep = stack.deployment_id("record-goal")
        page.goto(f"{root}/v2/deployments/deployment/{dep}/run")
        # A unique part of the title, not an id; nobody is asked who acts.
        page.get_by_label("Kooperation", exact=True).fill(coop["title"][:-3])
        page.get_by_label("Ziel", exact=True).fill(goal)
        assert page.get_by_text("Handelnde Person").count() == 0
        page.get_by_role("button", name="Submit").click()
        page.wait_for_url(re.compile(r".*/deployments/deployment/.*tab=Runs.*"))

    def run_with(deployment: str, key: str, value: str) -> dict[str, Any] | None:
        for fr in stack.runs_of(deployment):
            if fr["parameters"]["eingabe"].get(key) == value:
                return fr
        return None

    with walk.step("summary-line") as page:
        run = wait_for(lambda: run_with("record-goal", "text", goal), 90, "the form's run")
        done = stack.wait_state(run["id"], {"COMPLETED", "FAILED", "CRASHED"})
        assert done["state"]["type"] == "COMPLETED", done["state"]
        _logged(stack, run["id"], " – http")  # the page shows a finished run's logs once
        page.goto(f"{root}/v2/runs/flow-run/{run['id']}")
        line = page.get_by_text(re.compile(rf"{re.escape(coop['title'])}: .*Ziel"))
        line.first.wait_for()
        assert f"/seite/kooperation/{coop['id']}" in walk.text()
        assert not NOISE.search(walk.text())

    blocked, trigger, reason = _blocked_step(stack)
    with walk.step("refused-step") as page:
        dep = stack.deployment_id("advance-cooperation")
        page.goto(f"{root}/v2/deployments/deployment/{dep}/run")
        page.get_by_label("Kooperation", exact=True).fill(blocked["title"])
        page.get_by_label("Select Schritt").click()
        page.get_by_role("option", name=TRIGGER_LABELS[trigger][0], exact=True).click()
        page.get_by_label("Begründung").fill("Versuch aus dem Browser")
        page.get_by_role("button", name="Submit").click()
        page.wait_for_url(re.compile(r".*/deployments/deployment/.*tab=Runs.*"))
        run = wait_for(
            lambda: run_with("advance-cooperation", "reason", "Versuch aus dem Browser"),
            90,
            "the refused run",
        )
        done = stack.wait_state(run["id"], {"COMPLETED", "FAILED", "CRASHED"})
        assert done["state"]["type"] == "FAILED"
        message = done["state"]["message"]
        assert "\n" not in message and reason.rstrip(".") in message
        _logged(stack, run["id"], "Finished in state")
        page.goto(f"{root}/v2/runs/flow-run/{run['id']}")
        page.get_by_text("abgelehnt:").first.wait_for()
        assert not NOISE.search(walk.text())
