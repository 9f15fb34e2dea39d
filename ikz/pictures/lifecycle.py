"""The lifecycle as a picture, the current state marked: SVG, embeddable as an image.

Drawn by hand rather than by a charting library: eight boxes and their arrows, and the
cooperation page is written after every change, so it must cost microseconds, not the
second that importing matplotlib takes.
"""

from __future__ import annotations

import base64
from html import escape

from states.lifecycle import STATE_LABELS, State

# The forward path in one row; pausing and ending below it, reachable from every state.
ROW = (
    State.INFORMAL_CONTACT,
    State.EXPLORATION,
    State.AGREEMENT,
    State.PILOT,
    State.EVALUATION,
    State.PERMANENT,
)
BOX_W, BOX_H, GAP, PAD = 150, 48, 34, 16
CURRENT_FILL, CURRENT_STROKE = "#fde2c4", "#b45309"
PLAIN_FILL, PLAIN_STROKE, TEXT = "#f3f4f6", "#4b5563", "#111827"


def _box(x: int, y: int, state: State, current: State | None, lang: str) -> str:
    label = STATE_LABELS[state][1 if lang == "en" else 0]
    here = state is current
    fill, stroke, width = (
        (CURRENT_FILL, CURRENT_STROKE, 4) if here else (PLAIN_FILL, PLAIN_STROKE, 1.5)
    )
    mark = ("aktuell" if lang != "en" else "current") if here else ""
    parts = [
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="{width}"/>',
        f'<text x="{x + BOX_W // 2}" y="{y + (22 if mark else 29)}" text-anchor="middle" '
        f'font-weight="{"bold" if here else "normal"}">{escape(label)}</text>',
    ]
    if mark:
        parts.append(
            f'<text x="{x + BOX_W // 2}" y="{y + 40}" text-anchor="middle" font-size="11" '
            f'fill="{CURRENT_STROKE}">▲ {mark}</text>'
        )
    return "".join(parts)


def lifecycle_svg(current: State | None = None, lang: str = "de") -> str:
    width = PAD * 2 + len(ROW) * BOX_W + (len(ROW) - 1) * GAP
    y1, y2 = PAD, PAD + BOX_H + 56
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y2 + BOX_H + PAD}" '
        f'viewBox="0 0 {width} {y2 + BOX_H + PAD}" font-family="DejaVu Sans, Arial, '
        f'sans-serif" font-size="14" fill="{TEXT}">',
        '<rect width="100%" height="100%" rx="10" fill="#ffffff"/>',
        '<defs><marker id="a" markerWidth="10" markerHeight="8" refX="9" refY="4" '
        f'orient="auto"><path d="M0,0 L10,4 L0,8 z" fill="{PLAIN_STROKE}"/></marker></defs>',
    ]
    for i, state in enumerate(ROW):
        x = PAD + i * (BOX_W + GAP)
        out.append(_box(x, y1, state, current, lang))
        if i:
            out.append(
                f'<line x1="{x - GAP + 2}" y1="{y1 + BOX_H // 2}" x2="{x - 3}" '
                f'y2="{y1 + BOX_H // 2}" stroke="{PLAIN_STROKE}" stroke-width="2" '
                'marker-end="url(#a)"/>'
            )
    below = ((State.PAUSED, 1), (State.ENDED, 3))
    for state, col in below:
        x = PAD + col * (BOX_W + GAP) + (BOX_W + GAP) // 2
        out.append(_box(x, y2, state, current, lang))
    de_note = "Pausieren und Beenden aus jedem Zustand; aus Pausiert weiter mit „Fortsetzen“"
    en_note = "Pause and end from any state; from Paused on with “Resume”"
    out.append(
        f'<text x="{PAD}" y="{y2 - 16}" font-size="12" fill="{PLAIN_STROKE}">'
        f"{escape(en_note if lang == 'en' else de_note)}</text>"
    )
    out.append("</svg>")
    return "".join(out)


def lifecycle_image(current: State | None = None, lang: str = "de") -> str:
    """A Markdown image of the lifecycle (data URI), with an alt text naming the state."""
    svg = lifecycle_svg(current, lang).encode()
    data = base64.b64encode(svg).decode()
    if current is None:
        alt = "Lifecycle" if lang == "en" else "Lebenszyklus"
    else:
        label = STATE_LABELS[current][1 if lang == "en" else 0]
        alt = (
            f"Lifecycle, current state: {label}"
            if lang == "en"
            else f"Lebenszyklus, aktueller Zustand: {label}"
        )
    return f"![{alt}](data:image/svg+xml;base64,{data})"
