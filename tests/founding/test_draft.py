"""The draft agreement (`ikz founding write-draft`) and the clause check: the draft is
filled from the partners, the goals and the recorded clauses, a missing clause is a
visible placeholder, the signature waits until every required clause is agreed, and a
clause is refused when the form does not know it, its measure does not fit, or the text
is already signed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from ikz.actions.facts import record_goal
from ikz.views.founding import founding_view
from ikz.views.founding_draft import draft_markdown, write_draft
from models import commands as c
from models.chain import FactRecord
from models.founding import FoundingClause
from states.errors import IkzError, InvalidInputError
from tests.factories import World, make_app, make_world
from tests.founding.helpers import (
    agree_clauses,
    assess_all,
    clause,
    coop_with,
    plan,
    resolve,
    sign,
)


def _at(w: World, day: date) -> None:
    w.clock.now = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _clauses(w: World) -> int:
    with w.app.db.read() as s:
        return len(s.exec(select(FoundingClause)).all())


def _goal(w: World, cid: int, text: str) -> None:
    record_goal(w.app, c.RecordGoal(cooperation_id=cid, text=text, actor_id=w.coordinator_id))


NRW_FULL = """\
# Öffentlich-rechtliche Vereinbarung: Bauhof NW

_Entwurf vom 02.03.2026, geschrieben von ikz-flow nach dem Regelpaket Nordrhein-Westfalen (GkG NRW, GO NRW), Form: Öffentlich-rechtliche Vereinbarung, delegierend (Aufgabe geht über). Was noch fehlt, steht als **[FEHLT: ...]** im Text._

## Präambel

Die Beteiligten arbeiten im Aufgabenfeld Bauhof zusammen, um ihre Aufgaben wirtschaftlicher und besser für ihre Bürgerinnen und Bürger zu erfüllen.

## § 1 Beteiligte

- Stadt Bielefeld (AGS 05711000)
- Gemeinde Steinhagen (AGS 05754036)

## § 2 Übertragene oder durchgeführte Aufgaben

Aufgabenfeld: Bauhof. Ziele der Zusammenarbeit:

- Winterdienst gemeinsam planen
- Geräte teilen

## § 3 Kostenerstattung / Kostenschlüssel

Die Kosten werden nach Einwohnerzahl zum 30.06. des Vorjahres geteilt.

## § 4 Laufzeit

Die Vereinbarung wird für zehn Jahre geschlossen.

Laufzeit: 10 Jahre.

## § 5 Kündigung

Jeder Beteiligte kann zum Ende eines Haushaltsjahres kündigen.

Kündigungsfrist: 12 Monate.

## § 6 Konfliktlösung und Eskalation

Streit klären zuerst die Ansprechpersonen, dann die Steuerungsrunde, dann die Bürgermeister.

## § 7 Austritt eines Partners

Ein austretender Partner trägt die Kosten bis zum Ende der Kündigungsfrist.

## § 8 Evaluation

Die Steuerungsrunde legt den Räten einen Bericht vor.

Die Zusammenarbeit wird zum 30.06.2029 evaluiert.

## § 9 Inkrafttreten

Diese Vereinbarung wird von allen Beteiligten nach dem Beschluss ihrer Vertretung unterzeichnet. Sie bedarf der Genehmigung der Aufsichtsbehörde (§ 24 Abs. 2 GkG NRW). Sie tritt am Tag nach ihrer Bekanntmachung (Amtliches Veröffentlichungsblatt der Aufsichtsbehörde) in Kraft, frühestens am 01.01.2027 (§ 24 Abs. 3 GkG NRW).

## Unterschriften

Stadt Bielefeld: Ort, Datum ____________________, Unterschrift ____________________

Gemeinde Steinhagen: Ort, Datum ____________________, Unterschrift ____________________
"""


def _agreed_nrw(w: World) -> int:
    _at(w, date(2026, 3, 2))
    cid, _ = coop_with(w, "NW")
    plan(w, cid, target_effective_on=date(2027, 1, 1))
    _goal(w, cid, "Winterdienst gemeinsam planen")
    _goal(w, cid, "Geräte teilen")
    on = date(2026, 3, 1)
    clause(
        w,
        cid,
        "cost_key",
        on,
        "Die Kosten werden nach Einwohnerzahl zum 30.06. des Vorjahres geteilt.",
    )
    clause(w, cid, "term", on, "Die Vereinbarung wird für zehn Jahre geschlossen.", term_years=10)
    clause(
        w,
        cid,
        "termination",
        on,
        "Jeder Beteiligte kann zum Ende eines Haushaltsjahres kündigen.",
        notice_months=12,
    )
    clause(
        w,
        cid,
        "escalation",
        on,
        "Streit klären zuerst die Ansprechpersonen, dann die Steuerungsrunde, dann die Bürgermeister.",
    )
    clause(
        w,
        cid,
        "exit",
        on,
        "Ein austretender Partner trägt die Kosten bis zum Ende der Kündigungsfrist.",
    )
    clause(
        w,
        cid,
        "evaluation",
        on,
        "Die Steuerungsrunde legt den Räten einen Bericht vor.",
        evaluation_on=date(2029, 6, 30),
    )
    return cid


def test_the_draft_is_filled_with_partners_goals_and_every_agreed_clause(world: World) -> None:
    cid = _agreed_nrw(world)
    assert draft_markdown(world.app, cid) == NRW_FULL


def test_a_missing_clause_is_a_visible_placeholder_and_tasks_wait_for_a_goal(world: World) -> None:
    _at(world, date(2026, 3, 2))
    cid, _ = coop_with(world, "NW")
    plan(world, cid)
    text = draft_markdown(world.app, cid)
    assert (
        "## § 2 Übertragene oder durchgeführte Aufgaben\n\n**[FEHLT: Übertragene oder "
        f"durchgeführte Aufgaben – erfassen mit `ikz founding clause {cid} --clause tasks "
        "--text ...`]**\n"
    ) in text
    assert (
        "## § 3 Kostenerstattung / Kostenschlüssel\n\n**[FEHLT: Kostenerstattung / "
        f"Kostenschlüssel – erfassen mit `ikz founding clause {cid} --clause cost_key "
        "--text ...`]**\n"
    ) in text
    # Seven placeholders, and the line at the top explaining them.
    assert text.count("**[FEHLT:") == 1 + 7
    assert founding_view(world.app, cid)["clauses"]["missing"] == [
        "Übertragene oder durchgeführte Aufgaben",
        "Kostenerstattung / Kostenschlüssel",
        "Laufzeit und Kündigung",
    ]
    # A recorded tasks clause replaces the derived text.
    clause(world, cid, "tasks", date(2026, 3, 2), "Die Stadt übernimmt den Winterdienst.")
    text = draft_markdown(world.app, cid)
    assert (
        "## § 2 Übertragene oder durchgeführte Aufgaben\n\nDie Stadt übernimmt den Winterdienst.\n"
        in text
    )
    assert text.count("**[FEHLT:") == 1 + 6


def test_a_zweckverband_statute_and_a_gmbh_contract_have_their_own_wording(world: World) -> None:
    _at(world, date(2026, 3, 2))
    zv, _ = coop_with(world, "BY", legal_form="zweckverband")
    plan(world, zv)
    text = draft_markdown(world.app, zv)
    assert text.startswith("# Verbandssatzung: Bauhof BY\n")
    assert "\nDiese Satzung wird von allen Beteiligten nach dem Beschluss" in text
    assert "## § 1 Verbandsmitglieder\n\n- Stadt Erlangen (AGS 09562000)\n" in text
    gmbh, _ = coop_with(world, "HE", legal_form="gmbh")
    plan(world, gmbh)
    text = draft_markdown(world.app, gmbh)
    assert text.startswith("# Gesellschaftsvertrag: Bauhof HE\n")
    assert "Die Gesellschaft entsteht mit der Eintragung in das Handelsregister" in text


def test_write_draft_writes_the_file_whole_and_refuses_bad_targets(
    world: World, tmp_path: Path
) -> None:
    cid = _agreed_nrw(world)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    out = tmp_path / "entwurf.md"
    done = write_draft(world.app, cid, str(out), "md")
    assert out.read_text(encoding="utf-8") == NRW_FULL
    assert (done["format"], done["placeholders"]) == ("md", [])
    for target, fmt, code in (
        (tmp_path / "fehlt" / "entwurf.md", "md", "draft_out_directory_missing"),
        (tmp_path, "md", "draft_out_is_directory"),
        (tmp_path / "entwurf.pdf", "pdf", "draft_format_unknown"),
    ):
        with pytest.raises(InvalidInputError) as exc:
            write_draft(world.app, cid, str(target), fmt)
        assert exc.value.code == code
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entwurf.md"]


def test_a_state_s_own_template_comes_first(tmp_path: Path) -> None:
    rules = tmp_path / "regeln"
    (rules / "templates" / "nw").mkdir(parents=True)
    (rules / "templates" / "nw" / "agreement_delegating.md.j2").write_text(
        '{% extends "base.md.j2" %}{% block title %}Zweckvereinbarung{% endblock %}',
        encoding="utf-8",
    )
    app = make_app(
        f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "data", founding_rules_dir=rules
    )
    try:
        w = make_world(app)
        cid, _ = coop_with(w, "NW")
        plan(w, cid)
        assert draft_markdown(app, cid).startswith("# Zweckvereinbarung: Bauhof NW\n")
        (rules / "templates" / "nw" / "agreement_delegating.md.j2").write_text(
            "{{ d.no_such_field }}", encoding="utf-8"
        )
        with pytest.raises(IkzError) as exc:
            draft_markdown(app, cid)
        assert exc.value.de == (
            "Vorlage nw/agreement_delegating.md.j2: 'ikz.founding.draft.DraftData object' "
            "has no attribute 'no_such_field'."
        )
        (rules / "templates" / "nw" / "agreement_delegating.md.j2").write_text(
            "{{ d.__class__.__init__.__globals__ }}", encoding="utf-8"
        )
        with pytest.raises(IkzError) as exc:
            draft_markdown(app, cid)
        assert exc.value.code == "draft_template_broken"
        (rules / "templates" / "nw" / "agreement_delegating.md.j2").write_text(
            "{% if %}", encoding="utf-8"
        )
        with pytest.raises(IkzError) as exc:
            draft_markdown(app, cid)
        assert exc.value.code == "draft_template_broken"
        assert "\n" not in exc.value.de
    finally:
        app.close()


# --- the clause check --------------------------------------------------------------------


def test_the_signature_waits_for_every_required_clause(world: World) -> None:
    _at(world, date(2026, 2, 4))
    cid, mids = coop_with(world, "NW")
    plan(world, cid)
    resolve(world, cid, mids[0], date(2026, 2, 2))
    assess_all(world, cid, date(2026, 2, 3))
    clause(world, cid, "cost_key", date(2026, 2, 3), "nach Einwohnern")
    with pytest.raises(InvalidInputError) as exc:
        sign(world, cid, mids[0], date(2026, 2, 3))
    assert (exc.value.code, exc.value.de) == (
        "clauses_first",
        "Vor den Unterschriften fehlen Klauseln: Übertragene oder durchgeführte Aufgaben, "
        "Laufzeit und Kündigung.",
    )
    assert exc.value.en == "Clauses missing before the signatures: tasks, term_and_termination."
    # The term alone does not make "term and termination".
    clause(world, cid, "term", date(2026, 2, 3), "zehn Jahre", term_years=10)
    _goal(world, cid, "Winterdienst gemeinsam planen")  # the tasks come from the goals
    with pytest.raises(InvalidInputError) as exc:
        sign(world, cid, mids[0], date(2026, 2, 3))
    assert exc.value.de == "Vor den Unterschriften fehlen Klauseln: Laufzeit und Kündigung."
    clause(world, cid, "termination", date(2026, 2, 3), "zum Jahresende", notice_months=6)
    sign(world, cid, mids[0], date(2026, 2, 3))
    assert founding_view(world.app, cid)["clauses"]["missing"] == []


def test_a_clause_is_refused_in_one_line_and_nothing_written(world: World) -> None:
    _at(world, date(2026, 2, 4))
    cid, _ = coop_with(world, "NW")
    with pytest.raises(InvalidInputError) as exc:
        clause(world, cid, "cost_key", date(2026, 2, 3))
    assert exc.value.code == "founding_not_planned"
    plan(world, cid)
    cases = [
        (("capital_share", date(2026, 2, 3)), {}, "clause_unknown"),
        (("term", date(2026, 2, 3)), {}, "term_measure"),
        (("term", date(2026, 2, 3)), {"term_years": 5, "open_ended": True}, "term_measure"),
        (("escalation", date(2026, 2, 3)), {"term_years": 5}, "clause_measure_wrong"),
        (("evaluation", date(2026, 2, 3)), {}, "evaluation_date_missing"),
        (("cost_key", date(2026, 2, 5)), {}, "date_in_future"),
    ]
    for (code, on), kw, expected in cases:
        with pytest.raises(InvalidInputError) as exc:
            clause(world, cid, code, on, **kw)
        assert exc.value.code == expected, code
        assert "\n" not in exc.value.de
    assert _clauses(world) == 0
    with pytest.raises(InvalidInputError) as exc:
        clause(world, cid, "capital_share", date(2026, 2, 3))
    assert exc.value.de == (
        "Die Klausel 'capital_share' gibt es für diese Form nicht (möglich: tasks, cost_key, "
        "term, termination, escalation, exit, evaluation)."
    )
    with pytest.raises(InvalidInputError) as exc:
        clause(world, cid, "escalation", date(2026, 2, 3), term_years=5)
    assert exc.value.de == "--years gehört nicht zur Klausel 'escalation'."
    clause(world, cid, "term", date(2026, 2, 3), "unbefristet", open_ended=True)
    assert _clauses(world) == 1


def test_once_signed_the_text_is_fixed(world: World) -> None:
    _at(world, date(2026, 2, 4))
    cid, mids = coop_with(world, "NW")
    plan(world, cid)
    resolve(world, cid, mids[0], date(2026, 2, 2))
    assess_all(world, cid, date(2026, 2, 3))
    agree_clauses(world, cid, date(2026, 2, 3))
    n = _clauses(world)
    clause(world, cid, "escalation", date(2026, 2, 3), "Steuerungsrunde")  # before: accepted
    sign(world, cid, mids[0], date(2026, 2, 4))
    with pytest.raises(InvalidInputError) as exc:
        clause(world, cid, "cost_key", date(2026, 2, 4), "anders")
    assert exc.value.code == "clause_after_signature"
    assert _clauses(world) == n + 1


def test_clauses_are_on_the_chain_with_their_measure(world: World) -> None:
    _at(world, date(2026, 2, 4))
    cid, _ = coop_with(world, "NW")
    plan(world, cid)
    row = clause(world, cid, "termination", date(2026, 2, 3), "zum Jahresende", notice_months=6)
    with world.app.db.read() as s:
        recs = s.exec(
            select(FactRecord.table_name, FactRecord.row_id, FactRecord.actor_id)
            .where(FactRecord.cooperation_id == cid)
            .order_by(col(FactRecord.seq))
        ).all()
    assert recs[-1] == ("founding_clause", row.id, world.coordinator_id)
    view = founding_view(world.app, cid)["clauses"]["recorded"]
    assert view == [
        {
            "code": "termination",
            "label": "Kündigung",
            "text": "zum Jahresende",
            "agreed_on": "2026-02-03",
            "term_years": None,
            "open_ended": False,
            "notice_months": 6,
            "evaluation_on": None,
        }
    ]


def test_the_page_shows_the_founding_and_its_clause_check(world: World) -> None:
    from ikz.review import cooperation_markdown

    _at(world, date(2026, 2, 4))
    cid, _ = coop_with(world, "NW")
    assert "## Gründung" not in cooperation_markdown(world.app, cid)
    plan(world, cid)
    clause(world, cid, "cost_key", date(2026, 2, 3), "nach Einwohnern")
    md = cooperation_markdown(world.app, cid)
    start = md.index("## Gründung")
    section = md[start : md.index("\n## ", start)]
    assert "| Absichtserklärung | offen | – | – | Absichtserklärung erfassen. |" in section
    assert section.endswith(
        "**Klauseln der Vereinbarung:**\n\n"
        "- ✓ Beteiligte (§ 23 Abs. 1 GkG NRW)\n"
        "- ✗ Übertragene oder durchgeführte Aufgaben (§ 23 Abs. 1 GkG NRW)\n"
        "- ✓ Kostenerstattung / Kostenschlüssel (§ 23 Abs. 4 GkG NRW)\n"
        "- ✗ Laufzeit und Kündigung (§ 23 Abs. 5 GkG NRW)\n\n"
        "Vor den Unterschriften fehlen: Übertragene oder durchgeführte Aufgaben, Laufzeit und "
        f"Kündigung (ikz founding clause {cid}).\n"
    )
    agree_clauses(world, cid, date(2026, 2, 3))
    md = cooperation_markdown(world.app, cid)
    assert "Vor den Unterschriften fehlen" not in md
    assert "- ✓ Laufzeit und Kündigung (§ 23 Abs. 5 GkG NRW)" in md


def test_the_draft_as_a_word_document(world: World, tmp_path: Path) -> None:
    from docx import Document

    cid = _agreed_nrw(world)
    out = tmp_path / "out" / "entwurf.docx"
    out.parent.mkdir()
    done = write_draft(world.app, cid, str(out), "docx")
    assert (done["format"], done["placeholders"]) == ("docx", [])
    doc = Document(str(out))
    pars = [(p.style.name if p.style else "", p.text) for p in doc.paragraphs]
    assert pars[0] == ("Title", "Öffentlich-rechtliche Vereinbarung: Bauhof NW")
    assert ("Heading 1", "§ 1 Beteiligte") in pars
    assert ("List Bullet", "Stadt Bielefeld (AGS 05711000)") in pars
    assert ("Normal", "Kündigungsfrist: 12 Monate.") in pars
    assert pars[-1] == (
        "Normal",
        "Gemeinde Steinhagen: Ort, Datum ____________________, Unterschrift ____________________",
    )
    # Every Markdown paragraph is one Word paragraph, no markup left over.
    assert len(pars) == NRW_FULL.count("\n\n") + NRW_FULL.count("\n- ") - 2 + 1
    assert not any("**" in text or "##" in text for _, text in pars)


def test_a_placeholder_is_bold_in_word(world: World, tmp_path: Path) -> None:
    from docx import Document

    _at(world, date(2026, 3, 2))
    cid, _ = coop_with(world, "NW")
    plan(world, cid)
    out = tmp_path / "entwurf.docx"
    done = write_draft(world.app, cid, str(out), "docx")
    assert done["placeholders"] == [
        "tasks",
        "cost_key",
        "term",
        "termination",
        "escalation",
        "exit",
        "evaluation",
    ]
    doc = Document(str(out))
    cost = next(p for p in doc.paragraphs if p.text.startswith("[FEHLT: Kostenerstattung"))
    assert [(r.text, r.bold) for r in cost.runs] == [
        ("[FEHLT: Kostenerstattung / Kostenschlüssel – erfassen mit `ikz founding clause "
         f"{cid} --clause cost_key --text ...`]", True)
    ]  # fmt: skip


def test_the_written_draft_recorded_as_agreed_keeps_its_sha256(
    world: World, tmp_path: Path
) -> None:
    import hashlib

    from tests.founding.helpers import act

    cid = _agreed_nrw(world)
    out = tmp_path / "entwurf.md"
    write_draft(world.app, cid, str(out), "md")
    row = act(world, "draft", cid, date(2026, 3, 2), document=str(out))
    assert row.document_sha256 == hashlib.sha256(NRW_FULL.encode("utf-8")).hexdigest()
    assert row.document_name == "entwurf.md"
