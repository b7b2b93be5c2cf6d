"""POST /api/v1/alertmanager: Alertmanager's webhook, kept as incidents for the report.

Alertmanager sends the key with `http_config.authorization` (type Bearer); firing and
resolved notifications of one alert share its fingerprint and start time, so a resolved
notice updates the firing one.
"""

import hashlib
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from collector.auth import require
from collector.deps import StoreDep
from metrics.store.tables import Scope
from metrics.store.upsert import upsert
from metrics.types import UtcDatetime, as_utc, utc_now
from metrics.value.store import INCIDENTS

router = APIRouter(prefix="/api/v1/alertmanager", tags=["alertmanager"])
MAX_ALERTS = 1000
NEVER = 1970  # Alertmanager writes 0001-01-01T00:00:00Z for "not ended"
LABEL = Annotated[str, Field(max_length=2000)]


class AlertmanagerAlert(BaseModel):
    """One alert of a notification (webhook payload version 4)."""

    status: Literal["firing", "resolved"]
    labels: dict[str, LABEL]
    annotations: dict[str, LABEL] = {}
    startsAt: UtcDatetime  # noqa: N815  (Alertmanager's field names)
    endsAt: UtcDatetime | None = None  # noqa: N815
    fingerprint: str = Field(default="", max_length=200)


class AlertmanagerNotification(BaseModel):
    """The body Alertmanager posts to a webhook receiver."""

    version: str = "4"
    status: Literal["firing", "resolved"]
    alerts: list[AlertmanagerAlert] = Field(max_length=MAX_ALERTS)


class AlertsStored(BaseModel):
    """How many alerts were stored or updated."""

    stored: int


def incident_row(alert: AlertmanagerAlert) -> dict[str, object]:
    """The incident table's row for one alert."""
    ended = alert.endsAt if alert.endsAt and alert.endsAt.year >= NEVER else None
    fingerprint = alert.fingerprint or hashlib.sha256(
        repr(sorted(alert.labels.items())).encode()
    ).hexdigest()[:16]
    return {
        "fingerprint": fingerprint,
        "alertname": alert.labels.get("alertname", "")[:200],
        "status": alert.status,
        "severity": alert.labels.get("severity", "")[:50],
        "summary": alert.annotations.get("summary", "")[:2000],
        "starts_at": as_utc(alert.startsAt),
        "ends_at": as_utc(ended) if ended and alert.status == "resolved" else None,
        "labels": alert.labels,
        "updated_at": utc_now(),
    }


@router.post("", dependencies=[Depends(require(Scope.ingest))])
def post_alerts(body: AlertmanagerNotification, store: StoreDep) -> AlertsStored:
    """Store each alert as an incident, or update it when it resolves."""
    # One statement may not update a row twice: the last notice of an alert wins.
    rows = list({(row["fingerprint"], row["starts_at"]): row
                 for row in map(incident_row, body.alerts)}.values())
    with store.engine.begin() as connection:
        upsert(connection, INCIDENTS, rows, ("fingerprint", "starts_at"),
               ("status", "severity", "summary", "ends_at", "labels", "updated_at"))
    return AlertsStored(stored=len(rows))
