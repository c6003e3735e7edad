"""Resources and default locations shared by the Dagster definitions and the CLI."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"
DEFAULT_DATABASE = os.environ.get("MOBTRACE_DB", str(PROJECT_ROOT / "data" / "mobtrace.duckdb"))
DEFAULT_REPORTS = os.environ.get("MOBTRACE_REPORTS", str(PROJECT_ROOT / "reports"))


def sample_inputs() -> list[str]:
    """The bundled sample data set: interactions plus the accounts table beside them."""
    return [str(SAMPLE_DIR / "interactions.csv"), str(SAMPLE_DIR / "accounts.csv")]


class ReportsDir(dg.ConfigurableResource):
    """Folder the report and the exported files are written to."""

    path: str = DEFAULT_REPORTS

    def folder(self) -> Path:
        folder = Path(self.path)
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def database_resource(database: str | Path = DEFAULT_DATABASE) -> DuckDBResource:
    """The one DuckDB file every asset reads and writes (one writer: steps run in-process)."""
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    return DuckDBResource(database=str(database))


def resources(database: str | Path = DEFAULT_DATABASE, reports: str | Path = DEFAULT_REPORTS) -> dict[str, object]:
    return {"duckdb": database_resource(database), "reports": ReportsDir(path=str(reports))}
