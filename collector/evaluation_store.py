"""Store the graded samples of a decoded OTLP log export, linked to the calls they grade.

OTLP/HTTP (`POST /v1/logs`) and OTLP/gRPC (`LogsService/Export`) both end here. A sample
takes the app and model of the call it grades when that call is stored: the evaluator
may run as another service than the app. Otherwise it keeps the exporting service's
name as app, the model the event names, or `unknown`.
"""

from datetime import datetime, timedelta
from typing import Any

from fastapi.exceptions import RequestValidationError
from sqlalchemy import Table, select

from collector.acknowledge import store_records
from collector.bodies import AccuracySampleBody
from collector.conflicts import read_store
from collector.deps import IngestContext
from collector.evaluation_events import RESPONSE_ID_KEY, Evaluation
from collector.ingest import Ingest
from collector.otlp_export import (
    ExportAccepted,
    ExportRefused,
    first_error,
    refusal,
    summary,
    valid_records,
)
from collector.otlp_logs import DecodedLogs
from collector.writer import Overloaded, StoreUnavailable
from metrics.store.database import Store
from metrics.store.tables import AccuracySample, Inference

UNKNOWN_MODEL = "unknown"
# How long before an event a call it names only by `gen_ai.response.id` is looked for.
RESPONSE_ID_WINDOW = timedelta(days=7)
CHUNK = 500
Call = tuple[str, str, str]  # id, app, model
_inference: Table = Inference.__table__  # type: ignore[attr-defined]


async def store_evaluations(decoded: DecodedLogs, context: IngestContext) -> ExportAccepted:
    """Link, validate and commit the samples of one export; answers once committed."""
    ingest, settings = context.ingest, context.settings
    if len(decoded.evaluations) > settings.max_records_per_request:
        raise ExportRefused("invalid", (
            f"at most {settings.max_records_per_request} evaluation events per export, got "
            f"{len(decoded.evaluations)}: lower the exporter's batch size"
        ))
    linked = await read_store(graded_calls, context.store, decoded.evaluations)
    records = [_linked_record(item, linked) for item in decoded.evaluations]
    valid, errors = valid_records(records, AccuracySampleBody, "evaluation")
    errors = decoded.errors + errors

    def rows(samples: list[Any], now: datetime) -> list[dict[str, Any]]:
        made = []
        for sample in samples:  # one at a time: a bad timestamp rejects its event alone
            try:
                made.extend(ingest.accuracy_rows([sample], now))
            except RequestValidationError as exc:
                errors.append(f"evaluation {sample.id}: {first_error(exc.errors())}")
        return made

    accepted = duplicates = 0
    if valid:
        try:
            result = await store_records(
                valid, kind="accuracy", table=AccuracySample.__table__,  # type: ignore[attr-defined]
                to_rows=rows, observe=ingest.observe_accuracy, context=context,
            )
        except (Overloaded, StoreUnavailable) as exc:
            raise refusal(exc, ingest) from exc
        except RequestValidationError as exc:
            count_log_records(ingest, rejected=len(records) + decoded.rejected,
                              ignored=decoded.ignored)
            raise ExportRefused("invalid", first_error(exc.errors())) from exc
        accepted, duplicates = result.accepted, result.duplicates
        errors.extend(f"evaluation {sample}: another sample with this id and other content "
                      "is stored" for sample in result.conflicts)
    rejected = len(records) + decoded.rejected - accepted - duplicates
    count_log_records(ingest, accepted=accepted, duplicate=duplicates, rejected=rejected,
                      ignored=decoded.ignored)
    return ExportAccepted(rejected=rejected, errors=summary(errors))


def count_log_records(ingest: Ingest, **results: int) -> None:
    """Count log records by result in valuewatch_otlp_log_records_total."""
    counter = ingest.instruments["valuewatch_otlp_log_records_total"]
    for result, count in results.items():
        if count:
            counter.labels(result=result).inc(count)
    if results.get("rejected"):
        records = ingest.instruments["valuewatch_ingest_records_total"]
        records.labels(kind="accuracy", result="rejected").inc(results["rejected"])


def graded_calls(store: Store, evaluations: list[Evaluation]) -> dict[str, list[Call]]:
    """The stored calls the events name: by span id, by call id, or by response id."""
    by_key: dict[str, list[Call]] = {}
    ids = {e.span_call_id for e in evaluations if e.span_call_id}
    ids |= {e.response_id for e in evaluations if e.response_id}
    responses = sorted({e.response_id for e in evaluations if e.response_id})
    c = _inference.c
    with store.engine.connect() as connection:
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            query = select(c.id, c.app, c.model).where(c.id.in_(ordered[start:start + CHUNK]))
            for row in connection.execute(query):
                by_key.setdefault(row.id, []).append((row.id, row.app, row.model))
        if responses:
            since = min(e.record["timestamp"] for e in evaluations) - RESPONSE_ID_WINDOW
            response_id = c.attributes[RESPONSE_ID_KEY].as_string()
            for start in range(0, len(responses), CHUNK):
                query = select(c.id, c.app, c.model, response_id.label("response_id")).where(
                    response_id.in_(responses[start:start + CHUNK]), c.timestamp >= since,
                )
                for row in connection.execute(query):
                    by_key.setdefault(row.response_id, []).append((row.id, row.app, row.model))
    return by_key


def _linked_record(item: Evaluation, linked: dict[str, list[Call]]) -> dict[str, Any]:
    record = dict(item.record)
    candidates = (linked.get(item.span_call_id or "") or linked.get(item.response_id or "")
                  or [])
    # Ids repeat across apps: the exporting service's own call first.
    same_app = [call for call in candidates if call[1] == record["app"]]
    call = (same_app or candidates or [None])[0]
    if call is not None:
        record["inference_id"], record["app"] = call[0], call[1]
        record["model"] = record["model"] or call[2]
    record["model"] = record["model"] or UNKNOWN_MODEL
    return record
