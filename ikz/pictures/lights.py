"""A traffic light as a coloured dot plus its word, readable without an emoji font
(an emoji light is an empty box on a machine without one)."""

from __future__ import annotations

import base64

from states.health import Colour, colour_label

FILL = {Colour.GREEN: "#16a34a", Colour.YELLOW: "#eab308", Colour.RED: "#dc2626"}


def dot_svg(colour: Colour) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="14" height="14" viewBox="0 0 14 14">'
        f'<circle cx="7" cy="7" r="6" fill="{FILL[colour]}" stroke="#1f2937" '
        'stroke-width="1"/></svg>'
    )


def light(colour: Colour | str, lang: str = "de") -> str:
    """Markdown: the dot (an image whose alt text is the word) and the word."""
    c = Colour(colour)
    word = colour_label(c, "en" if lang == "en" else "de")
    data = base64.b64encode(dot_svg(c).encode()).decode()
    return f"![{word}](data:image/svg+xml;base64,{data}) {word}"
