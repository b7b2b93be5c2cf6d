"""The value report as data: what every format renders, and what JSON gives verbatim."""

from datetime import datetime

from pydantic import BaseModel, computed_field

from metrics.value.coverage import Coverage
from metrics.value.scorecard import KpiResult


class KpiLine(KpiResult):
    """A KPI this month against its target and against last month."""

    previous: float | None = None
    previous_score: float | None = None
    scored_target: float | None = None  # the target scored against (prorated while open)
    trend: list[float | None] = []  # the value of each month of `Report.trend_months`

    @computed_field  # type: ignore[prop-decorator]
    @property
    def change(self) -> float | None:
        """Value this month − value last month."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @computed_field  # type: ignore[prop-decorator]
    @property
    def score_change(self) -> float | None:
        """Score this month − score last month."""
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score


class Summary(BaseModel):
    """The executive summary."""

    value_score: float | None
    previous_value_score: float | None
    roi: float | None
    value_created: float | None
    total_cost: float | None
    movers: list[KpiLine]  # the three KPIs whose score moved most since last month
    unpriced_calls: int = 0  # calls of models the price table lacks: not in the cost


class Dimension(BaseModel):
    """One value dimension and its KPIs."""

    dimension: str
    weight: float
    score: float | None
    previous_score: float | None
    kpis: list[KpiLine]


class MonthPoint(BaseModel):
    """One month of the long-term view."""

    month: str
    value_score: float | None
    value_created: float | None
    total_cost: float | None


class LongTerm(BaseModel):
    """Short-term against long-term: the last twelve months and their running totals."""

    months: list[MonthPoint]
    cumulative_value: float
    cumulative_cost: float
    cumulative_roi: float | None
    value_score_trend_per_month: float | None  # least-squares slope, points per month


class Contribution(BaseModel):
    """One app, model or use case: its share of a measure last month and this month."""

    name: str
    previous: float
    current: float

    @computed_field  # type: ignore[prop-decorator]
    @property
    def change(self) -> float:
        """This month − last month."""
        return self.current - self.previous


class Breakdown(BaseModel):
    """A measure's month-over-month change, broken down by app, model or use case."""

    measure: str  # value_created, llm_spend, calls, errors
    by: str  # app, model, use_case
    items: list[Contribution]


class Explanation(BaseModel):
    """Why a KPI beat or missed its target, in words."""

    kpi: str
    value: float | None
    target: float
    score: float | None
    reason: str


class AccuracyLine(BaseModel):
    """Accuracy of one app × model × task over the month."""

    app: str
    model: str
    task: str
    graded: int
    ratio: float | None
    windows_below_target: int


class DriftLine(BaseModel):
    """Drift of one signal of one app × model over the month's windows."""

    app: str
    model: str
    signal: str
    method: str
    windows: int
    detected: int
    max_score: float


class FairnessLine(BaseModel):
    """A metric of one app × model across the segments of a call attribute, over the
    month's fairness windows."""

    app: str
    model: str
    segment: str  # the attribute key, e.g. language
    metric: str  # accuracy, positive_feedback or latency_s
    windows: int
    significant: int  # windows with a significant gap of at least its threshold
    max_gap: float
    lowest: str  # the segment lowest where the gap was largest


class AlertLine(BaseModel):
    """An alert that fired in the month."""

    alertname: str
    severity: str
    status: str
    summary: str
    starts_at: datetime
    ends_at: datetime | None


class ErrorSpike(BaseModel):
    """A day whose error rate in one app stood far above the app's month."""

    day: str
    app: str
    calls: int
    error_rate: float
    month_error_rate: float


class EmergingUseCase(BaseModel):
    """A use case new this month, or growing fast."""

    use_case: str
    calls: int
    previous_calls: int
    status: str  # new or growing


class EmergingTheme(BaseModel):
    """A theme found in untagged prompt text, new this month or growing, with its evidence
    against the app's average over the same days."""

    app: str
    terms: list[str]
    status: str  # new or growing
    first_seen: datetime
    share: float  # of the app's calls since first seen
    calls: int
    users: int  # distinct users on its busiest day
    covered_by: str | None  # the use_case tag most of its calls carry, if one does
    thumbs_up_ratio: float | None
    average_thumbs_up_ratio: float | None
    accuracy: float | None
    average_accuracy: float | None
    latency_s: float | None
    average_latency_s: float | None
    cost_per_call: float | None
    average_cost_per_call: float | None


class Action(BaseModel):
    """A recommended action, the rule that raised it and the evidence it rests on."""

    rule: str
    action: str
    evidence: str = ""


class Effect(BaseModel):
    """One group's part of a rate's change: through its share (mix) and its own rate."""

    group: str
    previous_share: float
    share: float
    previous_rate: float | None
    rate: float | None
    mix: float
    rate_effect: float


class Decomposition(BaseModel):
    """A rate's change split into a mix effect (shares moved between groups) and a rate
    effect (rates moved within groups); the two add up to the change."""

    measure: str  # e.g. "cost per call by model"
    unit: str
    previous: float
    current: float
    mix: float
    rate: float
    groups: list[Effect]  # largest total effect first

    @computed_field  # type: ignore[prop-decorator]
    @property
    def change(self) -> float:
        """Current − previous, equal to mix + rate."""
        return self.current - self.previous


class Evidence(BaseModel):
    """Something valuewatch recorded that bears on a KPI's change, with when and how much."""

    kind: str  # drift, incident, error_spike, share, use_case, accuracy_window
    since: str  # the first day, YYYY-MM-DD
    size: float  # windows drifted, calls, error rate, share change: see `text`
    text: str


class KpiCauses(BaseModel):
    """Why one KPI moved or missed: its decomposition and the evidence behind it."""

    kpi: str
    decomposition: Decomposition | None
    evidence: list[Evidence]
    lines: list[str]  # the causes in words, specific to this KPI


class WaterfallStep(BaseModel):
    """One step from value created down to net value."""

    label: str
    amount: float  # negative for a cost
    source: str  # measured, configured or computed
    note: str = ""


class Waterfall(BaseModel):
    """Value created, minus each cost, down to the net."""

    value_created: float
    steps: list[WaterfallStep]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def net(self) -> float:
        """Value created plus every (negative) step."""
        return self.value_created + sum(step.amount for step in self.steps)


class Assessment(BaseModel):
    """A qualitative input entered for the month."""

    name: str
    score: float
    note: str


class Report(BaseModel):
    """The monthly value report."""

    month: str
    final: bool  # the month had closed when the report was made
    through: datetime
    generated_at: datetime
    currency: str
    has_data: bool
    summary: Summary
    revision: int = 1  # 2 and up: a final month revised after late records
    status: str = "draft"  # draft (month open), final, or revised
    trend_months: list[str] = []  # the months of each KPI's trend, oldest first
    causes: list[KpiCauses] = []
    waterfall: Waterfall | None = None
    revision_reason: str = ""
    coverage: Coverage | None = None
    prorated_share: float | None = None  # month to date: volume targets × this share
    dimensions: list[Dimension]
    long_term: LongTerm
    breakdowns: list[Breakdown]
    over_expectation: list[Explanation]
    under_expectation: list[Explanation]
    accuracy: list[AccuracyLine]
    drift: list[DriftLine]
    fairness: list[FairnessLine] = []
    alerts: list[AlertLine]
    error_spikes: list[ErrorSpike]
    emerging_use_cases: list[EmergingUseCase]
    emerging_themes: list[EmergingTheme] = []
    assessments: list[Assessment]
    actions: list[Action]
