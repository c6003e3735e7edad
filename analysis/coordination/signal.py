"""The coordination signal: members of coordinated clusters, each with its evidence sentence.

Definition
----------
Every account in a kept Louvain cluster (see ``clusters.py``) is flagged with signal
``coordination``. Its score is the share of its co-action-eligible actions (e.g. reposts) that another
account it has a kept edge with matched within the window; its evidence sentence names that share, the
cluster, and its strongest tie inside the cluster (partner, shared objects, median gap).

Parameters
----------
window_seconds : float
    The co-action window, quoted in the evidence sentence.

Known false positives: those of the co-action edges and of Louvain (see ``coaction.py`` and
``clusters.py``); a high share over very few actions is weak evidence, so read the counts too.

Example
-------
Run after ``coaction_edges`` and ``account_clusters``:
``coordination_signal(con, window_seconds=60)`` fills ``account_signals`` rows with
``signal = 'coordination'`` and returns how many accounts it flagged.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from mobtrace.analysis.sql import first_row, run_script

HERE = Path(__file__).parent


def coordination_signal(con: duckdb.DuckDBPyConnection, window_seconds: float = 60) -> int:
    run_script(con, HERE.parent / "signals.sql")
    run_script(con, HERE / "signal.sql", window_seconds=f"{window_seconds:g}")
    return first_row(con, "SELECT count(*) FROM account_signals WHERE signal = 'coordination'")[0]
