"""prometheus_client instruments built from the catalog into a registry the caller owns."""

from collections.abc import Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from metrics.catalog import CATALOG, MetricSpec

OVERFLOW_VALUE = "other"


class LabelLimiter:
    """Caps the distinct values each label may take; later newcomers become `other`.

    One misbehaving client sending a fresh model name per call would otherwise create a
    new time series per call.
    """

    def __init__(self, limit: int, on_overflow: Counter | None = None) -> None:
        self.limit = limit
        self._seen: dict[str, set[str]] = {}
        self._on_overflow = on_overflow

    def value(self, label: str, value: str | None) -> str:
        """The value to export for `label`: itself while under the cap, else `other`."""
        text = "" if value is None else str(value)
        seen = self._seen.setdefault(label, set())
        if text in seen:
            return text
        if len(seen) < self.limit:
            seen.add(text)
            return text
        if self._on_overflow is not None:
            self._on_overflow.labels(label=label).inc()
        return OVERFLOW_VALUE


class Instruments:
    """The live instruments of one exporter, looked up by catalog name."""

    def __init__(
        self, registry: CollectorRegistry, specs: Iterable[MetricSpec], label_limit: int = 100
    ) -> None:
        self._by_name: dict[str, Any] = {s.name: _build(s, registry) for s in specs}
        overflow = self._by_name.get("valuewatch_label_overflow_total")
        self.limiter = LabelLimiter(label_limit, overflow)

    def __getitem__(self, name: str) -> Any:
        return self._by_name[name]

    def labels(self, name: str, **values: str | None) -> Any:
        """The child of `name` for these label values, each passed through the cap."""
        capped = {k: self.limiter.value(k, v) for k, v in values.items()}
        return self._by_name[name].labels(**capped)


def collector_instruments(registry: CollectorRegistry, label_limit: int = 100) -> Instruments:
    """Instruments for every catalog metric the collector exports."""
    specs = [s for s in CATALOG if s.exported_by == "collector"]
    return Instruments(registry, specs, label_limit)


def _build(spec: MetricSpec, registry: CollectorRegistry) -> Any:
    if spec.kind == "counter":
        return Counter(spec.name, spec.help, spec.labels, registry=registry)
    if spec.kind == "gauge":
        return Gauge(spec.name, spec.help, spec.labels, registry=registry,
                     multiprocess_mode=spec.multiprocess_mode)  # type: ignore[arg-type]
    return Histogram(spec.name, spec.help, spec.labels, buckets=spec.buckets, registry=registry)
