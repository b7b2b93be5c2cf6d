"""`valuewatch demo`: a newcomer's first look, on a temporary SQLite file.

It starts the service, sends six weeks of traffic for two apps and three models (with
feedback, graded samples and outcomes; half way a drift and a burst of errors), runs the
evaluators (the report job included, so last month's final report is in the API), serves
their gauges on /metrics, writes the dashboards, the alert rules, last month's value
report and the preference datasets, and says what to open.
"""

import json
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from alerts.pipeline import alert_files
from collector.app import create_app
from collector.keys import create_key
from dashboards.build import dashboard_files
from evaluators.exporter import EvaluationCollector
from evaluators.jobs import build_jobs
from evaluators.quality.preferences import export_preferences
from evaluators.runner import run_job
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import Scope
from metrics.types import utc_now
from metrics.value.periods import Month
from metrics.value.store import stored_report
from valuewatch.build_commands import write_files
from valuewatch.demo_traffic import generate

DAY_S = 86_400.0
DEMO_VALUE_CONFIG = Path(__file__).with_name("demo_value.yaml")
ASSESSMENTS = (
    ("strategic_fit", 78, "Support automation is in this year's plan; code review is not yet."),
    ("social_evaluation", 72, "No complaints about tone; two about wrong refund policy."),
    ("employee_experience", 81, "Agents say the drafts save them the dull tickets."),
)
JOB_ORDER = ("rollup", "drift", "accuracy", "feedback", "fairness", "topics", "kpis", "report")
PREFERENCE_FILES = {"dpo": "DPO pairs", "kto": "KTO rows"}


def demo_settings(database_url: str, days: int) -> Settings:
    """Daily windows over the whole history, so weeks are evaluated in seconds; content
    kept (redacted), as its made-up prompts feed the preference exports."""
    return Settings(
        database_url=database_url, value_config=DEMO_VALUE_CONFIG, scheduler_enabled=False,
        rate_limit_per_s=0, store_content=True, segments="language", topics_enabled=True,
        fairness_interval_s=DAY_S, topics_content_hours=24 * 7,
        drift_interval_s=DAY_S, accuracy_interval_s=DAY_S, accuracy_window_s=7 * DAY_S,
        feedback_interval_s=DAY_S, feedback_window_s=DAY_S, catch_up_windows=days + 2,
        resource_sample_interval_s=1.0, resource_persist_interval_s=5.0,
    )


def run_demo(out: Path, *, port: int, days: int = 42, wait: bool = True) -> int:
    """Run the whole demo; with `wait`, keep the service up until Ctrl+C."""
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="valuewatch-demo-"))
    settings = demo_settings(f"sqlite:///{folder / 'demo.db'}", days)
    store = Store.open(settings.database_url)
    store.migrate()
    key = create_key(store, name="demo", scope=Scope.admin, actor="demo")
    app, results = demo_app(settings, store)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    say(f"valuewatch is running on {base} (database {folder / 'demo.db'})")

    send_traffic(base, key, days)
    # Exported before the topics job blanks the content it has read.
    counts = write_preferences(out, store, days)
    evaluate(store, settings)
    results.refresh()
    month = Month.parse(previous_month())
    files = write_outputs(out, settings, store, month)
    say(f"\ndone in {time.monotonic() - started:.0f} s. Open:")
    say(f"  API docs           {base}/docs")
    say(f"  Prometheus metrics {base}/metrics")
    say(f"  value report       {files['report']}")
    say(f"  dashboards         {out / 'dashboards'}  (import into Grafana)")
    say(f"  alert rules        {out / 'alerts'}")
    for kind, label in PREFERENCE_FILES.items():
        say(f"  {label:<18} {out / f'preferences-{kind}.jsonl'}  ({counts[kind]:,})")
    say(f"  an admin key       {key}")
    say(f"  the report by API  curl -H 'Authorization: Bearer {key}' "
        f"'{base}/api/v1/reports/{month}?format=md'")
    if wait:
        say("\nPress Ctrl+C to stop the demo service.")
        try:
            while thread.is_alive():
                thread.join(0.5)
        except KeyboardInterrupt:
            pass
    server.should_exit = True
    thread.join(timeout=30)
    return 0


def demo_app(settings: Settings, store: Store) -> tuple[FastAPI, EvaluationCollector]:
    """The collector on `store`, its /metrics also carrying the evaluator and KPI gauges
    (refreshed by the demo once it has evaluated), without a scheduler of its own."""
    registry = CollectorRegistry()
    results = EvaluationCollector(store, label_limit=settings.label_value_limit)
    registry.register(results)
    return create_app(settings, store, registry), results


def send_traffic(base: str, key: str, days: int) -> None:
    """Post the generated traffic through the public API, with a progress bar."""
    traffic = generate(days, utc_now())
    batches = list(traffic.batches())
    for done, (route, records) in enumerate(batches, start=1):
        post_json(f"{base}{route}", key, records)
        progress(done, len(batches), f"sending {days} days of traffic")
    for month in (f"{utc_now():%Y-%m}", previous_month()):
        assessments = [{"period": month, "name": name, "score": score, "note": note}
                       for name, score, note in ASSESSMENTS]
        post_json(f"{base}/api/v1/assessments", key, assessments)
    say(f"  {len(traffic.inferences):,} calls, {len(traffic.feedback):,} feedback, "
        f"{len(traffic.accuracy):,} graded samples, {len(traffic.outcomes):,} outcomes")


def post_json(url: str, key: str, payload: Any) -> None:
    """POST `payload` as JSON; an answer other than 2xx raises urllib's HTTPError.

    The standard library's client, so that a plain install (no test extras) runs the demo.
    """
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        answer.read()


def evaluate(store: Store, settings: Settings) -> None:
    """Run the evaluators over the history just sent."""
    jobs = {job.name: job for job in build_jobs(settings)}
    for done, name in enumerate(JOB_ORDER, start=1):
        run = run_job(store, jobs[name])
        progress(done, len(JOB_ORDER), f"evaluating: {name} ({len(run.windows)} windows)")


def write_outputs(out: Path, settings: Settings, store: Store, month: Month) -> dict[str, Path]:
    """Dashboards, alert rules and last month's value report (as the report job stored
    it), into `out`."""
    write_files(dashboard_files(settings), out / "dashboards")
    write_files(alert_files(settings), out / "alerts")
    written: dict[str, Path] = {}
    with store.engine.connect() as connection:
        for fmt in ("html", "md"):
            stored = stored_report(connection, month, fmt)
            if stored is None:
                raise RuntimeError(f"the report job stored no {fmt} report for {month}")
            path = out / f"value-report-{month}.{fmt}"
            path.write_bytes(stored.content)
            written.setdefault("report", path)
    return written


def write_preferences(out: Path, store: Store, days: int) -> dict[str, int]:
    """The DPO and KTO datasets of the feedback sent, as `valuewatch export preferences`
    writes them; the records written, by format."""
    since = utc_now() - timedelta(days=days + 1)
    with store.engine.connect() as connection:
        return {kind: export_preferences(connection, kind, since=since,
                                         out=out / f"preferences-{kind}.jsonl")
                for kind in PREFERENCE_FILES}


def previous_month() -> str:
    """Last month, as YYYY-MM."""
    return f"{(utc_now().replace(day=1) - timedelta(days=1)):%Y-%m}"


def progress(done: int, total: int, label: str) -> None:
    """A one-line progress bar on stderr."""
    width = 30
    filled = int(width * done / total)
    bar = "#" * filled + "-" * (width - filled)
    end = "\n" if done == total else ""
    print(f"\r  [{bar}] {done}/{total} {label:<50}", end=end, file=sys.stderr, flush=True)


def say(text: str) -> None:
    """A line for the person running the demo."""
    print(text, flush=True)
