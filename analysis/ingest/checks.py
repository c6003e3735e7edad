"""Invariants of the ingested tables, used by the pipeline's blocking asset checks."""

from __future__ import annotations

from itertools import zip_longest
from pathlib import Path

import duckdb

from mobtrace.analysis.sql import query, run_script

HERE = Path(__file__).parent


def schema_differences(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Columns whose name, type or position differ from schema.sql (empty when the table conforms)."""
    reference = duckdb.connect()
    run_script(reference, HERE / "schema.sql")
    expected = reference.sql(f"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position").fetchall()
    actual = con.sql(f"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position").fetchall()
    if expected == actual:
        return []
    return [f"expected {e}, found {a}" for e, a in zip_longest(expected, actual) if e != a]


def accounting_mismatches(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Input files whose counts do not add up (empty when every row read is accounted for)."""
    return [
        f"{path}: read {read}, ingested {ingested} + quarantined {quarantined}; "
        f"{events} events recorded vs {events_stored} stored; {quarantined_stored} quarantine rows stored"
        for path, read, ingested, quarantined, events, events_stored, quarantined_stored in query(con, HERE / "accounting.sql").fetchall()
    ]


def duplicate_events(con: duckdb.DuckDBPyConnection, limit: int = 5) -> list[str]:
    """Events stored more than once (empty when every (platform, event_id) is unique). finalize.sql
    quarantines duplicates; this verifies it, in place of a primary key that slowed every insert."""
    rows = con.sql(
        "SELECT platform, event_id, count(*) FROM interactions GROUP BY ALL HAVING count(*) > 1 "
        "ORDER BY platform, event_id LIMIT $limit",
        params={"limit": limit},
    ).fetchall()
    return [f"{platform} event {event_id} is stored {count} times" for platform, event_id, count in rows]
