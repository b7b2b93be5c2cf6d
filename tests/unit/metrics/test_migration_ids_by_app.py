"""Migration 0008 keys records by (id, app) and keeps every row stored before it."""

from sqlalchemy import create_engine, inspect, text

from tests.unit.metrics.migration_steps import step

OLD_ROWS = """
INSERT INTO inference (id, app, model, operation, latency_s, input_tokens, output_tokens,
                       status, timestamp, received_at, attributes)
VALUES ('call-1', 'support', 'gpt-4o-mini', 'chat', 1.3, 812, 164, 'ok',
        '2026-11-30 10:00:00', '2026-11-30 10:00:01', '{}');
INSERT INTO feedback (id, inference_id, app, kind, value, timestamp)
VALUES ('fb-1', 'call-1', NULL, 'thumbs', 1.0, '2026-11-30 10:01:00');
"""


def test_rows_stored_before_0008_are_kept_and_a_second_app_may_reuse_their_id(
    database_url: str,
) -> None:
    step(database_url, "0005")
    engine = create_engine(database_url)
    with engine.begin() as connection:
        for statement in OLD_ROWS.split(";")[:-1]:
            connection.execute(text(statement))

    step(database_url, "0008")

    with engine.begin() as connection:
        connection.execute(text(OLD_ROWS.split(";")[0].replace("'support'", "'search'")))
        calls = connection.execute(text("SELECT app, id FROM inference ORDER BY app")).all()
        feedback = connection.execute(text("SELECT app, inference_id FROM feedback")).all()
    keys = {table: inspect(engine).get_pk_constraint(table)["constrained_columns"]
            for table in ("inference", "feedback", "accuracy_sample", "outcome")}
    engine.dispose()
    assert [tuple(row) for row in calls] == [("search", "call-1"), ("support", "call-1")]
    assert [tuple(row) for row in feedback] == [("", "call-1")]
    assert keys == dict.fromkeys(keys, ["id", "app"])
