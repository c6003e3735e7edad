"""Ingest export files into the canonical DuckDB tables.

``ingest_paths`` is the one entry point: for each file it picks an adapter (by content, or the one
named), lets the adapter stage records batch by batch, and moves every staged row either into
``interactions`` / ``accounts`` or into ``quarantine`` with a reason. A ``sources`` row per file records
its SHA-256, format and counts, with ``rows_read = ingested + quarantined``; a file whose bytes were
ingested before with the same format is skipped, so re-ingesting adds nothing. An ingest that landed no
row (the file is empty, not recognised, or lacks a column its format needs: its summary's ``problem``
says which) is not a reason to skip: the file is read again when given again, and the earlier attempt's
rows make way. A folder stands for every export file inside it (``expand_inputs``).

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

from mobtrace.analysis.engine.settings import EngineSettings
from mobtrace.analysis.ingest import csv_engine
from mobtrace.analysis.ingest.on_spark import staged_on_spark
from mobtrace.analysis.ingest.core import Adapter, SourceSummary, UnknownFormatError, file_sha256
from mobtrace.analysis.ingest.readers import broken_read, forget_broken_read, open_binary, read_head
from mobtrace.analysis.ingest.registry import detect_format, get_adapter
from mobtrace.analysis.sql import first_row, run_script

HERE = Path(__file__).parent
# What a folder given as input is searched for (optionally gzipped): the files exports come as.
EXPORT_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".parquet")
SKIPPED_PREFIXES = (".", "~")  # hidden files and folders, editors' and downloads' partial files


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """The files to read: each file as given, and for a folder every export file inside it, recursively,
    in name order (hidden files and folders, and other kinds of file, are left out)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir():
            files.append(path)
            continue
        found = [
            child for child in path.rglob("*")
            if child.is_file() and is_export_file(child)
            and not any(part.startswith(SKIPPED_PREFIXES) for part in child.relative_to(path).parts)
        ]
        files += sorted(found, key=lambda child: child.relative_to(path).parts)
    return files


def is_export_file(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(EXPORT_SUFFIXES)


def ingest_paths(
    con: duckdb.DuckDBPyConnection, paths: Iterable[str | Path], fmt: str = "auto", *,
    execution: EngineSettings | None = None, spark=None,
) -> list[SourceSummary]:
    """Ingest each file (a folder: every export file inside it); ``fmt`` is an adapter name or ``auto`` to
    detect per file. With ``execution.engine == "spark"`` the Parquet files of the column-mapping formats are
    read and mapped on Spark (``on_spark``; ``spark``: a ``SparkEngine`` to use, else one is made when needed)."""
    engine = _spark_once(execution, spark)
    return [ingest_file(con, path, fmt, execution=execution, spark=engine) for path in expand_inputs(paths)]


def _spark_once(execution: EngineSettings | None, spark=None):
    """A function giving the run's one SparkEngine, made on first use (a run with no file for Spark starts none)."""
    made = [spark]

    def engine():
        if made[0] is None:
            from mobtrace.analysis.engine.spark import SparkEngine

            made[0] = SparkEngine(execution.spark_master)
        return made[0]

    return engine


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path, fmt: str = "auto", *,
                execution: EngineSettings | None = None, spark=None) -> SourceSummary:
    """Ingest one file (see ``ingest_paths``); ``spark``: a SparkEngine, or a function giving one when needed."""
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such input file; check the path")
    sha256 = file_sha256(path)
    forget_broken_read(path)
    try:
        _check_not_empty(path)
        name = detect_format(path) if fmt == "auto" else fmt
        adapter = get_adapter(name)
    except UnknownFormatError as error:
        return _in_transaction(con, lambda: _quarantine_whole_file(con, path, sha256, fmt, str(error)))
    known = first_row(
        con, "SELECT format, rows_read, ingested, quarantined FROM sources WHERE sha256 = $1 AND format = $2 AND ingested > 0",
        [sha256, name],
    )
    if known:
        return SourceSummary(str(path), sha256, known[0], *known[1:], skipped=True)

    # Spark (when it maps this file) runs here, outside the transaction, like DuckDB's CSV reader below
    with staged_on_spark(adapter, path, execution, spark if callable(spark) else _spark_once(execution, spark)) as reader:

        def ingest() -> SourceSummary:
            _forget_attempts_that_landed_nothing(con, sha256)
            counts = _ingest_batches(con, reader, path, sha256)
            _record_source(con, path, sha256, name, *counts)
            return SourceSummary(str(path), sha256, name, *counts[:3], problem=_problem(con, sha256, name, counts[1]))

        prepare = getattr(reader, "prepare", None)
        if prepare is not None:
            prepare(con, path)  # outside the transaction: DuckDB's CSV reader may refuse a file, which aborts one
        try:
            return _in_transaction(con, ingest)
        finally:
            csv_engine.release(con, path)


def _in_transaction(con: duckdb.DuckDBPyConnection, work):
    con.execute("BEGIN TRANSACTION")
    try:
        result = work()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return result


def _check_not_empty(path: Path) -> None:
    """Refuse a file with no data (nothing, or only white space) with a sentence saying so."""
    with open_binary(path) as handle:
        while chunk := handle.read(1 << 16):
            if chunk.strip(b" \t\r\n\xef\xbb\xbf"):
                return
    if broken_read(path):
        raise UnknownFormatError(f"{path}: the file cannot be read ({broken_read(path)}): download or export it again")
    raise UnknownFormatError(f"{path}: the file is empty: export it again, or leave it out")


def _forget_attempts_that_landed_nothing(con: duckdb.DuckDBPyConnection, sha256: str) -> None:
    """Earlier ingests of these bytes that stored no row are tried again: their records make way."""
    attempts = con.execute("SELECT source_file, format FROM sources WHERE sha256 = $1 AND ingested = 0", [sha256]).fetchall()
    for source_file, fmt in attempts:
        con.execute(
            "DELETE FROM quarantine WHERE format = $2 AND (sha256 = $1 OR (sha256 IS NULL AND source_file = $3))",
            [sha256, fmt, source_file],
        )
    con.execute("DELETE FROM sources WHERE sha256 = $1 AND ingested = 0", [sha256])


def _problem(con: duckdb.DuckDBPyConnection, sha256: str, fmt: str, ingested: int) -> str:
    """Why an ingest that stored no row stored none: its first quarantine reason (empty when rows landed)."""
    if ingested:
        return ""
    reason = first_row(con, "SELECT reason FROM quarantine WHERE sha256 = $1 AND format = $2 ORDER BY source_line LIMIT 1",
                       [sha256, fmt])
    return reason[0] if reason else "the file holds no records (only a header, or nothing the format reads)"


def _ingest_batches(con: duckdb.DuckDBPyConnection, adapter: Adapter, path: Path, sha256: str) -> tuple[int, int, int, int]:
    read = quarantined = events = 0
    run_script(con, HERE / "stage.sql")
    for broken in _batches_until_broken(adapter.stage(con, path), path):
        if broken:
            # The file ends or breaks mid-way (a truncated download): what was read stays, the rest is one row.
            reason = f"the file cannot be read past record {read} ({broken}): download or export it again"
            con.execute("INSERT INTO quarantine BY NAME SELECT ? AS source_file, 0 AS source_line, ? AS format, "
                        "NULL AS raw, ? AS reason, ? AS sha256", [str(path), adapter.name, reason, sha256])
            read, quarantined = read + 1, quarantined + 1
            break
        run_script(con, HERE / "finalize.sql", source_file=str(path), format=adapter.name, sha256=sha256,
                   checked=getattr(adapter, "checks_rows", False))
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


def _batches_until_broken(stage: Iterator[None], path: Path) -> Iterator[str | None]:
    """Yield None per staged batch, then the error text if reading the file failed part-way (raised by the
    adapter, or a ``.gz`` file whose decompression stopped early, which the readers end like a whole file)."""
    while True:
        try:
            next(stage)
        except StopIteration:
            break
        except (EOFError, OSError, zlib.error) as error:
            yield f"{type(error).__name__}: {error}"
            return
        yield None
    if broken := broken_read(path):
        yield broken


def _record_source(con, path: Path, sha256: str, fmt: str, read: int, ingested: int, quarantined: int, events: int) -> None:
    con.execute(
        "INSERT INTO sources BY NAME SELECT ? AS sha256, ? AS source_file, ? AS format, ? AS rows_read, ? AS ingested, "
        "? AS quarantined, ? AS events, ? AS bytes, now()::TIMESTAMP AS ingested_at",
        [sha256, str(path), fmt, read, ingested, quarantined, events, path.stat().st_size],
    )


def _quarantine_whole_file(con, path: Path, sha256: str, fmt: str, reason: str) -> SourceSummary:
    """A file no adapter can read is one quarantined row, so the run goes on and the user sees why."""
    _forget_attempts_that_landed_nothing(con, sha256)
    con.execute(
        "INSERT INTO quarantine BY NAME SELECT ? AS source_file, 0 AS source_line, ? AS format, ? AS raw, ? AS reason, ? AS sha256",
        [str(path), fmt, read_head(path, 2_000).decode("utf-8", "replace"), reason, sha256],
    )
    _record_source(con, path, sha256, fmt, 1, 0, 1, 0)
    return SourceSummary(str(path), sha256, fmt, 1, 0, 1, problem=reason)
