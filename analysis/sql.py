"""Run the ``.sql`` files that live next to the code using them.

A script is split into statements at a semicolon that ends a line; each statement receives only the
``$name`` parameters it mentions, so one parameter dict serves a whole script.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import duckdb

_STATEMENT_END = re.compile(r";\s*(?:\n|$)")
_PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")


@cache
def statements(path: Path) -> tuple[str, ...]:
    """The statements of a SQL file, with whole-line comments removed and empty statements dropped."""
    code = "\n".join(line for line in Path(path).read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("--"))
    return tuple(part for part in _STATEMENT_END.split(code) if part.strip())


def run_script(con: duckdb.DuckDBPyConnection, path: Path, **params: object) -> None:
    """Execute every statement of a SQL file with the named parameters it uses."""
    for statement in statements(Path(path)):
        con.execute(statement, _used(statement, params))


def query(con: duckdb.DuckDBPyConnection, path: Path, **params: object) -> duckdb.DuckDBPyConnection:
    """Execute a one-statement SQL file and return the cursor for fetching."""
    (statement,) = statements(Path(path))
    return con.execute(statement, _used(statement, params))


def _used(statement: str, params: dict[str, object]) -> dict[str, object]:
    names = set(_PARAMETER.findall(statement))
    missing = names - params.keys()
    if missing:
        raise KeyError(f"SQL parameter(s) {sorted(missing)} not given")
    return {name: params[name] for name in names}


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> tuple | None:
    """The first row of a query, or None. (DuckDB 2 relations have no fetchone; a half-read
    ``execute`` result would block the connection.)"""
    rows = con.sql(sql, params=params).limit(1).fetchall()
    return rows[0] if rows else None


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the database has a table (or view) of that name: a step's output exists once the step ran."""
    return first_row(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = $1", [name])[0] > 0
