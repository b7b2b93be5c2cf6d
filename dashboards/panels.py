"""Panel builders: every panel reads the `datasource` variable, has a unit and says what an
empty result means, so a panel never shows a bare "No data"."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import attr
from grafanalib.core import (
    Dashboard,
    GridPos,
    Panel,
    Repeat,
    RowPanel,
    Stat,
    Target,
    Template,
    Templating,
    Time,
    TimeSeries,
)

from metrics.conventions import DASHBOARD_TAG, DASHBOARD_UID_PREFIX

SCHEMA_VERSION = 39  # Grafana 10.4 and 11
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
GRID_WIDTH = 24
REF_IDS = "ABCDEFGH"
DASHED = {"id": "custom.lineStyle", "value": {"dash": [10, 10], "fill": "dash"}}


@dataclass(frozen=True)
class Query:
    """One query of a panel and how its series are named in the legend."""

    expr: str
    legend: str = ""


def steps(*levels: tuple[str, float | None]) -> list[dict[str, Any]]:
    """Threshold steps, lowest first; the first level's value is None (from -infinity)."""
    return [{"color": color, "value": value} for color, value in levels]


@attr.s
class ExemplarTarget(Target):
    """A Prometheus target that also asks for exemplars: the trace ids on histograms, drawn
    as points that link to the trace (through the Prometheus data source's
    `exemplarTraceIdDestinations`)."""

    def to_json_data(self) -> dict[str, Any]:
        """The target's JSON with `"exemplar": true`."""
        return {**super().to_json_data(), "exemplar": True}


def _targets(queries: Sequence[Query], exemplars: bool = False) -> list[Target]:
    kind = ExemplarTarget if exemplars else Target
    return [
        kind(expr=q.expr, legendFormat=q.legend, refId=ref, datasource=DATASOURCE,
             intervalFactor=1)
        for q, ref in zip(queries, REF_IDS, strict=False)
    ]


def _no_value(text: str) -> dict[str, Any]:
    return {"fieldConfig": {"defaults": {"noValue": text}}}


def timeseries(
    title: str, unit: str, queries: Sequence[Query], *, description: str,
    thresholds: Sequence[tuple[str, float | None]] = (), dashed: Sequence[int] = (),
    no_value: str = "no series yet: nothing was recorded in this range", repeat: str = "",
    exemplars: bool = False,
) -> TimeSeries:
    """A time series panel; `thresholds` are drawn as lines, queries at `dashed` dashed,
    and with `exemplars` the trace exemplars of the queried histograms as points."""
    overrides = [
        {"matcher": {"id": "byFrameRefID", "options": REF_IDS[index]}, "properties": [DASHED]}
        for index in dashed
    ]
    return TimeSeries(
        title=title, description=description, dataSource=DATASOURCE,
        targets=_targets(queries, exemplars), unit=unit, thresholds=steps(*thresholds),
        thresholdsStyleMode="dashed" if thresholds else "off", overrides=overrides,
        legendDisplayMode="list", tooltipMode="multi", extraJson=_no_value(no_value),
        repeat=Repeat("h", repeat, 3) if repeat else Repeat(),
    )


def stat(
    title: str, unit: str, queries: Sequence[Query], *, description: str,
    thresholds: Sequence[tuple[str, float | None]] = (("blue", None),),
    mappings: Sequence[dict[str, Any]] = (), no_value: str = "not computed yet",
) -> Stat:
    """A stat panel showing each series' latest value, coloured by `thresholds`."""
    return Stat(
        title=title, description=description, dataSource=DATASOURCE, targets=_targets(queries),
        format=unit, thresholds=steps(*thresholds), mappings=list(mappings),
        reduceCalc="lastNotNull", graphMode="none", noValue=no_value,
    )


def value_text(value: int, text: str, color: str) -> dict[str, Any]:
    """A value mapping that shows `text` in `color` for `value`."""
    return {"type": "value", "options": {str(value): {"text": text, "color": color}}}


@dataclass(frozen=True)
class Section:
    """A titled row of panels, each `(panel, width)` on a 24-column grid."""

    title: str
    cells: Sequence[tuple[Panel, int]]
    height: int = 8


def layout(*sections: Section) -> list[Panel]:
    """Rows and panels placed left to right, top to bottom, with ids in that order."""
    placed: list[Panel] = []
    y = 0
    for section in sections:
        placed.append(RowPanel(title=section.title, gridPos=GridPos(h=1, w=GRID_WIDTH, x=0, y=y)))
        y, x = y + 1, 0
        for panel, width in section.cells:
            if x + width > GRID_WIDTH:
                y, x = y + section.height, 0
            placed.append(attr.evolve(panel, gridPos=GridPos(h=section.height, w=width, x=x, y=y)))
            x += width
        y += section.height
    return [attr.evolve(panel, id=number) for number, panel in enumerate(placed, start=1)]


def generated_dashboard(
    title: str, uid: str, description: str, variables: list[Template], *sections: Section
) -> Dashboard:
    """A dashboard as every generated one is: stable uid, current schema, read-only."""
    return Dashboard(
        title=f"valuewatch / {title}", uid=f"{DASHBOARD_UID_PREFIX}{uid}",
        tags=[DASHBOARD_TAG], description=f"{description} Generated by valuewatch; edits are "
        "overwritten.", templating=Templating(variables), time=Time("now-6h", "now"),
        refresh="1m", schemaVersion=SCHEMA_VERSION, graphTooltip=1, editable=False,
        panels=layout(*sections),
    )
