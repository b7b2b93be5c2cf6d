"""Business value: the value score by dimension, ROI, KPIs against their targets, cost per
outcome, hours saved and adoption, for the month to date."""

from grafanalib.core import Dashboard, Stat

from dashboards.panels import Query, Section, generated_dashboard, stat, timeseries
from dashboards.variables import app_and_model
from metrics.monitoring import MonitoringConfig
from metrics.queries import calls, value
from metrics.queries.promql import APP_SELECTED, RATE_INTERVAL

SCORE = "suffix:/100"
SCORE_COLOURS = (("red", None), ("orange", 50.0), ("green", 75.0))
KPI = "{{kpi}}"
NOT_SCORED = "not scored yet: the KPI evaluator has not run this month"
TOPICS_OFF = ("no themes: topics are off unless VALUEWATCH_TOPICS_ENABLED=true, and need "
              "a day of prompts from enough users")
GRAFANA_CURRENCIES = {"USD", "GBP", "EUR", "JPY", "RUB", "UAH", "BRL", "DKK", "ISK", "NOK",
                      "SEK", "CZK", "CHF", "PLN", "ZAR", "INR", "KRW", "IDR", "PHP", "VND"}


def money(currency: str) -> str:
    """Grafana's unit for amounts in `currency` (an ISO code), or the code as a suffix."""
    return f"currency{currency}" if currency in GRAFANA_CURRENCIES else f"suffix: {currency}"


def kpi_stat(title: str, unit: str, description: str, *kpis: str) -> Stat:
    """The month-to-date value of one or more KPIs."""
    return stat(title, unit, [Query(value.kpi(*kpis), KPI)], description=description,
                no_value=NOT_SCORED)


def score() -> Section:
    """The overall value score and its dimensions."""
    return Section("Value score (month to date)", [
        (stat("Overall value score", SCORE, [Query(value.overall_value_score(), "overall")],
              description="Weighted total of the dimension scores, 0 to 100.",
              thresholds=SCORE_COLOURS, no_value=NOT_SCORED), 6),
        (stat("Value score by dimension", SCORE,
              [Query(value.value_score_by_dimension(), "{{dimension}}")],
              description="Financial, efficiency, user experience, quality, risk, adoption "
              "and strategic value, each 0 to 100.", thresholds=SCORE_COLOURS,
              no_value=NOT_SCORED), 14),
        (stat("Days with data", "percentunit", [Query(value.data_coverage(), "{{period}}")],
              description="Share of the month's days so far with any call, feedback, grade "
              "or outcome. Below 100% the month is partial: scores rest on fewer days.",
              no_value=NOT_SCORED), 4),
    ], height=5)


def returns(currency: str) -> Section:
    """ROI, money and time."""
    return Section("Return", [
        (kpi_stat("ROI", "percentunit", "(Value created − total cost) ÷ total cost.", "roi"), 4),
        (kpi_stat("Value created and costs", money(currency),
                  "Value created, LLM spend and total cost (LLM, infrastructure, team).",
                  "value_created", "llm_spend", "total_cost"), 10),
        (kpi_stat("Cost per outcome", money(currency), "Total cost ÷ successful outcomes.",
                  "cost_per_outcome"), 5),
        (kpi_stat("Hours saved", "h", "Task outcomes × the minutes each took before ÷ 60.",
                  "hours_saved"), 5),
    ], height=5)


def kpis() -> Section:
    """Every KPI against its target."""
    return Section("KPIs against targets", [
        (stat("KPI score (100 = on target)", SCORE, [Query(value.kpi_scores(), KPI)],
              description="Each KPI normalised against its target and direction.",
              thresholds=SCORE_COLOURS, no_value=NOT_SCORED), 12),
        (timeseries("KPI value ÷ target", "percentunit",
                    [Query(value.kpi_against_target(), KPI)],
                    description="100% is on target; for costs and errors lower is better.",
                    no_value=NOT_SCORED), 12),
        (kpi_stat("Satisfaction and quality", "percentunit",
                  "CSAT, thumbs-up ratio, accuracy and error rate for the month to date.",
                  "csat", "thumbs_up_ratio", "accuracy", "error_rate"), 12),
        (kpi_stat("Latency p95", "s", "95th percentile of call duration this month.",
                  "latency_p95_seconds"), 6),
        (kpi_stat("Active users", "suffix: users", "Distinct users with a call this month.",
                  "active_users"), 6),
    ])


def adoption() -> Section:
    """Use and outcomes over time, straight from the collector."""
    return Section("Adoption", [
        (timeseries("Calls per hour", "suffix: calls/h",
                    [Query(calls.calls_per_hour(APP_SELECTED, window=RATE_INTERVAL), "{{app}}")],
                    description="LLM calls an hour, by app."), 12),
        (timeseries("Outcomes per hour", "suffix: outcomes/h",
                    [Query(calls.outcomes_per_hour(APP_SELECTED, window=RATE_INTERVAL),
                           "{{app}} {{outcome}}")],
                    description="Business outcomes reported an hour, by app and outcome.",
                    no_value="no outcomes reported in this range"), 12),
    ])


def themes() -> Section:
    """What users ask about, from the topics job's newest day."""
    return Section("Themes", [
        (stat("Themes in prompts (share of calls)", "percentunit",
              [Query(value.theme_shares(), "{{app}}: {{topic}} ({{status}})")],
              description="Each theme found in the newest day's prompts, as a share of the "
              "app's calls, with its status against the themes of the last 28 days: new, "
              "growing, steady or fading. The monthly report lists new and growing themes "
              "with their quality.", no_value=TOPICS_OFF), 24),
    ], height=6)


def value_dashboard(config: MonitoringConfig) -> Dashboard:
    """The business value dashboard, money in the value config's currency."""
    return generated_dashboard(
        "Business value", "business-value",
        "Is it worth it? Value, ROI and KPIs for the month to date.",
        app_and_model(), score(), returns(config.currency), kpis(), adoption(), themes(),
    )
