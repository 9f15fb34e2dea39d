"""Erasing a person's data on request (GDPR Art. 17): a coordinator's proven act.

Refused while the person has a sign-off request open (it waits for their answer), and
for the acting coordinator themself (so a coordinator always remains). The Prefect
artifacts are cleaned first: a server that is known but cannot be reached refuses the
erasure before anything changed. Report files come next, then the database in one
transaction (rows rewritten, queued mail withdrawn, the person pseudonymised, the erasure
logged with its proof). Should that transaction fail, repeating the erasure finishes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ikz.actions.guard import prove
from ikz.app import App
from ikz.events.artifacts import scrub_artifacts
from ikz.jsonable import jsonable
from models.commands import ErasePerson
from models.erasure import (
    Erasure,
    Needles,
    open_requests_of,
    pseudonymise,
    rewrite_everywhere,
    withdraw_queued_mail,
)
from models.queries import actor_of, require
from models.registry import Person
from models.store import save
from states.errors import IkzError
from states.policy import Action, check

# Files ikz writes that may name a person (reports: Markdown, HTML, plain text).
TEXT_SUFFIXES = {".md", ".html", ".txt", ".json", ".csv"}


@dataclass(frozen=True)
class ErasureResult:
    person_id: int
    erasure_id: int
    rows_changed: int
    mails_withdrawn: int
    files_changed: int
    artifacts_deleted: int | None  # None: no Prefect server known to this process


def _refusals(app: App, cmd: ErasePerson) -> Needles:
    with app.db.read() as s:
        check(actor_of(s, cmd.actor_id), Action.ERASE_PERSON)
        person = require(s, Person, cmd.person_id)
        if person.erased_at is not None:
            raise IkzError(
                "already_erased",
                f"Die Daten von Person {cmd.person_id} sind bereits gelöscht.",
                f"Person {cmd.person_id}'s data is already erased.",
            )
        if cmd.person_id == cmd.actor_id:
            raise IkzError(
                "erase_self",
                "Die eigenen Daten löscht eine andere Person der Koordination.",
                "Another coordinator erases your own data.",
            )
        pending = open_requests_of(cmd.person_id, session=s)
        if pending:
            coops = ", ".join(str(r.cooperation_id) for r in pending)
            raise IkzError(
                "open_signoff",
                f"Person {cmd.person_id} hat eine offene Freigabe-Anfrage (Kooperation "
                f"{coops}); erst nach Antwort oder Fristablauf löschen.",
                f"Person {cmd.person_id} has an open sign-off request (cooperation "
                f"{coops}); erase after the answer or the deadline.",
            )
        return Needles.of(person)


def _scrub_files(app: App, needles: Needles) -> int:
    changed = 0
    root = Path(app.settings.data_dir) / "reports"
    if not root.exists():
        return 0
    for path in root.rglob("*"):
        if path.suffix.lower() not in TEXT_SUFFIXES or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        new = needles.replace(text)
        if new != text:
            path.write_text(new, encoding="utf-8", errors="surrogateescape")
            changed += 1
    return changed


def erase_person(app: App, cmd: ErasePerson) -> ErasureResult:
    needles = _refusals(app, cmd)
    artifacts = scrub_artifacts(app.settings, needles.search_terms())
    files = _scrub_files(app, needles)
    with app.db.write() as s:
        # The rewritten facts go on their chains as this coordinator's proven act.
        proof = prove(app, s, cmd.actor_id)
        person = require(s, Person, cmd.person_id)
        rows = rewrite_everywhere(needles, session=s)
        mails = withdraw_queued_mail(cmd.person_id, session=s)
        pseudonymise(person, app.clock(), session=s)
        log = save(
            Erasure(
                person_id=cmd.person_id,
                reason=cmd.reason,
                actor_id=cmd.actor_id,
                proof=dict(jsonable(proof.as_dict())),
                rows_changed=rows,
                mails_withdrawn=mails,
                at=app.clock(),
            ),
            session=s,
        )
        assert log.id is not None
    return ErasureResult(cmd.person_id, log.id, rows, mails, files, artifacts)


def erase_done(result: ErasureResult, lang: str) -> str:
    art = (
        ("kein Prefect-Server bekannt", "no Prefect server known")
        if result.artifacts_deleted is None
        else (
            f"{result.artifacts_deleted} Artefakte gelöscht",
            f"{result.artifacts_deleted} artifacts deleted",
        )
    )
    if lang == "en":
        return (
            f"Person {result.person_id}'s data erased: {result.rows_changed} records rewritten, "
            f"{result.mails_withdrawn} queued mails withdrawn, {result.files_changed} files "
            f"cleaned, {art[1]}."
        )
    return (
        f"Daten von Person {result.person_id} gelöscht: {result.rows_changed} Datensätze "
        f"umgeschrieben, {result.mails_withdrawn} wartende E-Mails zurückgezogen, "
        f"{result.files_changed} Dateien bereinigt, {art[0]}."
    )
