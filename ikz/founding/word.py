"""The founding draft as a Word document (python-docx): the Markdown the templates write
(headings, paragraphs, bullet lists, **bold**, _italic_ lines and `code`) turned into
paragraphs with Word's own styles, so the councils' offices edit it as usual."""

from __future__ import annotations

import io
import re

from docx import Document
from docx.text.paragraph import Paragraph

_INLINE = re.compile(r"(\*\*.+?\*\*|`[^`]+`)")


def _runs(par: Paragraph, text: str, italic: bool = False) -> None:
    for part in _INLINE.split(text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            run = par.add_run(part[2:-2])
            run.bold = True
        elif part.startswith("`") and part.endswith("`") and len(part) > 2:
            run = par.add_run(part[1:-1])
            run.font.name = "Courier New"
        else:
            run = par.add_run(part)
        if italic:
            run.italic = True


def markdown_to_docx(markdown: str) -> bytes:
    doc = Document()
    para: list[str] = []

    def flush() -> None:
        if para:
            text = " ".join(para)
            italic = len(text) > 2 and text.startswith("_") and text.endswith("_")
            _runs(doc.add_paragraph(), text[1:-1] if italic else text, italic)
            para.clear()

    for line in markdown.splitlines():
        if line.startswith("# "):
            flush()
            doc.add_heading(line[2:].strip(), level=0)
        elif line.startswith("## "):
            flush()
            doc.add_heading(line[3:].strip(), level=1)
        elif line.startswith("- "):
            flush()
            _runs(doc.add_paragraph(style="List Bullet"), line[2:].strip())
        elif not line.strip():
            flush()
        else:
            para.append(line.strip())
    flush()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
