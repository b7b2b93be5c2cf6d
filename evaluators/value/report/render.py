"""A report in one of the formats: html, pdf, json or md, with its media type."""

from evaluators.value.report.charts import report_charts
from evaluators.value.report.document import Report
from evaluators.value.report.html import html
from evaluators.value.report.layout import report_blocks
from evaluators.value.report.markdown import markdown
from evaluators.value.report.pdf import pdf
from metrics.value.tables import REPORT_FORMATS as FORMATS

MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8", "pdf": "application/pdf",
    "json": "application/json", "md": "text/markdown; charset=utf-8",
}


def render(report: Report, formats: tuple[str, ...] = FORMATS) -> dict[str, tuple[str, bytes]]:
    """Each of `formats` as (media type, content); charts are drawn once for all."""
    blocks = report_blocks(report)
    charts = report_charts(report, blocks) if {"html", "pdf"} & set(formats) else {}
    title = f"Value report {report.month}"
    made: dict[str, bytes] = {}
    for name in formats:
        if name == "json":
            made[name] = report.model_dump_json(indent=2).encode()
        elif name == "md":
            made[name] = markdown(blocks).encode()
        elif name == "html":
            made[name] = html(blocks, charts, title).encode()
        elif name == "pdf":
            made[name] = pdf(blocks, charts, title)
        else:
            raise ValueError(f"unknown report format {name!r}; known: {', '.join(FORMATS)}")
    return {name: (MEDIA_TYPES[name], content) for name, content in made.items()}
