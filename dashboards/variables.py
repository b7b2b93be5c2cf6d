"""The variables every dashboard has: a Prometheus data source, then app and model."""

from grafanalib.core import REFRESH_ON_TIME_RANGE_CHANGE, SORT_ALPHA_ASC, Template

from dashboards.panels import DATASOURCE
from metrics.queries.calls import CALLS
from metrics.queries.promql import APP_SELECTED, label_values


def datasource() -> Template:
    """Which Prometheus to read; every panel and variable uses it."""
    return Template(name="datasource", label="Data source", query="prometheus",
                    type="datasource", refresh=1)


def label_variable(name: str, label: str, query: str) -> Template:
    """A multi-value variable of a label's values, with All meaning any value."""
    return Template(
        name=name, label=label, query=query, dataSource=DATASOURCE, includeAll=True,
        multi=True, allValue=".*", refresh=REFRESH_ON_TIME_RANGE_CHANGE, sort=SORT_ALPHA_ASC,
    )


def app_and_model() -> list[Template]:
    """Data source, app, and the models of the chosen apps (`gen_ai_response_model`)."""
    return [
        datasource(),
        label_variable("app", "App", label_values(CALLS, "app")),
        label_variable("model", "Model", label_values(CALLS, "gen_ai_response_model",
                                                      APP_SELECTED)),
    ]
