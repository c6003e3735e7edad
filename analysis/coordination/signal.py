"""The coordination signal: members of coordinated clusters, each with its evidence sentence.

Definition
----------
Every account in a kept Louvain cluster (see ``clusters.py``) is flagged with signal
``coordination``. Its score is the share of its co-action-eligible actions (e.g. reposts) that another
account it has a kept edge with matched within the window; its evidence sentence names that share, the
cluster, the window its actions were matched within (the fixed window, or the range of the per-object
windows when they were estimated), and its strongest tie inside the cluster (partner, shared objects, median
gap). The flag's period (``first_ts``, ``last_ts``) is that of its ties inside the cluster.

Parameters: none of its own; it reads what ``coaction_edges`` and ``account_clusters`` wrote.

Known false positives: those of the co-action edges and of Louvain (see ``coaction.py`` and
``clusters.py``); a high share over very few actions is weak evidence, so read the counts too.

Example
-------
Run after ``coaction_edges`` and ``account_clusters``:
``coordination_signal(con)`` fills ``account_signals`` rows with
``signal = 'coordination'`` and returns how many accounts it flagged.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from mobtrace.analysis.signals import create_signals_table
from mobtrace.analysis.sql import first_row, run_script

HERE = Path(__file__).parent


def coordination_signal(con: duckdb.DuckDBPyConnection) -> int:
    create_signals_table(con)
    run_script(con, HERE / "signal.sql")
    return first_row(con, "SELECT count(*) FROM account_signals WHERE signal = 'coordination'")[0]
