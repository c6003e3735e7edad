"""Run one relational stage on Spark for a DuckDB database: its input tables out as Parquet, the stage on a
``SparkEngine``, its output tables back into the database.

This is how the pipeline switches engine for its heavy stages while the rest (signals, clustering, the
report) keeps reading DuckDB: ``run_on_spark(con, coaction_edges, inputs=("interactions",),
outputs=OUTPUT_TABLES, behaviours=("co_repost",))`` leaves the same ``coaction_*`` tables in ``con`` as
``coaction_edges(con, behaviours=("co_repost",))`` does. On a cluster, the Parquet must be where every node
reads it at the same path: ``shared_dir``, a shared mount (NFS, a cluster file system mounted on the driver and
every executor), the parent of the step's temporary folder. Output rows are loaded sorted by all their columns: Spark keeps no row
order, so a reader that needs one must say ``ORDER BY``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb

from mobtrace.analysis.engine import DuckDBEngine, Engine


def run_on_spark(con: duckdb.DuckDBPyConnection, stage: Callable[..., object], *, inputs: Iterable[str],
                 outputs: Iterable[str], spark: Engine | None = None, master: str = "local[2]",
                 workdir: str | Path | None = None, shared_dir: str | Path | None = None, **arguments) -> object:
    """``stage(spark_engine, **arguments)`` with the DuckDB tables ``inputs`` as its input; its tables
    ``outputs`` replace those of the same names in ``con``. Returns what the stage returns. Without
    ``workdir`` the Parquet goes to a temporary folder inside ``shared_dir`` (default: this machine's
    temporary folder, enough for ``local[N]``), removed afterwards: it holds the export's interactions
    (people's posts), and 118 MiB per million of them."""
    if spark is None:
        from mobtrace.analysis.engine.spark import SparkEngine

        spark = SparkEngine(master)
    if workdir is not None:
        return _run_in(Path(workdir), con, stage, inputs, outputs, spark, arguments)
    inputs = tuple(inputs)
    with tempfile.TemporaryDirectory(prefix="mobtrace-spark-", dir=shared_dir) as folder:
        try:
            return _run_in(Path(folder), con, stage, inputs, outputs, spark, arguments)
        finally:
            # the engine's input tables read the folder, which is removed now: a later stage on the same engine
            # (the signals after the co-action step) must not find them
            for table in inputs:
                spark.drop_table(table)


def _run_in(folder: Path, con, stage, inputs, outputs, spark: Engine, arguments: dict) -> object:
    duck = DuckDBEngine(con)
    for table in inputs:
        path = folder / "in" / f"{table}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        duck.write_parquet(table, path)
        spark.register_parquet(table, path)
    result = stage(spark, **arguments)
    for table in outputs:
        path = folder / "out" / table
        spark.write_parquet(table, path)
        files = {"files": str(path / "*.parquet")}
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {_duckdb_columns(con, files)} FROM read_parquet($files) ORDER BY ALL",
                    files)
    return result


def _duckdb_columns(con, files: dict) -> str:
    """The Parquet's columns as DuckDB typed them: DECIMAL(38, 0) is how Spark holds DuckDB's HUGEINT (render.py's
    integer sums), loaded back as HUGEINT; other columns as they are."""
    columns = con.execute("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($files))", files).fetchall()
    return ", ".join(f'CAST("{name}" AS HUGEINT) AS "{name}"' if kind == "DECIMAL(38,0)" else f'"{name}"'
                     for name, kind in columns)
