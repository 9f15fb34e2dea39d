"""Stable links to ikz-flow's pages in the Prefect UI, for mails and log lines.

Prefect's `/artifacts/key/<key>` shows only a key's timeline; the page itself is at
`/artifacts/artifact/<artifact id>`, and that id changes with every new version. So a
mail links to `/seite/kooperation/<id>` (and `/seite/portfolio`, `/seite/verzeichnis`,
`/seite/statistik`,
`/seite/bericht/<id>`), and the gateway answers it, behind the login like the UI, with a
redirect to the newest version of the key (the `latest_id` of the key's collection,
`POST /api/artifacts/latest/filter` on the Prefect server), or with a German page saying there is none yet.
"""

from __future__ import annotations

import re

PORTFOLIO_KEY = "ikz-portfolio"
SUMMARY_KEY = "ikz-portfolio-summary"
DIRECTORY_KEY = "ikz-verzeichnis"
STATISTICS_KEY = "ikz-statistik"

PREFIX = "/seite/"

# The page's path under PREFIX -> its artifact key; "{id}" is a positive number.
PAGES: dict[str, str] = {
    "kooperation/{id}": "ikz-coop-{id}",
    "bericht/{id}": "ikz-report-{id}",
    "portfolio": PORTFOLIO_KEY,
    "portfolio-summe": SUMMARY_KEY,
    "verzeichnis": DIRECTORY_KEY,
    "statistik": STATISTICS_KEY,
}

# What a page is called in the German "not there yet" page.
TITLES: dict[str, tuple[str, str]] = {
    "kooperation/{id}": ("Die Seite der Kooperation {id}", "The page of cooperation {id}"),
    "bericht/{id}": ("Der Erfolgsbericht der Kooperation {id}", "The success report of {id}"),
    "portfolio": ("Das Portfolio", "The portfolio"),
    "portfolio-summe": ("Die Portfolio-Übersicht", "The portfolio summary"),
    "verzeichnis": ("Das Verzeichnis", "The directory"),
    "statistik": ("Die Statistik", "The statistics"),
}

_ID = re.compile(r"[1-9][0-9]{0,17}")


def coop_key(cooperation_id: int) -> str:
    return f"ikz-coop-{cooperation_id}"


def report_key(cooperation_id: int) -> str:
    return f"ikz-report-{cooperation_id}"


def cooperation_page(base: str, cooperation_id: int) -> str:
    """The stable link to a cooperation's page."""
    return f"{base.rstrip('/')}{PREFIX}kooperation/{int(cooperation_id)}"


def report_page(base: str, cooperation_id: int) -> str:
    return f"{base.rstrip('/')}{PREFIX}bericht/{int(cooperation_id)}"


def page_of(path: str) -> tuple[str, str] | None:
    """(pattern, artifact key) of a path under PREFIX ('kooperation/4'), None when it
    names no page (unknown, or an id that is not a positive number)."""
    head, _, tail = path.strip("/").partition("/")
    if not tail:
        return (head, PAGES[head]) if head in PAGES and "{id}" not in head else None
    pattern = f"{head}/{{id}}"
    if pattern not in PAGES or not _ID.fullmatch(tail):
        return None
    return pattern, PAGES[pattern].format(id=tail)
