"""Per-signal drift method and threshold, from a YAML file and the settings, checked early."""

from datetime import timedelta
from pathlib import Path

import yaml
from pydantic import TypeAdapter

from evaluators.signals import signal_named
from evaluators.stats.drift import method_named
from evaluators.windows import Window
from metrics.settings import DriftOverride, DriftReference, Settings
from metrics.types import as_utc

_OVERRIDES = TypeAdapter(dict[str, DriftOverride])
WEEK = timedelta(days=7)


def drift_overrides(settings: Settings) -> dict[str, DriftOverride]:
    """The overrides of `drift_config` (YAML `{signal: {method, threshold}}`), then those
    of `drift_overrides` on top. An unknown signal or method, or a method that does not
    fit the signal's kind, raises ValueError naming it, before any job runs."""
    merged: dict[str, DriftOverride] = {}
    if settings.drift_config is not None:
        merged.update(_read(settings.drift_config))
    merged.update(settings.drift_overrides)
    for name, override in merged.items():
        signal = signal_named(name)
        if override.method is not None and signal.kind not in method_named(override.method).KIND:
            raise ValueError(
                f"drift method {override.method!r} does not apply to {signal.kind} "
                f"signal {name!r}"
            )
    return merged


def baseline_window(settings: Settings) -> Window | None:
    """The operator's fixed reference period, if one is set."""
    start, end = settings.drift_baseline_start, settings.drift_baseline_end
    if start is None or end is None:
        return None
    return Window(as_utc(start), as_utc(end))


def reference_window(window: Window, reference: DriftReference) -> Window:
    """The window `reference` names for `window`."""
    if reference == "last_week":
        return Window(window.start - WEEK, window.end - WEEK)
    if reference == "previous_7_days":
        return Window(window.start - WEEK, window.start)
    return window.previous()


def _read(path: Path) -> dict[str, DriftOverride]:
    loaded = yaml.safe_load(path.read_text()) or {}
    try:
        return _OVERRIDES.validate_python(loaded)
    except ValueError as exc:
        message = f"{path}: not a mapping of signal to {{method, threshold}}: {exc}"
        raise ValueError(message) from exc
