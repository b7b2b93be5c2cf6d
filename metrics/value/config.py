"""The value config a product owner edits: currency, costs, baseline, KPIs and weights.

Loaded from YAML (`VALUEWATCH_VALUE_CONFIG`, else the shipped `value_default.yaml`) and
validated with pydantic. A required key left without a value fails loudly, naming it.
"""

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from metrics.value.formula import Formula
from metrics.value.kinds import CURRENCY, DIMENSIONS, Direction, kpi_kind

DEFAULT_CONFIG = Path(__file__).parent / "default.yaml"
KPI_NAME = r"^[a-z][a-z0-9_]*$"
# An assessment's name: any dimension a product owner scores by hand (strategic_fit,
# technical_leadership, ...). Which names a deployment takes is its config's to say.
AssessmentName = Annotated[str, Field(pattern=KPI_NAME, max_length=100)]


class Strict(BaseModel):
    """Unknown keys are typos: refuse them."""

    model_config = ConfigDict(extra="forbid")


class Costs(Strict):
    """What the model costs beyond its tokens, per month unless said otherwise."""

    infrastructure_per_month: float = Field(default=0.0, ge=0)
    per_gpu_hour: float = Field(default=0.0, ge=0)
    gpus: int = Field(default=0, ge=0)  # GPUs rented around the clock at per_gpu_hour
    team_per_month: float = Field(default=0.0, ge=0)
    licences_per_month: float = Field(default=0.0, ge=0)
    initial_investment: float | None = Field(default=None, ge=0)  # for the payback period


class Baseline(Strict):
    """How the work was done before the model."""

    hourly_cost: float = Field(ge=0)  # loaded cost of an hour of a person's time
    minutes_per_task: dict[str, float] = {}  # outcome name -> minutes it took by hand


class Slo(Strict):
    """The service level a day must meet to count towards SLO attainment."""

    latency_p95_s: float = Field(default=5.0, gt=0)
    error_rate: float = Field(default=0.01, ge=0, le=1)


class Risk(Strict):
    """What counts as a risk incident."""

    feedback_labels: list[str] = []  # e.g. harmful, pii_leak, hallucination
    outcomes: list[str] = []  # e.g. complaint_escalated


class Kpi(Strict):
    """One KPI: a built-in kind, a formula over other KPIs, or an assessment."""

    name: str = Field(pattern=KPI_NAME, max_length=100)
    target: float
    kind: str | None = None  # default: the name, when it names a built-in kind
    formula: str | None = None
    dimension: str | None = None  # default: the kind's
    direction: Direction | None = None  # default: the kind's
    weight: float = Field(default=1.0, ge=0)
    unit: str | None = None
    definition: str | None = None
    tolerance: float | None = Field(default=None, gt=0)  # the miss that scores 0
    outcome: str | None = None  # outcome_rate: the outcome counted
    of: str | None = None  # outcome_rate: the outcome it is a share of (default: calls)
    assessment: AssessmentName | None = None  # assessment: which qualitative input

    @model_validator(mode="after")
    def _complete(self) -> "Kpi":
        if self.formula is not None:
            if self.kind is not None:
                raise ValueError(f"{self.name}: give a kind or a formula, not both")
            Formula.parse(self.formula)
            for key in ("dimension", "direction"):
                if getattr(self, key) is None:
                    raise ValueError(f"{self.name}.{key} is required for a formula KPI")
            self.unit = self.unit or "value"
            self.definition = self.definition or self.formula
            return self
        kind = kpi_kind(self.kind or self.name)
        if kind is None:
            raise ValueError(f"{self.name}: kind {self.kind or self.name!r} is not a built-in "
                             "kind; give a known kind or a formula")
        self.kind = kind.name
        self.dimension = self.dimension or kind.dimension
        self.direction = self.direction or kind.direction
        self.unit = self.unit or kind.unit
        self.definition = self.definition or kind.definition
        if kind.name == "outcome_rate" and not self.outcome:
            raise ValueError(f"{self.name}.outcome is required for an outcome_rate KPI")
        if kind.name == "assessment" and not self.assessment:
            raise ValueError(f"{self.name}.assessment is required for an assessment KPI")
        return self


class ValueConfig(Strict):
    """The whole value model of one deployment."""

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    currency_per_usd: float = Field(default=1.0, gt=0)  # LLM costs are recorded in USD
    costs: Costs = Costs()
    baseline: Baseline
    revenue_outcomes: list[str] = []  # outcomes whose value is revenue, in the currency
    slo: Slo = Slo()
    risk: Risk = Risk()
    use_cases: list[str] = []  # the use cases the model is meant to cover
    # Qualitative inputs entered each month beside those assessment KPIs score.
    assessments: list[AssessmentName] = []
    dimensions: dict[str, float] = Field(default_factory=lambda: dict.fromkeys(DIMENSIONS, 1.0))
    kpis: list[Kpi] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "ValueConfig":
        names = [kpi.name for kpi in self.kpis]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"KPI names must be unique; repeated: {', '.join(repeated)}")
        for kpi in self.kpis:
            if kpi.dimension not in self.dimensions:
                raise ValueError(f"{kpi.name}.dimension {kpi.dimension!r} is not one of the "
                                 f"dimensions: {', '.join(self.dimensions)}")
        formula_order(self.kpis)  # raises on unknown names and cycles
        return self

    def assessment_names(self) -> list[str]:
        """The assessments the config declares (its `assessments` and those its assessment
        KPIs score), sorted; empty when it declares none, and then any well-formed name
        is taken."""
        scored = {str(kpi.assessment) for kpi in self.kpis if kpi.assessment}
        return sorted(scored | set(self.assessments))

    def unit_of(self, kpi: Kpi) -> str:
        """The KPI's unit, with `currency` replaced by the currency code."""
        return self.currency.lower() if kpi.unit == CURRENCY else str(kpi.unit)


class ValueConfigError(ValueError):
    """A value config that cannot be used; the message names each bad key."""


def formula_order(kpis: list[Kpi]) -> list[Kpi]:
    """The formula KPIs, each after the formula KPIs it uses; ValueError on a cycle."""
    known = {kpi.name: kpi for kpi in kpis}
    formulas = {kpi.name: Formula.parse(kpi.formula) for kpi in kpis if kpi.formula}
    for name, formula in formulas.items():
        unknown = sorted(formula.names - known.keys())
        if unknown:
            raise ValueError(f"{name}.formula uses unknown KPIs: {', '.join(unknown)}")
    ordered: list[Kpi] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in visiting:
            raise ValueError(f"formula KPIs use each other in a cycle through {name}")
        if name not in formulas or known[name] in ordered:
            return
        visiting.add(name)
        for used in sorted(formulas[name].names):
            visit(used)
        visiting.discard(name)
        ordered.append(known[name])

    for name in formulas:
        visit(name)
    return ordered


def load_value_config(path: Path | None) -> ValueConfig:
    """The config at `path` (the shipped default when None); ValueConfigError names every
    missing or bad key, e.g. `kpis.2.target: a value is required`."""
    source = path or DEFAULT_CONFIG
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueConfigError(f"value config {source}: {exc}") from exc
    try:
        return ValueConfig.model_validate(raw if raw is not None else {})
    except ValidationError as exc:
        problems = "; ".join(_problem(error) for error in exc.errors())
        raise ValueConfigError(f"value config {source}: {problems}") from None


def _problem(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "missing":
        return f"{where}: required key is missing"
    if error.get("input", ...) is None:
        return f"{where}: a value is required"
    return f"{where}: {error['msg']}"
