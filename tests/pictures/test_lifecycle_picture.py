"""The lifecycle picture: valid SVG, every state drawn once, the current one marked."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import pytest

from ikz.pictures.lifecycle import lifecycle_image, lifecycle_svg
from states.lifecycle import State

NS = {"s": "http://www.w3.org/2000/svg"}
GERMAN = [
    "Informeller Kontakt",
    "Sondierung",
    "Vereinbarung",
    "Pilotphase",
    "Evaluation",
    "Verstetigt",
    "Pausiert",
    "Beendet",
]


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iterfind(".//s:text", NS)]


def _bold(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iterfind(".//s:text", NS) if t.get("font-weight") == "bold"]


@pytest.mark.parametrize(
    ("state", "label"), [(State.PILOT, "Pilotphase"), (State.ENDED, "Beendet")]
)
def test_the_current_state_is_the_one_marked(state: State, label: str) -> None:
    svg = lifecycle_svg(state)
    texts = _texts(svg)
    assert [t for t in texts if t in GERMAN] == GERMAN
    assert _bold(svg) == [label]
    assert texts.count("▲ aktuell") == 1
    assert svg.count('stroke="#b45309" stroke-width="4"') == 1


def test_without_a_current_state_nothing_is_marked_and_english_on_request() -> None:
    svg = lifecycle_svg(None, "en")
    assert _bold(svg) == [] and "aktuell" not in svg and "current" not in svg
    assert "Informal contact" in _texts(svg)


def test_the_image_is_the_svg_with_an_alt_text_naming_the_state() -> None:
    md = lifecycle_image(State.AGREEMENT)
    m = re.fullmatch(r"!\[([^\]]*)\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", md)
    assert m is not None
    assert m.group(1) == "Lebenszyklus, aktueller Zustand: Vereinbarung"
    assert base64.b64decode(m.group(2)).decode() == lifecycle_svg(State.AGREEMENT)
