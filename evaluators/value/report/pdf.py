"""The report as PDF, laid out by reportlab's platypus (pure Python, BSD licence).

The standard PDF fonts hold only the Windows-1252 characters, so the few symbols of
the report outside them are spelled in ASCII.
"""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    Flowable,
    Image,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from evaluators.value.report.blocks import Block, Bullets, Heading, Table, Text
from evaluators.value.report.charts import Drawn

ASCII = str.maketrans({"−": "-", "→": "->", "×": "x", "≥": ">=", "≤": "<=", "Σ": "sum ", "…": "...",
                        **dict(zip("▁▂▃▄▅▆▇█", "_.-~=+*#", strict=True))})
STYLES = getSampleStyleSheet()
CELL = STYLES["BodyText"].clone("cell", fontSize=7.5, leading=9)
WIDTH = A4[0] - 4 * cm
GRID = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#cbd5e0")),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#edf2f7")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
])


def _text(text: str) -> str:
    return escape(text.translate(ASCII))


def _flowables(block: Block, charts: dict[str, Drawn]) -> list[Flowable]:
    if isinstance(block, Heading):
        return [Paragraph(_text(block.text), STYLES[f"Heading{block.level}"])]
    if isinstance(block, Text):
        return [Paragraph(_text(block.text), STYLES["BodyText"])]
    if isinstance(block, Bullets):
        items = [ListItem(Paragraph(_text(item), STYLES["BodyText"])) for item in block.items]
        return [ListFlowable(items, bulletType="bullet")] if items else []
    if isinstance(block, Table):
        rows = [[Paragraph(_text(cell), CELL) for cell in row]
                for row in (block.header, *block.rows)]
        table = PdfTable(rows, colWidths=[WIDTH / len(block.header)] * len(block.header),
                         repeatRows=1)
        table.setStyle(GRID)
        return [table, Spacer(1, 0.3 * cm)]
    if block.key not in charts:
        return []
    image = Image(io.BytesIO(charts[block.key].png))
    scale = min(1.0, WIDTH / image.drawWidth) * 0.75
    image.drawWidth, image.drawHeight = image.drawWidth * scale, image.drawHeight * scale
    return [image]


def pdf(blocks: list[Block], charts: dict[str, Drawn], title: str) -> bytes:
    """A PDF of `blocks` with `charts`, on A4."""
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, title=title, author="valuewatch",
                                 leftMargin=2 * cm, rightMargin=2 * cm,
                                 topMargin=1.8 * cm, bottomMargin=1.8 * cm)
    document.build([part for block in blocks for part in _flowables(block, charts)])
    return out.getvalue()
