"""The draft agreement or statute of a cooperation (`ikz founding write-draft ID`): the
facts it is filled with, read in one transaction, rendered by ikz.founding.draft, and
the clause check of the founding section (which required clause is still missing)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from ikz.app import App
from ikz.founding import packs
from ikz.founding.draft import DraftData, Party, render_markdown, sections
from models.cooperation import Cooperation
from models.founding import founding_snap, goals_of, partners_named
from models.queries import require
from states.clauses import label, latest
from states.errors import InvalidInputError, Language
from states.founding import FoundingSnap
from states.founding_checks import clauses_missing

FORMATS = ("md", "docx")


def _not_planned(cooperation_id: int) -> InvalidInputError:
    return InvalidInputError(
        "founding_not_planned",
        f"Für Kooperation {cooperation_id} gibt es noch keinen Gründungsplan (ikz founding plan).",
        f"Cooperation {cooperation_id} has no founding plan yet (ikz founding plan).",
    )


def draft_data(app: App, cooperation_id: int) -> DraftData:
    with app.db.read() as s:
        coop = require(s, Cooperation, cooperation_id)
        snap = founding_snap(cooperation_id, session=s)
        if snap is None:
            raise _not_planned(cooperation_id)
        parties = partners_named(cooperation_id, session=s)
        goals = goals_of(cooperation_id, session=s)
    pack = packs(app.settings.founding_rules_dir).get(snap.state)
    return DraftData(
        cooperation_id=cooperation_id,
        title=coop.title,
        field_of_work=coop.field_of_work,
        description=coop.description,
        state=snap.state,
        state_name=pack.name if pack else snap.state,
        law=pack.law if pack else snap.rules.authority.source.law,
        form=snap.form,
        rules=snap.rules,
        parties=tuple(Party(n, a) for n, a in parties),
        goals=tuple(goals),
        clauses=snap.clauses,
        authority_kind=snap.authority_kind,
        target_effective_on=snap.target_effective_on,
        written_on=app.clock().date(),
    )


def draft_markdown(app: App, cooperation_id: int) -> str:
    return render_markdown(draft_data(app, cooperation_id), app.settings.founding_rules_dir)


def _target(out: str) -> Path:
    path = Path(out).expanduser()
    if path.is_dir():
        raise InvalidInputError(
            "draft_out_is_directory",
            f"{out} ist ein Verzeichnis; bitte einen Dateinamen angeben.",
            f"{out} is a directory; give a file name.",
        )
    if not path.parent.is_dir():
        raise InvalidInputError(
            "draft_out_directory_missing",
            f"Das Verzeichnis {str(path.parent)!r} gibt es nicht.",
            f"The directory {str(path.parent)!r} does not exist.",
        )
    return path


def write_draft(app: App, cooperation_id: int, out: str, fmt: str = "md") -> dict[str, Any]:
    """Write the draft to `out` (whole or not at all: a temporary file renamed into
    place); what was written and which sections still hold a placeholder."""
    if fmt not in FORMATS:
        raise InvalidInputError(
            "draft_format_unknown",
            f"Format {fmt!r} gibt es nicht (möglich: {', '.join(FORMATS)}).",
            f"There is no format {fmt!r} (possible: {', '.join(FORMATS)}).",
        )
    path = _target(out)
    data = draft_data(app, cooperation_id)
    text = render_markdown(data, app.settings.founding_rules_dir)
    if fmt == "docx":
        from ikz.founding.word import markdown_to_docx

        payload = markdown_to_docx(text)
    else:
        payload = text.encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".draft-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return {
        "cooperation_id": cooperation_id,
        "file": str(path),
        "format": fmt,
        "bytes": len(payload),
        "placeholders": [s.code for s in sections(data) if s.missing],
    }


def clause_check(snap: FoundingSnap, lang: Language = "de") -> dict[str, Any]:
    """The clause check: every clause the rule pack requires with whether the agreement
    has it, and the content recorded per code (`ikz founding show`, the page)."""
    lacking = {c.code for c in clauses_missing(snap)}
    return {
        "required": [
            {
                "code": req.code,
                "label": req.label,
                "present": req.code not in lacking,
                "source": req.source.cite(),
            }
            for req in snap.rules.clauses
        ],
        "missing": [req.label for req in snap.rules.clauses if req.code in lacking],
        "recorded": [
            {
                "code": code,
                "label": label(snap.rules, code, lang),
                "text": fact.text,
                "agreed_on": fact.on.isoformat(),
                "term_years": fact.term_years,
                "open_ended": fact.open_ended,
                "notice_months": fact.notice_months,
                "evaluation_on": fact.evaluation_on.isoformat() if fact.evaluation_on else None,
            }
            for code, fact in latest(snap.clauses).items()
        ],
    }
