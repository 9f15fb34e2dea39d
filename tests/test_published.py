"""A page is written again only when what it shows changed (ikz.views.published)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikz.views.published import publish_if_changed


def test_the_same_content_is_written_once_and_a_change_again(tmp_path: Path) -> None:
    writes: list[str] = []
    assert publish_if_changed(tmp_path, "ikz-coop-1", "a", lambda: writes.append("a"))
    assert not publish_if_changed(tmp_path, "ikz-coop-1", "a", lambda: writes.append("a2"))
    assert publish_if_changed(tmp_path, "ikz-coop-1", "b", lambda: writes.append("b"))
    # Back to the first content: the server's newest version says "b", so it is written.
    assert publish_if_changed(tmp_path, "ikz-coop-1", "a", lambda: writes.append("a3"))
    assert writes == ["a", "b", "a3"]


def test_keys_are_kept_apart_and_force_writes_anyway(tmp_path: Path) -> None:
    writes: list[str] = []
    publish_if_changed(tmp_path, "ikz-coop-1", "x", lambda: writes.append("coop"))
    assert publish_if_changed(tmp_path, "ikz-portfolio", "x", lambda: writes.append("portfolio"))
    assert publish_if_changed(tmp_path, "ikz-coop-1", "x", lambda: writes.append("f"), force=True)
    assert writes == ["coop", "portfolio", "f"]
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == [
        "ikz-coop-1.sha256",
        "ikz-portfolio.sha256",
    ]


def test_a_failed_write_leaves_the_page_to_be_written_next_time(tmp_path: Path) -> None:
    def refused() -> None:
        raise RuntimeError("server away")

    publish_if_changed(tmp_path, "ikz-statistik", "old", lambda: None)
    with pytest.raises(RuntimeError):
        publish_if_changed(tmp_path, "ikz-statistik", "new", refused)
    writes: list[str] = []
    assert publish_if_changed(tmp_path, "ikz-statistik", "new", lambda: writes.append("new"))
    assert writes == ["new"]


@pytest.mark.parametrize("key", ["../etc/passwd", "ikz coop", "", "IKZ-Coop-1", "a/b"])
def test_a_key_that_is_no_page_key_is_refused_before_anything_is_written(
    tmp_path: Path, key: str
) -> None:
    writes: list[str] = []
    with pytest.raises(ValueError, match="not a page key"):
        publish_if_changed(tmp_path, key, "x", lambda: writes.append("x"))
    assert writes == []
    assert not (tmp_path / "pages").exists()
