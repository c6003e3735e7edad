"""``account_signals``: the one table every detector writes its flags to (defined in ``signals.sql``).

A detector's step calls ``create_signals_table`` and then replaces its own rows (``DELETE ... WHERE signal =
'<name>'``, then ``INSERT``): one row per flagged account with its group, score (0-1), one evidence sentence,
and when the behaviour behind the flag happened. Campaign fusion reads only this table.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent


def create_signals_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``account_signals`` if the database does not have it yet."""
    run_script(con, HERE / "signals.sql")
