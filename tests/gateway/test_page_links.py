"""Stable page links (`/seite/...`, ikz.gateway.page_links): behind the login, a
redirect to the newest version of the page's artifact, or a German page saying there
is none; on a real Prefect server behind the real gateway."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from ikz.gateway import identity as ident
from ikz.gateway.page_links import cooperation_page, page_of, report_page
from tests.gateway.conftest import Gate

pytestmark = pytest.mark.slow  # a Prefect server takes ~15 s to start


@contextmanager
def logged_in(gate: Gate) -> Iterator[httpx.Client]:
    """A browser that opened a fresh login link of the coordinator."""
    link = ident.console_link(gate.app, gate.world.coordinator_id)
    c = gate.client(follow_redirects=False)
    try:
        assert c.get(link.removeprefix(gate.url)).status_code == 303
        yield c
    finally:
        c.close()


def publish(gate: Gate, key: str, markdown: str) -> str:
    """A markdown artifact on the internal port, as a flow run writes it: its id."""
    auth = {"Authorization": "Basic " + base64.b64encode(gate.auth.encode()).decode()}
    with httpx.Client(base_url=f"{gate.internal}/api", headers=auth, timeout=60) as c:
        r = c.post("/artifacts/", json={"key": key, "type": "markdown", "data": markdown})
        r.raise_for_status()
        return str(r.json()["id"])


def test_the_links_are_built_and_read_back() -> None:
    assert cooperation_page("http://127.0.0.1:4200/", 4) == (
        "http://127.0.0.1:4200/seite/kooperation/4"
    )
    assert report_page("https://ikz.example.org", 5) == "https://ikz.example.org/seite/bericht/5"
    assert page_of("kooperation/4") == ("kooperation/{id}", "ikz-coop-4")
    assert page_of("bericht/12/") == ("bericht/{id}", "ikz-report-12")
    assert page_of("portfolio") == ("portfolio", "ikz-portfolio")
    assert page_of("verzeichnis") == ("verzeichnis", "ikz-verzeichnis")
    assert page_of("statistik") == ("statistik", "ikz-statistik")
    for bad in ("kooperation/0", "kooperation/-1", "kooperation/4x", "kooperation", "x/4", ""):
        assert page_of(bad) is None, bad


def test_a_page_link_leads_to_the_newest_version(gate: Gate) -> None:
    publish(gate, "ikz-coop-41", "# Bauhof, erste Fassung")
    newest = publish(gate, "ikz-coop-41", "# Bauhof, zweite Fassung")
    with logged_in(gate) as c:
        r = c.get("/seite/kooperation/41")
        assert (r.status_code, r.headers["location"]) == (303, f"/artifacts/artifact/{newest}")
        # The artifact the UI then shows, through the gateway's API.
        shown = c.get(f"/api/artifacts/{newest}").json()
        assert shown["data"] == "# Bauhof, zweite Fassung"
        portfolio = publish(gate, "ikz-portfolio", "| ID |")
        shown_portfolio = c.get("/seite/portfolio")
        assert shown_portfolio.headers.get("location") == (f"/artifacts/artifact/{portfolio}")


def test_a_missing_page_answers_in_german_with_404(gate: Gate) -> None:
    with logged_in(gate) as c:
        missing = c.get("/seite/kooperation/999")
        assert missing.status_code == 404
        assert "Seite nicht gefunden" in missing.text
        assert "Die Seite der Kooperation 999 ist noch nicht geschrieben" in missing.text
        assert 'lang="de"' in missing.text
        unknown = c.get("/seite/unsinn")
        assert unknown.status_code == 404
        assert "Die Seite „unsinn“ gibt es nicht." in unknown.text
        english = c.get("/seite/bericht/7?lang=en")
        assert english.status_code == 404
        assert "The success report of 7 has not been written yet" in english.text


def test_a_page_link_wants_a_login(gate: Gate) -> None:
    publish(gate, "ikz-coop-42", "# Geheim")
    with gate.client(follow_redirects=False) as c:
        r = c.get("/seite/kooperation/42")
        assert (r.status_code, r.headers["location"]) == (303, "/login?lang=de")
        assert "Geheim" not in r.text
