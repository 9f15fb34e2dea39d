"""Success reports: files, charts, press release, artifact, the email and the CLI."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import col, select

from ikz.actions.facts import record_decision, record_goal, record_success
from ikz.mail.render import render
from ikz.reporting.report import SuccessReport, generate_success_report
from ikz.review import review_cooperation
from models import commands as c
from models.outbox import Notification
from models.registry import Person
from tests.factories import World, coop_in, make_app, make_world

CHARTS = ("timeline.png", "check-trend.png", "balance.png")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Generated:
    world: World
    cid: int
    report: SuccessReport


def _evaluation_coop(w: World) -> int:
    """Like the demo's cooperation in evaluation: a goal, a visible success, a decision."""
    cid = coop_in(w, "evaluation")
    a, b = w.partners[0], w.partners[1]
    record_goal(
        w.app,
        c.RecordGoal(
            cooperation_id=cid,
            text="Winterdienst gemeinsam",
            target="-15 % Kosten",
            actor_id=w.coordinator_id,
        ),
    )
    record_success(
        w.app,
        c.RecordSuccess(
            cooperation_id=cid,
            what="Gemeinsamer Streudienst",
            metric="Kosten",
            value="-18 %",
            made_visible="Pressemitteilung und Infoabend",
            actor_id=w.coordinator_id,
        ),
    )
    record_decision(
        w.app,
        c.RecordDecision(
            cooperation_id=cid,
            subject="Standort des Bauhofs",
            benefiting_municipality_id=a.municipality_id,
            conceding_municipality_ids=[b.municipality_id],
            concession="Weimar verzichtet auf den Standort",
            decided_on=w.clock().date(),
            actor_id=w.coordinator_id,
        ),
    )
    # Two reviews a while apart: a stored trend for the per-factor chart.
    review_cooperation(w.app, cid)
    w.clock.advance(days=30)
    review_cooperation(w.app, cid)
    w.clock.advance(days=5)
    return cid


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    """One report for the whole module: drawing the charts takes a moment."""
    tmp = tmp_path_factory.mktemp("report")
    app = make_app(f"sqlite:///{tmp / 'ikz.sqlite3'}", tmp)
    w = make_world(app)
    cid = _evaluation_coop(w)
    yield Generated(w, cid, generate_success_report(app, cid))
    app.close()


def _image(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def _colours(img: Image.Image) -> int:
    return len(img.convert("RGB").getcolors(maxcolors=1 << 20) or [])


def test_files_are_written_to_the_report_folder(generated: Generated) -> None:
    r = generated.report
    assert r.folder == generated.world.app.settings.data_dir / "reports" / str(generated.cid)
    names = {f.name for f in r.folder.iterdir()}
    assert {"report.md", "report.html", "pressemitteilung.md", *CHARTS} <= names
    assert r.path == r.folder / "report.md"


@pytest.mark.parametrize("name", CHARTS)
def test_each_chart_is_a_real_image_of_sensible_size(generated: Generated, name: str) -> None:
    img = _image((generated.report.folder / name).read_bytes())
    assert img.size == (900, 400)
    assert _colours(img) > 5, "one flat colour"


def test_report_has_every_section_in_german(generated: Generated) -> None:
    md = (generated.report.folder / "report.md").read_text()
    for heading in (
        "# Erfolgsbericht: Gemeinsamer Bauhof",
        "## Verlauf",
        "## Ziele und Erreichtes",
        "## Nutzen je Partner",
        "## Geben und Nehmen",
        "## Kooperations-Check",
    ):
        assert heading in md, heading
    # Goals against what was achieved, and how it was made visible.
    assert "| Winterdienst gemeinsam | -15 % Kosten |" in md
    assert "| Gemeinsamer Streudienst | Kosten | -18 % | Pressemitteilung und Infoabend |" in md
    # Benefits stated against confirmed; give-and-take per partner.
    assert "| Jena | spart Kosten | noch offen |" in md
    assert "| Jena | 1 | 0 |" in md and "| Weimar | 0 | 1 |" in md
    assert "Trend der letzten 2 Reviews" in md
    # The file links the charts next to it.
    for name in CHARTS:
        assert f"]({name})" in md
    html = (generated.report.folder / "report.html").read_text()
    assert '<img src="timeline.png"' in html and "<table>" in html
    assert "Pressemitteilung (Entwurf)" in html


def test_artifact_embeds_the_charts_and_the_press_release(generated: Generated) -> None:
    art = generated.report.artifact
    uris = re.findall(r"\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", art)
    assert len(uris) == len(CHARTS)
    for uri in uris:
        assert _image(base64.b64decode(uri)).size == (900, 400)
    assert "# Pressemitteilung (Entwurf)" in art


def test_press_release_names_every_partner_fairly(generated: Generated) -> None:
    press = (generated.report.folder / "pressemitteilung.md").read_text()
    assert press == generated.report.press_release
    for partner in ("Jena", "Weimar"):
        assert f"### {partner}" in press
        assert f"[Zitat Bürgermeister:in Mayor {partner}, {partner}]" in press
    # The same structure for each partner, in alphabetical order.
    assert press.index("### Jena") < press.index("### Weimar")
    assert press.count("Nutzen (erwartet): spart Kosten") == 2
    assert "Jena und Weimar" in press and "Gemeinsamer Streudienst (Kosten: -18 %)" in press


def _mail(g: Generated) -> EmailMessage:
    with g.world.app.db.read() as s:
        row = s.exec(
            select(Notification).where(
                col(Notification.kind) == "success_report_ready",
                col(Notification.dedupe_key).startswith(f"report:{g.report.report_id}"),
            )
        ).first()
        assert row is not None
        person = s.get(Person, row.recipient_id)
        assert person is not None
    return render(row, person, settings=g.world.app.settings)


def test_email_has_the_charts_inline_by_content_id(generated: Generated) -> None:
    msg = _mail(generated)
    related = [p for p in msg.walk() if p.get_content_type() == "multipart/related"]
    assert len(related) == 1
    html = related[0].get_body(preferencelist=("html",))
    assert html is not None
    body = html.get_content()
    images = [p for p in related[0].iter_parts() if p.get_content_type() == "image/png"]
    assert len(images) == len(CHARTS)
    for img in images:
        cid = str(img["Content-ID"]).strip("<>")
        assert f'src="cid:{cid}"' in body
        assert _image(img.get_content()).size == (900, 400)
    # The plain-text alternative is still there.
    assert msg.get_body(preferencelist=("plain",)) is not None


def test_english_on_request(generated: Generated) -> None:
    g = generated
    report = generate_success_report(g.world.app, g.cid, "en")
    assert report.markdown.startswith("# Success report: Gemeinsamer Bauhof")
    assert "## Benefit per partner" in report.markdown
    assert "Trend of the last 2 reviews" in report.markdown
    assert "[Quote from Mayor Mayor Jena, Jena]" in report.press_release
    generate_success_report(g.world.app, g.cid)  # leave the folder German for other tests


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium (Debian package chromium) missing")
def test_email_renders_in_headless_chromium(generated: Generated, tmp_path: Path) -> None:
    shot = screenshot_email(_mail(generated), tmp_path)
    img = _image(shot.read_bytes())
    assert img.size == (1000, 1400)
    assert _colours(img) > 20, "blank screenshot"
    # The charts' traffic-light green shows up (it is only in the images).
    rgb = img.convert("RGB")
    counts = rgb.getcolors(maxcolors=1 << 20) or []
    greens = sum(n for n, (r, g, b) in counts if g > 130 and r < 90 and b < 110)
    assert greens > 200, "charts not shown"


def screenshot_email(msg: EmailMessage, folder: Path) -> Path:
    """Write the HTML part with its cid: images as files next to it and screenshot it."""
    html_part = msg.get_body(preferencelist=("html",))
    assert html_part is not None
    html = html_part.get_content()
    for part in msg.walk():
        if part.get_content_type() == "image/png":
            cid = str(part["Content-ID"]).strip("<>")
            name = part.get_filename() or f"{cid}.png"
            (folder / name).write_bytes(part.get_content())
            html = html.replace(f"cid:{cid}", name)
    page = folder / "mail.html"
    page.write_text(html, encoding="utf-8")
    shot = folder / "mail.png"
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={folder / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1000,1400",
            f"file://{page}",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return shot


def test_flow_publishes_the_artifact_with_the_charts_embedded(
    generated: Generated, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The success-report flow's body, with Prefect's API calls replaced by recorders."""
    from contextlib import contextmanager

    from flows import followups

    artifacts: list[dict[str, str]] = []

    @contextmanager
    def scope() -> Iterator[object]:
        yield generated.world.app

    monkeypatch.setattr(followups, "app_scope", scope)
    monkeypatch.setattr(followups, "create_markdown_artifact", lambda **kw: artifacts.append(kw))
    monkeypatch.setattr(followups, "publish_cooperation", lambda *a: None)
    monkeypatch.setattr(followups, "announce_queued", lambda *a: None)
    out = followups.success_report.fn(generated.cid)
    assert [a["key"] for a in artifacts] == [f"ikz-report-{generated.cid}"]
    md = artifacts[0]["markdown"]
    assert md.count("](data:image/png;base64,") == len(CHARTS)
    assert "# Pressemitteilung (Entwurf)" in md and "[Zitat Bürgermeister:in " in md
    assert Path(out["folder"]) == generated.report.folder
    assert {Path(f).name for f in out["files"]} >= {"report.html", *CHARTS}
