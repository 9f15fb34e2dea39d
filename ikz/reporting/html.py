"""The report and the press release as one standalone HTML page (report.html)."""

from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt

from states.errors import Language

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1a1a1a; line-height: 1.5;
       max-width: 960px; margin: 2em auto; padding: 0 1em; }
h1 { border-bottom: 3px solid #08519c; padding-bottom: .3em; }
h2 { color: #08519c; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .8em 0; }
th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f0f4f8; }
img { max-width: 100%; height: auto; }
hr { margin: 3em 0; border: 0; border-top: 2px dashed #999; }
"""


def to_html(markdown: str) -> str:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    # Raw HTML stays escaped; only the line breaks inside table cells are let through.
    rendered: str = md.render(markdown)
    return rendered.replace("&lt;br&gt;", "<br>")


def page(title: str, parts: list[str], lang: Language = "de") -> str:
    body = "\n<hr>\n".join(to_html(p) for p in parts)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
