"""Erasure cleans the Prefect artifacts ikz wrote, on a real Prefect server; a server
that is configured but cannot be reached refuses the erasure with nothing changed."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import ArtifactCreate
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.settings import PREFECT_API_URL

from ikz.actions.erasure import erase_person
from models import commands as c
from models.registry import Person
from states.errors import IkzError
from tests.factories import World, make_app, make_world, open_coop

pytestmark = pytest.mark.slow  # a Prefect test server takes ~15 s to start


@pytest.fixture
def w(tmp_path: Path) -> World:
    app = make_app(f"sqlite:///{tmp_path / 'ikz.sqlite3'}", tmp_path)
    world = make_world(app)
    open_coop(world)
    return world


def _artifact(key: str, markdown: str) -> None:
    with get_client(sync_client=True) as client:
        client.create_artifact(ArtifactCreate(key=key, type="markdown", data=markdown))


def _keys_and_texts() -> list[tuple[str, str]]:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(like_="%erasure-test%"))
        )
    return sorted((a.key or "", str(a.data)) for a in found)


def test_artifact_versions_naming_the_person_are_deleted(
    prefect_server: None, w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    _artifact("ikz-erasure-test-a", "Ansprechperson: Contact Jena")
    _artifact("ikz-erasure-test-a", "Ansprechperson: jemand")
    _artifact("ikz-erasure-test-b", "Mail an contact0@example.org")
    _artifact("other-erasure-test", "Contact Jena, not ikz's")
    done = erase_person(
        w.app,
        c.ErasePerson(
            person_id=w.partners[0].contact_id, reason="Antrag", actor_id=w.coordinator_id
        ),
    )
    # At least these two (the session's server holds other tests' pages naming the
    # factories' people too); afterwards no version of any ikz page names the person.
    assert done.artifacts_deleted is not None and done.artifacts_deleted >= 2
    assert _keys_and_texts() == [
        ("ikz-erasure-test-a", "Ansprechperson: jemand"),
        ("other-erasure-test", "Contact Jena, not ikz's"),
    ]
    with get_client(sync_client=True) as client:
        pages = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(like_="ikz-%"))
        )
    naming = [a.key for a in pages if "contact jena" in str(a.data).lower()]
    assert naming == [] and len(pages) >= 1


def test_an_unreachable_server_refuses_the_erasure(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{port}/api")
    contact = w.partners[0].contact_id
    with pytest.raises(IkzError) as exc:
        erase_person(
            w.app, c.ErasePerson(person_id=contact, reason="Antrag", actor_id=w.coordinator_id)
        )
    assert exc.value.code == "prefect_unreachable"
    assert exc.value.de.startswith(
        f"Der Prefect-Server (http://127.0.0.1:{port}/api) ist nicht erreichbar; "
        "die Artefakte können nicht bereinigt werden, es wurde nichts gelöscht"
    )
    with w.app.db.read() as s:
        person = s.get(Person, contact)
        assert person is not None and (person.name, person.erased_at) == ("Contact Jena", None)
