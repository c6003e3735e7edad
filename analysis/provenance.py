"""What produced a result: software version, every step's parameters, and the input files' SHA-256.

Each pipeline step records its parameters with ``record_parameters``; ``provenance`` gathers them with
the ``sources`` table so that every output (report, campaigns.json, evidence) can carry them.
"""

from __future__ import annotations

import json
import platform
from importlib import metadata

import duckdb

PARAMETERS_DDL = """
CREATE TABLE IF NOT EXISTS parameters (
    step  VARCHAR NOT NULL,   -- the asset / detector that used them
    name  VARCHAR NOT NULL,
    value VARCHAR NOT NULL,   -- JSON
    PRIMARY KEY (step, name)
)
"""


def software_version() -> str:
    try:
        return metadata.version("mobtrace")
    except metadata.PackageNotFoundError:
        return "unknown"


def record_parameters(con: duckdb.DuckDBPyConnection, step: str, params: dict[str, object]) -> None:
    """Replace the recorded parameters of one step."""
    con.execute(PARAMETERS_DDL)
    con.execute("DELETE FROM parameters WHERE step = ?", [step])
    for name, value in sorted(params.items()):
        con.execute("INSERT INTO parameters VALUES (?, ?, ?)", [step, name, json.dumps(value, sort_keys=True)])


def parameters(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, object]]:
    if not con.sql("SELECT 1 FROM information_schema.tables WHERE table_name = 'parameters'").fetchall():
        return {}
    result: dict[str, dict[str, object]] = {}
    for step, name, value in con.sql("SELECT step, name, value FROM parameters ORDER BY step, name").fetchall():
        result.setdefault(step, {})[name] = json.loads(value)
    return result


def input_files(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    columns = ["source_file", "sha256", "format", "rows_read", "ingested", "quarantined", "bytes"]
    rows = con.sql(f"SELECT {', '.join(columns)} FROM sources ORDER BY source_file, sha256").fetchall()
    return [dict(zip(columns, row)) for row in rows]


def provenance(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    return {
        "software": {"mobtrace": software_version(), "duckdb": duckdb.__version__, "python": platform.python_version()},
        "parameters": parameters(con),
        "inputs": input_files(con),
    }
