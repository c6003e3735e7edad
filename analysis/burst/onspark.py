"""The burst detector's SQL files on Spark (``--engine spark``), with the same tables as on DuckDB.

What runs where: the relational statements of the ``.sql`` files (``inbound.sql``, ``bins.sql``,
``participants.sql``, ``coaction.sql``, ``calls.sql``, ``signal.sql``, ``targets.sql``: the inbound events, the
bins, participants, contacts and references, co-action, calls to action, the signal rows and the targets) run on
Spark, through ``engine.bridge.run_on_spark``; the Python stages stay on the driver, on DuckDB, between them:
the named targets (``targets.py``), the series statistics and episodes (``series.py``: Kleinberg, the baseline,
numpy), the episode features and templated texts (``features.py``: MinHash, the verdicts) and the reading of
links (``calls.py``/``links.py``). Consecutive SQL files are one Spark stage (four in all): the tables they
read go out as Parquet, the tables they write (and the temporary ones a later stage reads) come back.

The ``burst`` rows of ``account_signals``, and its ``coordination`` rows grouped by an episode, are written on
Spark into a copy of the database's ``account_signals`` (signal.sql reads the clusters' coordination rows) and
swapped into the database's table (``replace_burst_rows``); the other rows stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mobtrace.analysis.engine.settings import EngineSettings
from mobtrace.analysis.signals import SIGNAL_COLUMNS, replace_rows
from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Tables:
    """What one SQL file reads from the database, the stored tables it writes, and the temporary tables it writes
    that a later stage reads (loaded back as temporary tables)."""

    reads: tuple[str, ...]
    writes: tuple[str, ...] = ()
    temps: tuple[str, ...] = ()


TABLES = {
    "inbound.sql": Tables(("interactions", "accounts"), ("burst_inbound",), ("burst_grid",)),
    "bins.sql": Tables(("burst_inbound", "burst_grid"), (), ("burst_bins", "burst_platform_bins")),
    "participants.sql": Tables(("burst_episodes", "burst_inbound", "interactions", "accounts", "account_signals"),
                               ("burst_participants", "burst_references"), ("burst_episode_contacts", "burst_clustered")),
    "coaction.sql": Tables(("burst_episodes", "burst_inbound", "interactions", "burst_participants"), ("burst_events", "burst_coaction")),
    "calls.sql": Tables(("burst_episodes", "accounts", "interactions", "burst_link_targets", "burst_events", "burst_participants",
                         "burst_clustered", "burst_coaction"),
                        ("burst_calls", "burst_events", "burst_participants", "burst_coaction", "burst_episodes")),
    "signal.sql": Tables(("account_signals", "burst_episodes", "accounts", "burst_coaction", "burst_participants",
                          "burst_episode_contacts"), ("burst_participants",)),
    "targets.sql": Tables(("burst_inbound", "burst_episodes", "account_signals", "burst_named_targets", "burst_analysed", "accounts"),
                          ("burst_targets",)),
}

# The order DuckDB writes these tables in (their statements' ORDER BY): readers that do not sort see the same.
ROW_ORDER = {"burst_participants": "episode_id, role, first_ts, platform, account_id",
             "burst_calls": "episode_id, ts, platform, event_id"}

# The rows of account_signals this detector writes (signal.sql deletes and inserts exactly these).
BURST_ROWS = "signal = 'burst' OR (signal = 'coordination' AND group_key LIKE 'episode-%')"
SPARK_ROWS = "spark_burst_rows"


def run_scripts_on_spark(con, scripts: list[tuple[str, dict]], *, execution: EngineSettings, spark) -> None:
    """Consecutive SQL files (name, parameters) as one Spark stage; their tables loaded back into ``con``."""
    from mobtrace.analysis.engine.bridge import run_on_spark

    names = [name for name, _ in scripts]
    written: set[str] = set()
    inputs, outputs, temps = [], [], []
    for name in names:
        tables = TABLES[name]
        inputs += [t for t in tables.reads if t not in written and t not in inputs]
        written |= {*tables.writes, *tables.temps}
        outputs += [t for t in tables.writes if t not in outputs]
        temps += [t for t in tables.temps if t not in temps]
    signal = "signal.sql" in names
    before = set(spark.tables())
    try:
        run_on_spark(con, _scripts, inputs=inputs, outputs=[*outputs, *temps, *([SPARK_ROWS] if signal else [])], spark=spark,
                     master=execution.spark_master, shared_dir=execution.spark_dir or None, scripts=scripts, signal=signal)
    finally:
        for table in set(spark.tables()) - before:  # the stage's own tables: the next stage reads the database's
            spark.drop_table(table)
    database = con.execute("SELECT current_database()").fetchall()[0][0]
    for table in temps:  # named with the database: "main." alone is the temporary table once there is one
        stored = f'"{database}".main.{table}'
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {stored}")
        con.execute(f"DROP TABLE {stored}")
    for table in outputs:
        if table in ROW_ORDER:
            con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {table} ORDER BY {ROW_ORDER[table]}")
    if signal:
        replace_burst_rows(con)


def _scripts(eng, *, scripts: list[tuple[str, dict]], signal: bool) -> None:
    for name, params in scripts:
        run_script(eng, HERE / name, **params)
    if signal:
        eng.execute(f"CREATE OR REPLACE TABLE {SPARK_ROWS} AS SELECT * FROM account_signals WHERE {BURST_ROWS}")


def replace_burst_rows(con, table: str = SPARK_ROWS) -> None:
    """The detector's rows of ``account_signals`` replaced by those of ``table`` (then dropped), in key order."""
    replace_rows(con, "account_signals", SIGNAL_COLUMNS, BURST_ROWS, "signal, platform, account_id", table)
