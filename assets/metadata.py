"""Metadata every asset attaches: row counts and a small preview of the table it wrote."""


import dagster as dg
import duckdb


def row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def preview(con: duckdb.DuckDBPyConnection, table: str, rows: int = 5, columns: str = "*") -> dg.MetadataValue:
    """First rows of a table as a Markdown table (cells escaped: the data is hostile user text)."""
    relation = con.sql(f"SELECT {columns} FROM {table} LIMIT {rows}")
    header = "| " + " | ".join(relation.columns) + " |"
    rule = "|" + "---|" * len(relation.columns)
    body = ["| " + " | ".join(_cell(value) for value in row) + " |" for row in relation.fetchall()]
    return dg.MetadataValue.md("\n".join([header, rule, *body]))


def _cell(value: object) -> str:
    text = str(value)[:80]
    for char, escaped in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;"), ("\n", " ")):
        text = text.replace(char, escaped)
    return text


def table_metadata(con: duckdb.DuckDBPyConnection, table: str, **extra: object) -> dict[str, object]:
    return {"dagster/row_count": row_count(con, table), "preview": preview(con, table), **extra}
