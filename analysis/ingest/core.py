"""The mobtrace database and the adapter contract.

``connect`` opens a database with the canonical tables (schema.sql) and parsing macros in place;
``Adapter`` is what every export format implements. Which adapters exist is ``registry.py``'s business
and reading files into the tables is ``run.py``'s: this module imports neither, they import it.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb

from mobtrace.analysis.sql import first_row, run_script

HERE = Path(__file__).parent
MEMORY_LIMIT_ENV = "MOBTRACE_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "4GB"
_memory_databases = itertools.count()


class Adapter(Protocol):
    """A reader of one export format. See analysis/ingest/generic.py for the reference adapter."""

    name: str
    description: str

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when the file's first bytes look like this format."""

    def stage(self, con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[None]:
        """Fill ``stage_events`` / ``stage_accounts`` one batch at a time, yielding after each batch."""


@dataclass(frozen=True)
class SourceSummary:
    source_file: str
    sha256: str
    format: str
    rows_read: int
    ingested: int
    quarantined: int
    skipped: bool = False  # True when the same bytes were ingested before
    problem: str = ""  # when no row landed: why (the first quarantine reason), else empty

    @property
    def landed_nothing(self) -> bool:
        """True when this ingest stored no row: the file is to be fixed and given again."""
        return not self.skipped and self.ingested == 0


class UnknownFormatError(ValueError):
    pass


def connect(database: str | Path = ":memory:", *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a mobtrace database: UTC session, canonical schema and parsing macros in place."""
    if database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(database), read_only=read_only)
    prepare(con, read_only=read_only)
    return con


def prepare(con: duckdb.DuckDBPyConnection, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Put an open connection in mobtrace's state: UTC session, bounded memory, schema (unless
    read-only), macros."""
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")  # a long read_csv would draw one into the CLI's output
    limit_memory(con)
    if not read_only:
        _key_sources_by_format(con)
        run_script(con, HERE / "schema.sql")
    run_script(con, HERE / "macros.sql")
    return con


def _key_sources_by_format(con: duckdb.DuckDBPyConnection) -> None:
    """Databases from before the format was part of a source's key: rebuild ``sources`` with the new key
    (DuckDB cannot change a primary key in place). The rows are kept as they are."""
    key = first_row(con, "SELECT constraint_column_names FROM duckdb_constraints() "
                         "WHERE table_name = 'sources' AND constraint_type = 'PRIMARY KEY' AND database_name = current_database()")
    if key is None or list(key[0]) != ["sha256"]:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("ALTER TABLE sources RENAME TO sources_before_format_key")
        run_script(con, HERE / "schema.sql")
        con.execute("INSERT INTO sources BY NAME SELECT * FROM sources_before_format_key")
        con.execute("DROP TABLE sources_before_format_key")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def limit_memory(con: duckdb.DuckDBPyConnection) -> None:
    """Cap DuckDB's memory and give it somewhere to spill, so a file of any size is ingested in bounded
    memory.

    ``memory_limit`` comes from $MOBTRACE_MEMORY_LIMIT (a DuckDB size such as '4GB' or '512MB'; default
    4GB, where DuckDB's own default is 80% of RAM). Beyond it DuckDB writes to ``temp_directory``: next to
    the database file, or a directory of its own under the system temp folder for an in-memory database
    (DuckDB's default there would be ``.tmp`` in the current directory). DuckDB removes the directory
    when it closes. One file is ingested in one transaction and DuckDB keeps that transaction's rows
    (and the staging rows deleted after each batch) until it commits, so spilling is what keeps a
    multi-gigabyte file within the limit. ``preserve_insertion_order`` stays on: the staging tables'
    rowids order records that share a line (twarc2 pages) and the per-batch inserts are too small for
    it to cost memory.
    """
    limit = os.environ.get(MEMORY_LIMIT_ENV, "").strip() or DEFAULT_MEMORY_LIMIT
    problem = f"{MEMORY_LIMIT_ENV}={limit!r} is not a memory size: use e.g. 4GB or 512MB"
    if not re.fullmatch(r"[0-9.]+ *[A-Za-z]*", limit):  # also keeps quotes out of the SET below
        raise ValueError(problem)
    try:
        con.execute(f"SET memory_limit = '{limit}'")
    except duckdb.Error as error:
        raise ValueError(f"{problem} ({error})") from error
    database = first_row(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
    if database and database[0]:
        spill = f"{database[0]}.tmp"
    else:
        spill = os.path.join(tempfile.gettempdir(), f"mobtrace-duckdb-{os.getpid()}-{next(_memory_databases)}")
    con.execute("SET temp_directory = $1", [spill])


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
