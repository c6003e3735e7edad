"""``account_signals``: the one table every detector writes its flags to (defined in ``signals.sql``).

A detector's step calls ``create_signals_table`` and then replaces its own rows (``DELETE ... WHERE signal =
'<name>'``, then ``INSERT``): one row per flagged account with its group, score (0-1), one evidence sentence,
and when the behaviour behind the flag happened. Campaign fusion reads only this table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent


def create_signals_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``account_signals`` if the database does not have it yet."""
    run_script(con, HERE / "signals.sql")


# The table a detector's rows come back from Spark in (see ``signal_rows_on_spark``).
SPARK_ROWS = "spark_signal_rows"


def signal_rows_on_spark(eng, *, signal: str, rows: Callable[[object], None]) -> None:
    """A detector's statements on a Spark engine (a stage for ``engine.bridge.run_on_spark``): ``rows(eng)`` writes
    the ``signal`` rows into an ``account_signals`` that starts empty there; they are left in ``SPARK_ROWS``. Only
    the detector's rows travel: the database's ``account_signals`` (its key, other detectors' rows) stays as it is
    and ``replace_signal_rows`` puts them in."""
    eng.execute("DROP TABLE IF EXISTS account_signals")
    create_signals_table(eng)
    rows(eng)
    eng.execute(f"CREATE OR REPLACE TABLE {SPARK_ROWS} AS SELECT * FROM account_signals WHERE signal = $signal",
                {"signal": signal})


SIGNAL_COLUMNS = "signal, platform, account_id, group_key, score, evidence, first_ts, last_ts, events"


def replace_rows(con: duckdb.DuckDBPyConnection, target: str, columns: str, rows: str, order: str, table: str,
                 params: dict | None = None) -> None:
    """Replace the rows of ``target`` that match ``rows`` (a condition) by those of ``table`` (then dropped), in
    ``order``: how a detector's rows computed on Spark take the place of its earlier ones."""
    con.execute(f"DELETE FROM {target} WHERE {rows}", params)
    con.execute(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {table} WHERE {rows} ORDER BY {order}", params)
    con.execute(f"DROP TABLE {table}")


def replace_signal_rows(con: duckdb.DuckDBPyConnection, signal: str, table: str = SPARK_ROWS) -> None:
    """Replace the ``signal`` rows of ``account_signals`` by those of ``table`` (then dropped), in key order."""
    replace_rows(con, "account_signals", SIGNAL_COLUMNS, "signal = $signal", "platform, account_id", table, {"signal": signal})


# The table a detector's ``signal_beneficiaries`` rows come back from Spark in (see ``keep_beneficiary_rows``).
SPARK_BENEFICIARIES = "spark_signal_beneficiaries"


def keep_beneficiary_rows(eng, signal: str) -> None:
    """On a Spark engine, after the detector's statements: its ``signal_beneficiaries`` rows into ``SPARK_BENEFICIARIES``
    (for ``replace_beneficiary_rows``), as ``signal_rows_on_spark`` does for ``account_signals``."""
    eng.execute(f"CREATE OR REPLACE TABLE {SPARK_BENEFICIARIES} AS SELECT * FROM signal_beneficiaries WHERE signal = $signal",
                {"signal": signal})


def replace_beneficiary_rows(con: duckdb.DuckDBPyConnection, signal: str, table: str = SPARK_BENEFICIARIES) -> None:
    """Replace the ``signal`` rows of ``signal_beneficiaries`` by those of ``table`` (then dropped), in key order."""
    replace_rows(con, "signal_beneficiaries", "signal, group_key, platform, account_id, reason", "signal = $signal",
                 "group_key, platform, account_id", table, {"signal": signal})
