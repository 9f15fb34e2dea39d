"""Pictures for the pages people read: drawn as SVG text, embedded as data URIs (the
Prefect UI renders no Mermaid)."""
