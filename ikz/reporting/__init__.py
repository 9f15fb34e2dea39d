"""Success reports (factor 5): data, charts, Markdown/HTML and the draft press release.

`ikz.reporting.report` puts them together; each module here does one part and is pure apart from
`data.gather` (reads the database) and `charts` (draws PNGs in memory).
"""
