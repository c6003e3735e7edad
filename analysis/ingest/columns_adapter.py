"""The shape most tabular adapters share: recognised by a set of column names, mapped by one SQL file.

An instance reads the file with ``text_batches`` (CSV/TSV, NDJSON or Parquet), registers ``raw_batch``
with the named columns as text, and runs its mapping SQL into the staging tables for each batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from mobtrace.analysis.ingest.tabular import column_names, prepare_csv, text_batches
from mobtrace.analysis.sql import run_script

PLATFORM_MACROS = Path(__file__).parent / "platform_macros.sql"


@dataclass(frozen=True)
class ColumnsAdapter:
    name: str
    description: str
    columns: tuple[str, ...]          # every column the mapping reads; missing ones arrive as NULL
    signature: frozenset[str]         # columns whose presence identifies the format
    mapping_sql: Path                 # INSERT INTO stage_events ... FROM raw_batch
    params: dict[str, object] = field(default_factory=dict)
    required: frozenset[str] = frozenset()  # columns without which no row can be read (checked when named by --format)
    checks_rows: bool = False  # the mapping applies the row checks itself (mt_row_problem): finalize.sql skips them

    def sniff(self, path: Path, head: bytes) -> bool:
        return self.signature <= set(column_names(path, head))

    def prepare(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        """Read a CSV file with DuckDB before the ingest transaction (run.py calls it)."""
        prepare_csv(con, path)

    def stage(self, con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[None]:
        run_script(con, PLATFORM_MACROS)
        for _ in text_batches(con, path, self.columns, self.required, self.name):
            run_script(con, self.mapping_sql, **self.params)
            yield
