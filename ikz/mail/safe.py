"""The last guard before text becomes a mail header, a recipient or a calendar property.

Input is checked in models.validation, but rows stored before that check (or by a bug,
or by hand) are rendered too, so every value is made harmless here once more, without
relying on the email package of the Python that runs the dispatcher: Python 3.11's
decodes RFC 2047 encoded words while it builds a header and writes a decoded CR/LF raw.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ikz.mail.text_common import Content
from models.validation import UNSAFE_CHAR, UNSAFE_TEXT_CHAR

# Line breaks of every kind, for text that keeps its lines (a body, an .ics DESCRIPTION).
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# What a recipient address may not hold beyond what a single addr-spec allows: anything
# that would make it two addresses, a display name or a group, or a second line.
_NOT_IN_ADDRESS = re.compile(r"[\s,;:<>()\[\]\"\\]")


class UnsafeAddressError(ValueError):
    """A stored recipient address that is not one plain address: the mail is not sent
    (the dispatcher records it as not renderable) rather than sent somewhere else."""


def line(value: object) -> str:
    """One line: every control, separator or hidden character becomes a space, and runs
    of whitespace one space."""
    return " ".join(UNSAFE_CHAR.sub(" ", str(value)).split())


@lru_cache(maxsize=4096)
def header_text(value: str) -> str:
    """A header value: `line`, and no encoded word. Breaking the `=?` that opens one
    keeps any mail software from decoding hidden text (the inserted space is visible
    but harmless; legitimate text hardly ever holds `=?`). Non-ASCII text is then
    encoded by the email package itself, from text that holds no line break."""
    return line(value).replace("=?", "= ?")


def text(value: object) -> str:
    """Multi-line text (a paragraph, a fact, a DESCRIPTION): every kind of line break
    becomes a line feed, other control characters a space; tabs stay. Stripped, so that
    a character removed at an end leaves no space behind."""
    return UNSAFE_TEXT_CHAR.sub(" ", _BREAKS.sub("\n", str(value))).strip()


def address(value: str) -> str:
    """A recipient address as stored, if it is one plain address (else UnsafeAddressError)."""
    if UNSAFE_CHAR.search(value) or _NOT_IN_ADDRESS.search(value) or value.count("@") != 1:
        raise UnsafeAddressError(f"recipient address refused: {value!r}")
    return value


def content(c: Content) -> Content:
    """A builder's Content with every text made safe: the subject for a header, the rest
    for a body (a NUL or a lone CR does not belong in a mail body either)."""
    return Content(
        subject=header_text(c.subject),
        paragraphs=[text(p) for p in c.paragraphs],
        facts=[(line(label), text(value)) for label, value in c.facts],
        action=None if c.action is None else text(c.action),
    )
