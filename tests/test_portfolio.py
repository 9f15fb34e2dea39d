"""The portfolio view: every row, or the most urgent ones with totals, in bounded batches;
and a big portfolio is not recomputed after every single change."""

from __future__ import annotations

from pathlib import Path

from benchmarks.portfolio import generate
from ikz.app import App
from ikz.views.portfolio import portfolio_rows, portfolio_view, summary_markdown, urgency
from tests.factories import make_app


def _app(tmp_path: Path, n: int, **settings: object) -> App:
    app = make_app(f"sqlite:///{tmp_path / 'p.sqlite3'}", tmp_path, **settings)
    generate(app.db, n, seed=3)
    return app


ORDER = ["rot", "gelb", "grün", "nicht bewertet"]


def test_the_most_urgent_rows_are_those_a_full_sort_would_pick(tmp_path: Path) -> None:
    app = _app(tmp_path, 1_200)  # more than two batches of 500
    try:
        full = portfolio_view(app)
        top = portfolio_view(app, 25)
    finally:
        app.close()
    assert [r["ID"] for r in full.rows] == sorted(r["ID"] for r in full.rows)
    assert full.total == len(full.rows) == 1_200 and not full.truncated
    now = app.clock()
    expected = sorted(full.rows, key=lambda r: (urgency(r, now), -r["ID"]), reverse=True)[:25]
    assert top.rows == expected
    assert top.truncated and top.total == full.total
    # Totals count everything, not only the rows shown.
    assert top.by_state == full.by_state and sum(top.by_state.values()) == 1_200
    assert top.open_conflicts == sum(r["Offene Konflikte"] for r in full.rows) > 0
    assert top.rows[0]["Ampel"] == "rot"
    summary = summary_markdown(top)
    assert "1.200 Kooperationen" in summary and "ikz portfolio --csv" in summary
    lights = [
        line.split("|")[1].strip()
        for line in summary.splitlines()
        if line.startswith("| ") and line.split("|")[1].strip() in ORDER
    ]
    assert lights and lights == sorted(lights, key=ORDER.index)


def test_a_portfolio_that_fits_keeps_id_order(tmp_path: Path) -> None:
    app = _app(tmp_path, 60)
    try:
        assert portfolio_view(app, 500).rows == portfolio_rows(app)
        assert "zeigt alle Kooperationen" in summary_markdown(portfolio_view(app, 500))
    finally:
        app.close()


def test_after_a_change_a_big_portfolio_is_left_to_the_schedule(tmp_path: Path) -> None:
    from flows.dashboards import publish_portfolio

    app = _app(tmp_path, 30, portfolio_artifact_rows=20)
    try:
        # Returns before touching Prefect: no server is needed to see it skip.
        assert publish_portfolio(app, after_change=True) == 0
    finally:
        app.close()
