"""The report as one self-contained HTML page: inline CSS, charts as base64 SVG."""

import base64
from html import escape

from evaluators.value.report.blocks import Block, Bullets, Heading, Table, Text
from evaluators.value.report.charts import Drawn

STYLE = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; color: #1a202c; line-height: 1.45; }
h1 { border-bottom: 3px solid #2b6cb0; padding-bottom: .3rem; }
h2 { margin-top: 2rem; border-bottom: 1px solid #cbd5e0; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; }
th, td { border: 1px solid #e2e8f0; padding: .25rem .6rem; text-align: left; }
th { background: #edf2f7; }
figure { margin: .8rem 0; } figcaption { font-size: .8rem; color: #4a5568; }
"""


def _block(block: Block, charts: dict[str, Drawn]) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, Text):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Table):
        head = "".join(f"<th>{escape(cell)}</th>" for cell in block.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
            for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if block.key not in charts:
        return ""
    data = base64.b64encode(charts[block.key].svg).decode()
    return (f'<figure><img alt="{escape(block.caption)}" src="data:image/svg+xml;base64,{data}">'
            f"<figcaption>{escape(block.caption)}</figcaption></figure>")


def html(blocks: list[Block], charts: dict[str, Drawn], title: str) -> str:
    """One HTML page for `blocks`, with `charts` inlined; it loads nothing from elsewhere."""
    body = "\n".join(_block(block, charts) for block in blocks)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
            f"<body>\n{body}\n</body></html>\n")
