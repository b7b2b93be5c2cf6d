"""Migration 0014 partitions the raw tables on PostgreSQL keeping every row, and its
downgrade makes them plain again; on SQLite it changes nothing."""

from datetime import UTC, datetime

from sqlalchemy import create_engine, inspect, text

from metrics.store.database import Store
from metrics.store.partitions import day_partitions, partitioned_tables
from metrics.store.tables import Inference
from tests.unit.metrics.migration_steps import step
from tests.unit.metrics.test_partitions import call_row

OLD_ROWS = """
INSERT INTO inference (id, app, model, operation, latency_s, input_tokens, output_tokens,
                       status, timestamp, received_at, attributes)
VALUES ('call-1', 'support', 'gpt-4o-mini', 'chat', 1.3, 812, 164, 'ok',
        '2026-11-29 10:00:00', '2026-11-29 10:00:01', '{}'),
       ('call-2', 'support', 'gpt-4o-mini', 'chat', 0.7, 90, 20, 'ok',
        '2026-11-30 23:59:59', '2026-12-01 00:00:01', '{}');
INSERT INTO feedback (id, inference_id, app, kind, value, timestamp)
VALUES ('fb-1', 'call-1', '', 'thumbs', 1.0, '2026-11-30 10:01:00');
INSERT INTO resource_sample (timestamp, host, name, device, value)
VALUES ('2026-11-30 10:00:00', 'node-1', 'valuewatch_process_cpu_ratio', '', 0.5)
"""


def snapshot(database_url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        found = {
            "inference": connection.execute(text(
                "SELECT id, app, timestamp, latency_s FROM inference ORDER BY id")).all(),
            "feedback": connection.execute(text("SELECT id, app, value FROM feedback")).all(),
            "resource_sample": connection.execute(text(
                "SELECT id, host, value FROM resource_sample")).all(),
        }
    engine.dispose()
    return {table: [tuple(row) for row in rows] for table, rows in found.items()}


def test_0014_keeps_every_row_and_its_downgrade_too(database_url: str) -> None:
    step(database_url, "0013")
    engine = create_engine(database_url)
    with engine.begin() as connection:
        for statement in OLD_ROWS.split(";"):
            connection.execute(text(statement))
    before = snapshot(database_url)

    step(database_url, "0014")

    assert snapshot(database_url) == before
    with engine.connect() as connection:
        partitioned = partitioned_tables(connection)
        days = set(day_partitions(connection, "inference")) if partitioned else set()
    if engine.dialect.name == "postgresql":
        assert partitioned == {"inference", "feedback", "accuracy_sample", "outcome",
                               "resource_sample"}
        assert {datetime(2026, 11, 29), datetime(2026, 11, 30)} <= days
    else:
        assert partitioned == set()
    # Keys came along: the same id with another timestamp is not stored a second time.
    store = Store.open(database_url)
    table = Inference.__table__  # type: ignore[attr-defined]
    [new] = store.insert_new([(table, [call_row("call-1", datetime(2026, 12, 1, tzinfo=UTC)),
                                       call_row("call-3", datetime(2026, 12, 1, tzinfo=UTC))])])
    store.engine.dispose()
    assert new == {("support", "call-3")}

    step(database_url, "0013", down=True)

    after = snapshot(database_url)
    assert [row[0] for row in after["inference"]] == ["call-1", "call-2", "call-3"]
    assert after["feedback"] == before["feedback"]
    with engine.begin() as connection:
        assert partitioned_tables(connection) == set()
        # The sequence of resource_sample's id survived both rebuilds.
        connection.execute(text("INSERT INTO resource_sample (timestamp, host, name, device,"
                                " value) VALUES ('2026-12-01', 'node-1', 'x', '', 1.0)"))
    keys = {name: inspect(engine).get_pk_constraint(name)["constrained_columns"]
            for name in ("inference", "resource_sample")}
    indexes = {index["name"] for index in inspect(engine).get_indexes("inference")}
    engine.dispose()
    assert keys == {"inference": ["id", "app"], "resource_sample": ["id"]}
    assert indexes == {"ix_inference_app_model_ts", "ix_inference_timestamp"}
