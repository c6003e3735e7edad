"""The Dagster resources: the run's database (held for the whole run by the run lock) and reports folder.

The default locations and the run lock are ``mobtrace.assets.locations`` (no Dagster there, so the command
line uses them without importing Dagster); they are named here too, where the CLI and tests found them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from mobtrace.analysis.engine.settings import EngineSettings
from mobtrace.assets.locations import (  # noqa: F401  (the rule and the lock live there, without Dagster)
    DATABASE_NAME, DEFAULT_DATABASE, DEFAULT_REPORTS, LOCK_POLL_SECONDS, LOCK_SUFFIX, PROJECT_ROOT, SAMPLE_DIR,
    DatabaseBusyError, database_lock, default_database, describe_holder, lock_holder, lock_path, sample_inputs,
)


class ReportsDir(dg.ConfigurableResource):
    """Folder the report and the exported files are written to."""

    path: str = DEFAULT_REPORTS

    def folder(self) -> Path:
        folder = Path(self.path)
        folder.mkdir(parents=True, exist_ok=True)
        return folder


class LockedDuckDBResource(DuckDBResource):
    """The one DuckDB file every asset reads and writes, held for the whole run (``database_lock``): a
    run started while another holds the database fails at once with a sentence naming the holder.

    ``get_connection`` closes its connection even when the step fails (DuckDBResource's leaves it to the
    garbage collector, which kept DuckDB's own file lock after the run had let go of the database), and
    does not retry: no other mobtrace run can hold the file, and another program's hold is reported."""

    @contextmanager
    def yield_for_execution(self, context) -> Iterator["LockedDuckDBResource"]:
        with database_lock(self.database):
            yield self

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        connection = duckdb.connect(self.database, read_only=False, config={"custom_user_agent": "dagster", **self.connection_config})
        try:
            yield connection
        finally:
            connection.close()


class EngineResource(dg.ConfigurableResource):
    """Where the heavy relational stages run: ``engine`` duckdb (this machine) or spark, the Spark master
    URL (local[N], spark://host:7077, yarn, ...) and, on a cluster, ``spark_dir``, a folder every node mounts at
    the same path. Execution settings, not parameters: they do not change the results or the run id
    (``mobtrace.analysis.engine.settings``)."""

    engine: str = EngineSettings.engine
    spark_master: str = EngineSettings.spark_master
    spark_dir: str = EngineSettings.spark_dir

    def settings(self) -> EngineSettings:
        return EngineSettings(engine=self.engine, spark_master=self.spark_master, spark_dir=self.spark_dir)


def database_resource(database: str | Path = DEFAULT_DATABASE) -> DuckDBResource:
    """The one DuckDB file every asset reads and writes (one writer: steps run in-process)."""
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    return LockedDuckDBResource(database=str(database))


def resources(database: str | Path = DEFAULT_DATABASE, reports: str | Path = DEFAULT_REPORTS,
              execution: EngineSettings = EngineSettings()) -> dict[str, object]:
    return {"duckdb": database_resource(database), "reports": ReportsDir(path=str(reports)),
            "engine": EngineResource(engine=execution.engine, spark_master=execution.spark_master,
                                     spark_dir=execution.spark_dir)}
