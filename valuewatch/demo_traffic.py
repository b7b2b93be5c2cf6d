"""Realistic traffic for the demo: two apps, three models, weeks of calls with feedback,
graded samples and outcomes, and half way a drift and a burst of errors."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from valuewatch.demo_content import call_content

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class AppProfile:
    """How one app behaves: its models, use cases, users and outcomes."""

    name: str
    models: tuple[tuple[str, float], ...]  # (model, share of calls)
    use_cases: tuple[str, ...]
    users: int
    calls_per_day: int
    input_tokens: float  # median
    output_tokens: float
    outcome: str
    outcome_rate: float


APPS = (
    AppProfile("support-assistant", (("gpt-4o-mini", 0.8), ("gpt-4o", 0.2)),
               ("refund", "shipping", "account", "billing"), 180, 420, 900, 180,
               "ticket_resolved", 0.62),
    AppProfile("code-review", (("claude-sonnet-4", 0.7), ("gpt-4o", 0.3)),
               ("review", "explain", "test_generation"), 45, 160, 2400, 420,
               "review_accepted", 0.55),
)
MEDIAN_LATENCY_S = {"gpt-4o-mini": 0.9, "gpt-4o": 1.8, "claude-sonnet-4": 2.4}


@dataclass
class Traffic:
    """Everything one demo run sends, by API route."""

    inferences: list[dict[str, Any]] = field(default_factory=list)
    feedback: list[dict[str, Any]] = field(default_factory=list)
    accuracy: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)

    def batches(self, size: int = 1000) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """(route, records) in batches, calls first so feedback finds them."""
        for route, records in (("/api/v1/inferences", self.inferences),
                               ("/api/v1/feedback", self.feedback),
                               ("/api/v1/accuracy", self.accuracy),
                               ("/api/v1/outcomes", self.outcomes)):
            for start in range(0, len(records), size):
                yield route, records[start:start + size]


# Users write in one language each: en for most, de and fr for some.
LANGUAGES = ("en", "en", "en", "en", "en", "en", "de", "de", "fr", "en")

def generate(days: int, end: datetime, seed: int = 7) -> Traffic:
    """`days` of traffic up to `end`; the second half drifts and has an error burst."""
    rng = np.random.default_rng(seed)
    words = np.random.default_rng(seed + 1)  # apart, so the figures stay as they were
    graders = np.random.default_rng(seed + 2)  # likewise for the human grades
    start = (end - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    midpoint = start + timedelta(days=days / 2)
    burst = (midpoint + timedelta(days=2, hours=14), midpoint + timedelta(days=2, hours=17))
    traffic = Traffic()
    for app in APPS:
        for day in range(days):
            day_start = start + timedelta(days=day)
            weekend = day_start.weekday() >= 5
            calls = int(rng.poisson(app.calls_per_day * (0.45 if weekend else 1.0)))
            # Office hours: most calls between 08:00 and 18:00 UTC.
            hours = np.clip(rng.normal(13, 3.5, calls), 0, 23.99)
            for index, hour in enumerate(sorted(hours)):
                at = day_start + timedelta(hours=float(hour))
                if at >= end:
                    break
                drifted = at >= midpoint
                in_burst = burst[0] <= at < burst[1]
                _call(traffic, (rng, words, graders), app, f"{app.name}-{day}-{index}", at,
                      drifted, in_burst)
    return traffic


def language(user: str) -> str:
    """The language a demo user writes in: a segment for the fairness evaluator."""
    return LANGUAGES[int(user.rsplit("-", 1)[1]) % len(LANGUAGES)]


def _call(traffic: Traffic, generators: tuple[np.random.Generator, ...], app: AppProfile,
          call_id: str, at: datetime, drifted: bool, in_burst: bool) -> None:
    rng, words, graders = generators
    models, shares = zip(*app.models, strict=True)
    model = str(rng.choice(models, p=shares))
    use_cases = (*app.use_cases, "warranty") if drifted and app.name == "support-assistant" \
        else app.use_cases
    use_case = str(rng.choice(use_cases))
    # The drift: after the midpoint, support prompts grow longer and answers slower.
    growth = 1.45 if drifted and app.name == "support-assistant" else 1.0
    input_tokens = int(rng.lognormal(np.log(app.input_tokens * growth), 0.35))
    output_tokens = int(rng.lognormal(np.log(app.output_tokens), 0.4)) + 1
    latency = float(rng.lognormal(np.log(MEDIAN_LATENCY_S[model] * growth), 0.3))
    failed = rng.random() < (0.3 if in_burst else 0.01)
    user = f"user-{int(rng.integers(app.users))}"
    timestamp = at.isoformat()
    traffic.inferences.append({
        "id": call_id, "timestamp": timestamp, "app": app.name, "model": model,
        "provider": "anthropic" if model.startswith("claude") else "openai",
        "latency_s": round(latency, 4), "ttft_s": round(latency * 0.18, 4),
        "input_tokens": input_tokens, "output_tokens": 0 if failed else output_tokens,
        "status": "error" if failed else "ok",
        "error_type": str(rng.choice(["timeout", "rate_limit"])) if failed else None,
        "finish_reason": None if failed else "stop", "use_case": use_case, "user": user,
    })
    if failed:
        return
    quality = 0.86 if drifted and app.name == "support-assistant" else 0.93
    # The fairness gap: support answers German speakers worse than the others.
    if app.name == "support-assistant" and language(user) == "de":
        quality -= 0.15
    # The answer is the good one when its thumb is up, or its rating 3 or more.
    good = bool(words.random() < quality)
    thumbed = bool(rng.random() < 0.25)
    if thumbed:
        good = bool(rng.random() < quality - 0.1)
        traffic.feedback.append({
            "id": f"{call_id}-thumbs", "inference_id": call_id, "app": app.name,
            "kind": "thumbs", "value": good, "timestamp": timestamp, "user": user,
        })
    if rng.random() < 0.06:
        rating = int(np.clip(rng.normal(4.3 * quality, 0.8), 1, 5))
        good = good if thumbed else rating >= 3
        traffic.feedback.append({
            "id": f"{call_id}-rating", "inference_id": call_id, "app": app.name,
            "kind": "rating", "value": rating, "timestamp": timestamp, "user": user,
        })
    traffic.inferences[-1]["attributes"] = call_content(words, use_case, good) | {
        "language": language(user)}
    # A person reviews 8 % of calls; an AI judge grades those and 30 % more. The judge
    # is lenient: it passes one wrong answer in three, so its own share reads high.
    reviewed = rng.random() < 0.08
    right = bool(rng.random() < quality) if reviewed else bool(graders.random() < quality)
    if reviewed or graders.random() < 0.3:
        traffic.accuracy.append({
            "id": f"{call_id}-graded", "inference_id": call_id, "app": app.name,
            "model": model, "task": use_case,
            "correct": right or bool(graders.random() < 1 / 3), "grader": "judge",
            "timestamp": timestamp,
        })
    if reviewed:
        traffic.accuracy.append({
            "id": f"{call_id}-reviewed", "inference_id": call_id, "app": app.name,
            "model": model, "task": use_case, "correct": right, "grader": "human",
            "timestamp": timestamp,
        })
    if app.name == "support-assistant":
        traffic.outcomes.append({
            "id": f"{call_id}-opened", "inference_id": call_id, "app": app.name,
            "name": "ticket_opened", "value": 1, "use_case": use_case, "timestamp": timestamp,
        })
        if rng.random() < 0.004:
            traffic.feedback.append({
                "id": f"{call_id}-label", "inference_id": call_id, "app": app.name,
                "kind": "label", "label": "wrong_policy", "timestamp": timestamp,
            })
    if rng.random() < app.outcome_rate:
        traffic.outcomes.append({
            "id": f"{call_id}-outcome", "inference_id": call_id, "app": app.name,
            "name": app.outcome, "value": 1, "use_case": use_case,
            "timestamp": (at + HOUR).isoformat() if at + HOUR < datetime.now(UTC) else timestamp,
        })
