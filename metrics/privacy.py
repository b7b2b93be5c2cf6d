"""What every stored column holds: its class, how long it is kept and who may read it.

One entry per column of every table, declared once; a test fails when a table gains a
column not declared here, or when a declared column is gone. `docs/privacy.md` is
rendered from it by `privacy_docs`.
"""

from dataclasses import dataclass
from enum import StrEnum


class DataClass(StrEnum):
    """What kind of information a column holds, from most to least sensitive."""

    secret = "secret"  # a key hash, a session token hash, the user salt
    content = "content"  # prompt or completion text an app sent
    free_text = "free text"  # text a person typed: feedback comments, assessment notes
    pseudonymous = "pseudonymous"  # the salted hash of an end user's id
    identifier = "identifier"  # ids of calls, apps, sessions, keys and hosts
    telemetry = "telemetry"  # measurements of one call or machine: tokens, latency, cost
    aggregate = "aggregate"  # counts and statistics over many calls, no user id


@dataclass(frozen=True)
class TablePolicy:
    """Why a table is kept, for how long, and who may read it."""

    why: str
    retention: str
    readers: str


@dataclass(frozen=True)
class Classification:
    """One column: its class and its table's policy."""

    table: str
    column: str
    kind: DataClass
    policy: TablePolicy


S, C, F, P, D, T, A = (DataClass.secret, DataClass.content, DataClass.free_text,
                       DataClass.pseudonymous, DataClass.identifier, DataClass.telemetry,
                       DataClass.aggregate)
RAW = "retention_days (default 90), once the day is rolled up"
ROLLED = "kept: aggregates"
READ = "read (API and /ui/ pages); admin"


def _key_table(what: str) -> tuple[TablePolicy, dict[str, DataClass]]:
    """The policy of a PostgreSQL key table, which holds each stored `what`'s key."""
    return (TablePolicy(
        f"PostgreSQL only: the (app, id) of each stored {what}, so a resent id is not stored "
        "twice across partitions", "as long as its row", "no one (ingest only)"), {
        "app": D, "id": D, "timestamp": T})


POLICIES: dict[str, tuple[TablePolicy, dict[str, DataClass]]] = {
    "inference": (TablePolicy(
        "one LLM call: usage, latency, cost and errors for dashboards, drift and KPIs",
        RAW + "; content in attributes only with VALUEWATCH_STORE_CONTENT, blanked after "
        "VALUEWATCH_TOPICS_CONTENT_HOURS (default 24) when topics are on", READ), {
        "id": D, "app": D, "model": D, "provider": D, "operation": D, "latency_s": T,
        "ttft_s": T, "input_tokens": T, "output_tokens": T, "cached_input_tokens": T,
        "cache_write_input_tokens": T, "reasoning_tokens": T, "cost_usd": T, "status": T,
        "error_type": T, "finish_reason": T, "use_case": D, "session": D, "timestamp": T,
        "received_at": T, "user_hash": P, "attributes": C}),
    "feedback": (TablePolicy(
        "what users thought of a call: satisfaction KPIs and feedback alerts", RAW, READ), {
        "id": D, "inference_id": D, "app": D, "kind": T, "value": T, "label": T,
        "comment": F, "timestamp": T, "user_hash": P}),
    "accuracy_sample": (TablePolicy(
        "a graded answer: accuracy SLOs and KPIs", RAW, READ), {
        "id": D, "inference_id": D, "app": D, "model": D, "task": D, "correct": T,
        "score": T, "grader": T, "timestamp": T}),
    "outcome": (TablePolicy(
        "a business result of a call: value KPIs", RAW, "admin (database only)"), {
        "id": D, "inference_id": D, "app": D, "name": D, "value": T, "unit": T,
        "use_case": D, "timestamp": T}),
    "resource_sample": (TablePolicy(
        "CPU, memory and GPU readings: the cost side of reports", RAW,
        "admin (database only)"), {
        "id": D, "timestamp": T, "host": D, "name": D, "device": D, "value": T}),
    **{f"{table}_key": _key_table(what) for table, what in (
        ("inference", "call"), ("feedback", "feedback"),
        ("accuracy_sample", "graded sample"), ("outcome", "outcome"))},
    "api_key": (TablePolicy(
        "who may call the API; keys are stored hashed", "until revoked (rows kept)",
        "admin (`valuewatch keys list`: names and prefixes, never hashes)"), {
        "id": D, "name": D, "prefix": S, "key_hash": S, "scope": D, "created_at": T,
        "revoked_at": T}),
    "installation_secret": (TablePolicy(
        "the salt that turns user ids into pseudonyms", "for the installation's life",
        "no one (the processes only)"), {"name": D, "value": S}),
    "ui_session": (TablePolicy(
        "a signed-in browser of the /ui/ pages", "VALUEWATCH_UI_SESSION_HOURS (default 8), "
        "or until sign-out or the key is revoked", "no one (the collector only)"), {
        "token_hash": S, "key_id": D, "csrf": S, "created_at": T, "expires_at": T}),
    "audit_log": (TablePolicy(
        "who did what: keys, assessments, privacy requests, reads, downloads, sign-ins and "
        "refused keys", "kept",
        "admin (database only)"), {
        "id": D, "timestamp": T, "actor": D, "action": T, "target": P, "details": T,
        "client": D}),
    "evaluation_result": (TablePolicy(
        "drift, accuracy and feedback statistics of a closed window", ROLLED, READ), {
        "id": D, "evaluator": D, "window_start": T, "window_end": T, "app": D, "model": D,
        "subject": D, "statistic": D, "value": A, "lower": A, "upper": A, "p_value": A,
        "threshold": A, "detected": A, "sample_count": A, "reference_count": A,
        "details": A, "created_at": T, "revision": T}),
    "evaluator_run": (TablePolicy(
        "where each scheduled job has got to", "kept", "admin (database only)"), {
        "job": D, "last_window_end": T, "last_success_at": T}),
    "ingest_touch": (TablePolicy(
        "hours that received late records, so their windows are evaluated again",
        "max_record_age_days (default 400) and 2 days", "no one (the evaluators only)"), {
        "source": D, "hour": T, "version": T, "touched_at": T}),
    "window_evaluation": (TablePolicy(
        "which windows were evaluated against which touches",
        "max_record_age_days (default 400) and 2 days", "no one (the evaluators only)"), {
        "job": D, "window_end": T, "window_start": T, "evaluated_at": T, "seen": T,
        "revision": T}),
    "rollup_day": (TablePolicy(
        "which days are rolled up and pruned", "kept", "no one (the evaluators only)"), {
        "day_start": T, "day_end": T, "rolled_at": T, "pruned_at": T}),
    "daily_usage": (TablePolicy("calls, tokens, cost and latency per day", ROLLED, READ), {
        "id": D, "day": T, "app": D, "model": D, "use_case": D, "calls": A, "errors": A,
        "input_tokens": A, "output_tokens": A, "cost_usd": A, "unpriced_calls": A,
        "latency_s_sum": A, "latency_s_max": A, "latency_p95_s": A, "latency_buckets": A,
        "ttft_count": A, "ttft_s_sum": A}),
    "daily_feedback": (TablePolicy("feedback counts per day", ROLLED, READ), {
        "id": D, "day": T, "app": D, "model": D, "kind": D, "count": A, "value_count": A,
        "value_sum": A, "positive": A, "negative": A}),
    "daily_feedback_label": (TablePolicy("feedback label counts per day", ROLLED, READ), {
        "id": D, "day": T, "label": D, "count": A}),
    "daily_accuracy": (TablePolicy("graded samples per day", ROLLED, READ), {
        "id": D, "day": T, "app": D, "model": D, "task": D, "samples": A, "graded": A,
        "correct": A, "score_count": A, "score_sum": A}),
    "daily_outcome": (TablePolicy("outcomes per day", ROLLED, READ), {
        "id": D, "day": T, "app": D, "name": D, "unit": D, "count": A, "value_sum": A}),
    "daily_resource": (TablePolicy("resource readings per day", ROLLED, READ), {
        "id": D, "day": T, "host": D, "name": D, "device": D, "samples": A, "value_sum": A,
        "value_max": A}),
    "daily_users": (TablePolicy(
        "distinct users per day, as a HyperLogLog sketch of their hashes", ROLLED, READ), {
        "id": D, "day": T, "users": A, "sketch": A}),
    "topic_theme": (TablePolicy(
        "themes of prompts (terms only, from at least topics_min_users users)", ROLLED,
        READ), {
        "id": D, "app": D, "window_start": T, "window_end": T, "theme_id": D, "label": A,
        "terms": A, "status": T, "first_seen": T, "calls": A, "share": A, "users": A,
        "use_case": D, "use_case_share": A, "thumbs_up_ratio": A, "accuracy": A,
        "latency_s": A, "cost_per_call": A}),
    "kpi_value": (TablePolicy("a KPI's value for a month", ROLLED, READ), {
        "id": D, "period": T, "kpi": D, "dimension": D, "unit": D, "direction": D,
        "value": A, "target": A, "weight": A, "score": A, "definition": T, "through": T,
        "final": T, "computed_at": T}),
    "value_score": (TablePolicy("a dimension's score for a month", ROLLED, READ), {
        "id": D, "period": T, "dimension": D, "score": A, "weight": A}),
    "value_month": (TablePolicy("a month's value figures as closed", ROLLED, READ), {
        "id": D, "period": T, "final": T, "revision": T, "reason": T, "stored_at": T,
        "elapsed_days": A, "data_days": A, "first_day": T, "last_day": T}),
    "value_report": (TablePolicy("the monthly value report", ROLLED, READ), {
        "id": D, "period": T, "format": T, "media_type": T, "content": A, "final": T,
        "generated_at": T}),
    "report_delivery": (TablePolicy(
        "each report's delivery to a channel", "kept", "admin (database only)"), {
        "id": D, "period": T, "channel": D, "queued_at": T, "delivered_at": T,
        "attempts": T, "last_error": T}),
    "assessment": (TablePolicy(
        "qualitative scores entered by assessors", "kept", READ), {
        "period": T, "score": A, "note": F, "id": D, "name": D, "actor": D,
        "created_at": T}),
    "incident": (TablePolicy(
        "alerts Alertmanager sent: incidents in reports", "kept", READ), {
        "id": D, "fingerprint": D, "alertname": D, "status": T, "severity": T,
        "summary": T, "starts_at": T, "ends_at": T, "labels": T, "updated_at": T}),
}


def classifications() -> list[Classification]:
    """Every declared column, table by table in declaration order."""
    return [Classification(table, column, kind, policy)
            for table, (policy, columns) in POLICIES.items()
            for column, kind in columns.items()]


def privacy_docs() -> str:
    """docs/privacy.md: what is stored, why, for how long and who may read it."""
    lines = [
        "# What valuewatch stores",
        "",
        "Generated from `metrics/privacy.py` (`valuewatch privacy docs`); do not edit by hand.",
        "",
        "End users appear only as a salted hash of the id an app sends (`user_hash`, "
        "HMAC-SHA256 under the installation's salt). `valuewatch privacy export --user ID` "
        "and `valuewatch privacy delete --user ID` (or `GET /api/v1/privacy/users/{user}"
        "/export` and `DELETE /api/v1/privacy/users/{user}` with an admin key) find a user's "
        "calls, their feedback, graded samples and outcomes. Aggregates, which hold no user "
        "id, are kept. Deleting writes no ingest touch, so no window or closed month is "
        "evaluated again because of it; a day rolled up again later for other late records "
        "is summed without the deleted rows.",
        "",
        "Classes: " + ", ".join(f"**{kind.value}**" for kind in DataClass) + ".",
        "",
    ]
    for table, (policy, columns) in POLICIES.items():
        lines += [f"## {table}", "", f"- Why: {policy.why}", f"- Kept: {policy.retention}",
                  f"- Read by: {policy.readers}", ""]
        for kind in DataClass:
            names = [name for name, found in columns.items() if found is kind]
            if names:
                lines.append(f"- {kind.value}: " + ", ".join(f"`{n}`" for n in names))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
