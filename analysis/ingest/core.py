"""Ingest export files into the canonical DuckDB tables.

``ingest_paths`` is the one entry point: for each file it picks an adapter (by content, or the one
named), lets the adapter stage records batch by batch, and moves every staged row either into
``interactions`` / ``accounts`` or into ``quarantine`` with a reason. A ``sources`` row per file records
its SHA-256 and the counts, with ``rows_read = ingested + quarantined``; a file whose bytes were
ingested before is skipped, so re-ingesting adds nothing.

Example
-------
>>> import duckdb, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "x.csv").write_text("account_id,action,timestamp\\na,post,1700000000\\nb,post,soon\\n")
>>> con = connect(":memory:")
>>> [(s.rows_read, s.ingested, s.quarantined) for s in ingest_paths(con, [folder / "x.csv"])]
[(2, 1, 1)]
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb

from mobtrace.analysis.ingest.readers import read_head
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
    limit_memory(con)
    if not read_only:
        run_script(con, HERE / "schema.sql")
    run_script(con, HERE / "macros.sql")
    return con


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


def detect_format(path: Path) -> str:
    """Name of the first registered adapter that recognises the file."""
    from mobtrace.analysis.ingest.registry import ADAPTERS

    head = read_head(path)
    for name, adapter in ADAPTERS.items():
        if adapter.sniff(path, head):
            return name
    raise UnknownFormatError(
        f"{path}: format not recognised; pass --format with one of {', '.join(ADAPTERS)}"
    )


def ingest_paths(
    con: duckdb.DuckDBPyConnection, paths: Iterable[str | Path], fmt: str = "auto"
) -> list[SourceSummary]:
    """Ingest each file; ``fmt`` is an adapter name or ``auto`` to detect per file."""
    return [ingest_file(con, Path(path), fmt) for path in paths]


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path, fmt: str = "auto") -> SourceSummary:
    from mobtrace.analysis.ingest.registry import get_adapter

    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such input file; check the path")
    sha256 = file_sha256(path)
    known = first_row(con, "SELECT format, rows_read, ingested, quarantined FROM sources WHERE sha256 = $1", [sha256])
    if known:
        return SourceSummary(str(path), sha256, known[0], *known[1:], skipped=True)
    try:
        name = detect_format(path) if fmt == "auto" else fmt
        adapter = get_adapter(name)
    except UnknownFormatError as error:
        return _quarantine_whole_file(con, path, sha256, fmt, str(error))
    con.execute("BEGIN TRANSACTION")
    try:
        counts = _ingest_batches(con, adapter, path)
        _record_source(con, path, sha256, name, *counts)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return SourceSummary(str(path), sha256, name, *counts[:3])


def _ingest_batches(con: duckdb.DuckDBPyConnection, adapter: Adapter, path: Path) -> tuple[int, int, int, int]:
    read = quarantined = events = 0
    run_script(con, HERE / "stage.sql")
    for broken in _batches_until_broken(adapter.stage(con, path)):
        if broken:
            # The file ends or breaks mid-way (a truncated download): what was read stays, the rest is one row.
            reason = f"the file cannot be read past record {read} ({broken}): download or export it again"
            con.execute("INSERT INTO quarantine VALUES (?, 0, ?, NULL, ?)", [str(path), adapter.name, reason])
            read, quarantined = read + 1, quarantined + 1
            break
        run_script(con, HERE / "finalize.sql", source_file=str(path), format=adapter.name)
        batch_read, batch_rejected, batch_events = first_row(
            con,
            "SELECT count(*), count(reject_reason), count(*) FILTER (WHERE is_event AND reject_reason IS NULL) FROM "
            "(SELECT reject_reason, true AS is_event FROM stage_events "
            " UNION ALL SELECT reject_reason, false FROM stage_accounts)",
        )
        read += batch_read
        quarantined += batch_rejected
        events += batch_events
        con.execute("DELETE FROM stage_events")
        con.execute("DELETE FROM stage_accounts")
    run_script(con, HERE / "merge_accounts.sql")
    return read, read - quarantined, quarantined, events


def _batches_until_broken(stage: Iterator[None]) -> Iterator[str | None]:
    """Yield None per staged batch, then the error text if reading the file failed part-way."""
    while True:
        try:
            next(stage)
        except StopIteration:
            return
        except (EOFError, OSError, zlib.error) as error:
            yield f"{type(error).__name__}: {error}"
            return
        yield None


def _record_source(con, path: Path, sha256: str, fmt: str, read: int, ingested: int, quarantined: int, events: int) -> None:
    con.execute(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP)",
        [sha256, str(path), fmt, read, ingested, quarantined, events, path.stat().st_size],
    )


def _quarantine_whole_file(con, path: Path, sha256: str, fmt: str, reason: str) -> SourceSummary:
    """A file no adapter can read is one quarantined row, so the run goes on and the user sees why."""
    con.execute(
        "INSERT INTO quarantine VALUES (?, 0, ?, ?, ?)",
        [str(path), fmt, read_head(path, 2_000).decode("utf-8", "replace"), reason],
    )
    _record_source(con, path, sha256, fmt, 1, 0, 1, 0)
    return SourceSummary(str(path), sha256, fmt, 1, 0, 1)
