"""`ikz report ID`: a success report for the demo cooperation in evaluation, on demand."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import Cli, DemoWorld


def test_report_for_the_demo_cooperation_in_evaluation(demo_cli: Cli, world: DemoWorld) -> None:
    cid = world.coop_in("evaluation")
    out = demo_cli.json("report", cid)
    assert out["artifact"] is None  # no Prefect server known: no page, no warning
    folder = Path(out["folder"])
    assert folder == demo_cli.data_dir / "reports" / str(cid)
    names = {Path(f).name for f in out["files"]}
    assert {"report.md", "report.html", "pressemitteilung.md", "timeline.png"} <= names
    assert all(Path(f).is_file() for f in out["files"])
    # Every partner is named in the press release, each with a quote placeholder.
    partners = demo_cli.json("coop", "show", cid)["partners"]
    press = (folder / "pressemitteilung.md").read_text()
    for p in partners:
        assert f"### {p['name']}" in press
        assert f", {p['name']}]" in press and "[Zitat Bürgermeister:in " in press
    # Plain output says where the files are; English on request.
    text = demo_cli.ok("report", cid, "--lang", "en").out
    assert f"written to {folder}" in text and "report.html" in text
    assert "artifact" not in text
    assert (folder / "report.md").read_text().startswith("# Success report: ")


def test_report_errors_are_one_line(demo_cli: Cli, world: DemoWorld) -> None:
    missing = demo_cli("report", 9999)
    assert missing.code == 3 and "Traceback" not in missing.output
    bad = demo_cli("report", world.coop_in("evaluation"), "--lang", "fr")
    assert bad.code == 2 and "--lang" in bad.err
