"""The success report's savings: a chart of each partner's costs before and after and
the total in per cent, with a table beside it; only when a cost baseline exists."""

from __future__ import annotations

import io
import re

from PIL import Image

from ikz.reporting.report import generate_success_report, render_markdown
from tests.factories import World
from tests.funding.helpers import actual, baseline, coop_in


def _png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        return img.size


def test_a_baseline_brings_the_savings_chart_and_table(world: World) -> None:
    w = world
    cid, (marburg, lahntal, coelbe) = coop_in(w, "HE", 3)
    baseline(w, cid, marburg, 2024, "84000.00", "12500.50", "0")
    baseline(w, cid, lahntal, 2024, "42000", "3000", "0")
    baseline(w, cid, coelbe, 2024, "30000", "1000", "500")
    actual(w, cid, marburg, 2025, "70000", "10000.50", "0")
    actual(w, cid, lahntal, 2025, "38000", "2500", "0")
    actual(w, cid, coelbe, 2025, "27000", "1000", "0")
    report = generate_success_report(w.app, cid)
    assert _png_size((report.folder / "savings.png").read_bytes()) == (900, 400)
    md = report.markdown
    assert "## Einsparungen\n\n![Kosten vorher und nachher](savings.png)" in md
    assert "| Gemeinde Cölbe | 31.500,00 € | 28.000,00 € | 3.500,00 € | 11,1 % |" in md
    assert "| Stadt Marburg | 96.500,50 € | 80.000,50 € | 16.500,00 € | 17,1 % |" in md
    # 173,000.50 before, 148,500.50 after: 24,500.00 saved, 14.16... %
    assert (
        "Gesamt 2025: 173.000,50 € vorher, 148.500,50 € nachher, 24.500,00 € eingespart "
        "(14,2 %)." in md
    )
    assert len(re.findall(r"\]\(data:image/png;base64,", report.artifact)) == 4
    english = render_markdown(w.app, cid, "en")
    assert "Total 2025: €173,000.50 before, €148,500.50 after, €24,500.00 saved (14.2 %)." in (
        english
    )


def test_a_baseline_without_actual_costs_says_so(world: World) -> None:
    w = world
    cid, (marburg, lahntal) = coop_in(w, "HE", 2)
    baseline(w, cid, marburg, 2024, "1000", "0")
    baseline(w, cid, lahntal, 2024, "2000", "0")
    actual(w, cid, marburg, 2025, "900", "0")
    md = render_markdown(w.app, cid)
    assert "| Gemeinde Lahntal | 2.000,00 € | – | – | – |" in md
    assert "| Stadt Marburg | 1.000,00 € | 900,00 € | 100,00 € | 10,0 % |" in md
    assert "Noch kein Jahr mit Ist-Kosten aller Partner (ikz funding actual)." in md


def test_without_a_baseline_there_is_no_savings_section_or_chart(world: World) -> None:
    w = world
    cid, _ = coop_in(w, "HE", 2)
    report = generate_success_report(w.app, cid)
    assert "## Einsparungen" not in report.markdown
    assert not (report.folder / "savings.png").exists()
    assert len(re.findall(r"\]\(data:image/png;base64,", report.artifact)) == 3
