"""The newest window's themes as samples of the valuewatch_topic_share gauge."""

from typing import Any

from sqlalchemy import Table, func, select

from metrics.instruments import OVERFLOW_VALUE, LabelLimiter
from metrics.store.database import Store
from metrics.store.topics import ALL_CALLS, TopicTheme

TOPIC_SHARE = "valuewatch_topic_share"
TOPIC_LABEL_MAX = 60  # characters of a theme's label kept in the topic label
_themes: Table = TopicTheme.__table__  # type: ignore[attr-defined]

Sample = tuple[str, list[str], float]


def topic_share_samples(store: Store, *, label_limit: int) -> list[Sample]:
    """(metric, [app, topic, status], share) for each theme of every app's newest window.

    The topic label is the theme's label (its first terms when first seen), so a theme
    keeps one series while its terms wander. At most `label_limit` apps and topics are
    exported; the rest are left out, as the evaluators' other gauges are."""
    rows = newest_themes(store)
    limiter = LabelLimiter(label_limit)
    shares: dict[tuple[str, str, str], float] = {}
    for row in rows:
        topic = row.label[:TOPIC_LABEL_MAX]
        if OVERFLOW_VALUE in (limiter.value("app", row.app), limiter.value("topic", topic)):
            continue
        key = (row.app, topic, row.status)
        shares[key] = shares.get(key, 0.0) + row.share  # two themes of one label: one series
    return [(TOPIC_SHARE, list(key), share) for key, share in shares.items()]


def newest_themes(store: Store) -> list[Any]:
    """The theme rows (not the all-calls row) of each app's newest window, largest first."""
    t = _themes.c
    newest = (select(t.app, func.max(t.window_start).label("window_start"))
              .group_by(t.app).subquery())
    with store.engine.connect() as connection:
        return list(connection.execute(
            select(t.app, t.label, t.status, t.share)
            .join(newest, (t.app == newest.c.app) & (t.window_start == newest.c.window_start))
            .where(t.theme_id != ALL_CALLS)
            .order_by(t.app, t.share.desc(), t.theme_id)
        ))
