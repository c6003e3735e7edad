"""Engines for the relational stages: DuckDB on one machine, Apache Spark beyond it, with the same SQL.

Definition
----------
An *engine* runs the stages' SQL, which is written once, in DuckDB's dialect, in the ``.sql`` files beside
the code. ``DuckDBEngine`` runs it as it is (what ``mobtrace.analysis.sql.run_script`` does);
``SparkEngine`` (``spark.py``) renders each statement for Spark with SQLGlot, the engines' differences
being written in one place (``render.py``). Both answer the part of DuckDB's connection API the stages call
(``execute(sql, params)``, ``sql(query)`` with ``fetchall``/``limit``/``to_arrow_table``, ``register``), so a
stage that takes a DuckDB connection runs on either engine, unchanged. On top of that, every engine has the
operations a stage or a driver needs by name: ``run_script``, ``create_table``, ``drop_table``, ``fetch``,
``register_parquet``, ``write_parquet``.

Parameters
----------
``engine(kind, ...)``: ``"duckdb"`` with ``con`` (a connection, or a database path), or ``"spark"`` with
``master`` (a Spark master URL, default ``local[2]``) and optionally ``warehouse`` (where stored tables go,
as Parquet).

Known limits
------------
Spark needs a Java runtime (17 or later) and pyspark. Which SQL files render for Spark, and which
constructs still need a rendering, is listed in analysis/engine/NOTES.md (``python -m mobtrace.analysis.engine.survey``).

Example
-------
>>> eng = engine("duckdb")
>>> eng.create_table("t", "SELECT range AS x FROM range(3)")
>>> eng.fetch("SELECT sum(x) FROM t WHERE x >= $low", {"low": 1})
[(3,)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mobtrace.analysis.engine.settings import ENGINES, EngineSettings  # noqa: F401  (named here too)

if TYPE_CHECKING:  # DuckDB is imported when an engine is made: the command line's parser reads the settings only
    import duckdb

Params = Mapping[str, object] | Sequence[object] | None


class Engine:
    """What the relational stages need from an engine. Subclasses give ``execute``, ``sql``, ``register``,
    ``unregister``, ``register_parquet`` and ``write_parquet``; the rest is built on those."""

    name = "engine"

    def execute(self, sql: str, params: Params = None):
        raise NotImplementedError

    def sql(self, query: str, params: Params = None):
        raise NotImplementedError

    def register(self, name: str, data) -> None:
        raise NotImplementedError

    def unregister(self, name: str) -> None:
        raise NotImplementedError

    def register_parquet(self, name: str, path: str | Path, *, temp: bool = False) -> None:
        raise NotImplementedError

    def write_parquet(self, name: str, path: str | Path) -> None:
        raise NotImplementedError

    def run_script(self, path: Path, **params: object) -> None:
        """Every statement of a SQL file, with the ``$name`` parameters it uses."""
        from mobtrace.analysis.sql import run_script

        run_script(self, path, **params)

    def fetch(self, query: str, params: Params = None) -> list[tuple]:
        return self.sql(query, params).fetchall()

    def create_table(self, name: str, select: str, params: Params = None, *, temp: bool = True) -> None:
        self.execute(f"CREATE OR REPLACE {'TEMP ' if temp else ''}TABLE {name} AS {select}", params)

    def drop_table(self, name: str) -> None:
        self.execute(f"DROP TABLE IF EXISTS {name}")


class DuckDBEngine(Engine):
    """The engine of one machine: a DuckDB connection, statements run as written."""

    name = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection | str | Path = ":memory:"):
        import duckdb

        self.con = con if isinstance(con, duckdb.DuckDBPyConnection) else duckdb.connect(str(con))

    def execute(self, sql: str, params: Params = None):
        return self.con.execute(sql, params)

    def sql(self, query: str, params: Params = None):
        return self.con.sql(query, params=params)

    def register(self, name: str, data) -> None:
        self.con.register(name, data)

    def unregister(self, name: str) -> None:
        self.con.unregister(name)

    def register_parquet(self, name: str, path: str | Path, *, temp: bool = False) -> None:
        kind = "TEMP TABLE" if temp else "TABLE"
        self.con.execute(f"CREATE OR REPLACE {kind} {name} AS SELECT * FROM read_parquet($path)", {"path": str(path)})

    def write_parquet(self, name: str, path: str | Path) -> None:
        self.con.execute(f"COPY (SELECT * FROM {name}) TO '{_quoted(str(path))}' (FORMAT parquet)")

    def close(self) -> None:
        self.con.close()


def _quoted(text: str) -> str:
    return text.replace("'", "''")


def engine(kind: str = "duckdb", *, con: duckdb.DuckDBPyConnection | str | Path = ":memory:",
           master: str = "local[2]", warehouse: str | Path | None = None, **spark_options) -> Engine:
    """The engine named ``kind`` ("duckdb" or "spark"; ``spark_options`` go to ``SparkEngine``)."""
    if kind == "duckdb":
        return DuckDBEngine(con)
    if kind == "spark":
        from mobtrace.analysis.engine.spark import SparkEngine

        return SparkEngine(master, warehouse=warehouse, **spark_options)
    raise ValueError(f'engine must be "duckdb" or "spark", not {kind!r}')


# Co-action behaviours whose Spark results are proven equal to DuckDB's (tests/test_engine.py); the coaction step
# refuses the others on Spark.
SPARK_BEHAVIOURS = ("co_repost", "co_reply", "co_report", "co_mention", "co_hashtag", "co_hashtag_seq", "co_text",
                    "co_text_near", "co_link", "co_domain")

# Signals (rows of account_signals) whose Spark statements are proven equal to DuckDB's (tests/test_engine.py
# test_spark_signals_equal_duckdbs_exactly, one case per name): a detector that lands on Spark adds its name here.
SPARK_SIGNALS = ("coordination", "paid_amplification", "mass_reporting", "burst")
