"""Execution settings: which engine computes the heavy stages, and where. Not parameters.

A step's parameters (``mobtrace.analysis.params``) define *what* is computed; they are recorded in the
``parameters`` table and enter the run's identity (``dashboards.outputs.origin``). The engine and the Spark
master URL say only *how*: both engines give the same tables, bit for bit (tests/test_engine.py), so the
same inputs and parameters keep the same run id and the same outputs whichever engine ran them. They are
recorded beside the parameters, in the ``execution`` table (step, name, value as JSON), and only when they
differ from the defaults: a run on the default engine leaves the database exactly as before this table
existed, and a later default run on the same database deletes the rows an earlier Spark run left.

Set by ``mobtrace run --engine spark --spark-master URL --spark-dir DIR`` or by the Dagster resource
``engine`` (``assets.resources.EngineResource``: its config in the launchpad). On a cluster, Spark's executors
read the step's input where the driver wrote it: ``spark_dir`` is a folder every node mounts at the same path.

>>> EngineSettings().changed()
{}
>>> EngineSettings(engine="spark").changed()
{'engine': 'spark', 'spark_master': 'local[2]'}
>>> EngineSettings(engine="polars")
Traceback (most recent call last):
ValueError: --engine must be one of duckdb, spark, not 'polars'
>>> EngineSettings(engine="spark", spark_master="spark://head:7077")
Traceback (most recent call last):
ValueError: --spark-master spark://head:7077 is a cluster: name --spark-dir, a folder every Spark node mounts at the same path, for the step's Parquet
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

ENGINES = ("duckdb", "spark")
DEFAULT_MASTER = "local[2]"

EXECUTION_DDL = """
CREATE TABLE IF NOT EXISTS execution (
    step  VARCHAR NOT NULL,   -- the asset that ran with these settings
    name  VARCHAR NOT NULL,   -- engine, spark_master
    value VARCHAR NOT NULL,   -- JSON
    PRIMARY KEY (step, name)
)
"""


@dataclass(frozen=True)
class EngineSettings:
    """Where a heavy relational stage runs."""

    engine: str = "duckdb"            # duckdb (this machine) or spark
    spark_master: str = DEFAULT_MASTER  # Spark master URL: local[N], spark://host:7077, yarn, ...
    spark_dir: str = ""               # shared folder for the step's Parquet; "": this machine's temporary folder

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"--engine must be one of {', '.join(ENGINES)}, not {self.engine!r}")
        if not isinstance(self.spark_master, str) or not self.spark_master.strip():
            raise ValueError(f"--spark-master must be a Spark master URL such as local[2], not {self.spark_master!r}")
        if self.engine != "spark":
            return
        # Executors elsewhere cannot read the driver's temporary folder: Spark would fail mid-step, obscurely.
        if not self.spark_dir and not self.spark_master.startswith("local"):
            raise ValueError(f"--spark-master {self.spark_master} is a cluster: name --spark-dir, a folder every Spark "
                             "node mounts at the same path, for the step's Parquet")
        if self.spark_dir and not Path(self.spark_dir).is_dir():
            raise ValueError(f"--spark-dir {self.spark_dir!r} is not a folder: create it on the mount every Spark node shares")

    def changed(self) -> dict[str, object]:
        """The settings that differ from the defaults (what the ``execution`` table records); the master URL
        and the folder only matter, and are only recorded, on Spark."""
        default = EngineSettings()
        changed = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)
                   if getattr(self, field.name) != getattr(default, field.name)}
        if self.engine == "duckdb":
            changed.pop("spark_master", None)
            changed.pop("spark_dir", None)
        elif self.engine == "spark":
            changed["spark_master"] = self.spark_master
        return changed


def record_execution(con, step: str, settings: EngineSettings) -> None:
    """Record the settings ``step`` ran with that differ from the defaults; drop what an earlier run of
    ``step`` recorded. No table is created for a run on the defaults."""
    changed = settings.changed()
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'execution' AND NOT temporary").fetchall()[0][0]
    if not changed and not exists:
        return
    con.execute(EXECUTION_DDL)
    con.execute("DELETE FROM execution WHERE step = ?", [step])
    for name, value in sorted(changed.items()):
        con.execute("INSERT INTO execution VALUES (?, ?, ?)", [step, name, json.dumps(value, sort_keys=True)])


def recorded_execution(con) -> dict[str, dict[str, object]]:
    """What ``record_execution`` recorded, per step ({} after runs on the defaults only)."""
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'execution' AND NOT temporary").fetchall()[0][0]:
        return {}
    result: dict[str, dict[str, object]] = {}
    for step, name, value in con.execute("SELECT step, name, value FROM execution ORDER BY step, name").fetchall():
        result.setdefault(step, {})[name] = json.loads(value)
    return result
