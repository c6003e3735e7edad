"""Ingest export files into the canonical DuckDB tables.

``ingest_paths`` is the one entry point: for each file it picks an adapter (by content, or the one
named), lets the adapter stage records batch by batch, and moves every staged row either into
``interactions`` / ``accounts`` or into ``quarantine`` with a reason. A ``sources`` row per file records
its SHA-256 and the counts, with ``rows_read = ingested + quarantined``; a file whose bytes were
ingested before is skipped, so re-ingesting adds nothing.

Example
-------
>>> import duckdb, tempfile, pathlib
>>> from mobtrace.analysis.ingest.core import connect
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "x.csv").write_text("account_id,action,timestamp\\na,post,1700000000\\nb,post,soon\\n")
>>> con = connect(":memory:")
>>> [(s.rows_read, s.ingested, s.quarantined) for s in ingest_paths(con, [folder / "x.csv"])]
[(2, 1, 1)]
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb

from mobtrace.analysis.ingest.core import Adapter, SourceSummary, UnknownFormatError, file_sha256
from mobtrace.analysis.ingest.readers import read_head
from mobtrace.analysis.ingest.registry import detect_format, get_adapter
from mobtrace.analysis.sql import first_row, run_script

HERE = Path(__file__).parent


def ingest_paths(
    con: duckdb.DuckDBPyConnection, paths: Iterable[str | Path], fmt: str = "auto"
) -> list[SourceSummary]:
    """Ingest each file; ``fmt`` is an adapter name or ``auto`` to detect per file."""
    return [ingest_file(con, Path(path), fmt) for path in paths]


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path, fmt: str = "auto") -> SourceSummary:
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
