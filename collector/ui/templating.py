"""The Jinja2 templates shipped with the package, and how numbers read on the pages."""

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from collector.ui.session import Viewer

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


def number(value: float | None, unit: str = "") -> str:
    """A KPI value as a person reads it: ratios as percentages, big numbers grouped."""
    if value is None:
        return "–"
    if unit == "ratio":
        return f"{value * 100:.1f} %"
    shown = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{shown} {unit}".strip() if unit not in ("", "value", "score", "count") else shown


TEMPLATES.env.filters["number"] = number


def page(request: Request, template: str, viewer: Viewer | None, status_code: int = 200,
         **context: Any) -> HTMLResponse:
    """Render `template` for `viewer` (None on the sign-in page)."""
    return TEMPLATES.TemplateResponse(
        request, template, {"viewer": viewer, **context}, status_code=status_code
    )
