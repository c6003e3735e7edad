"""DuckDB's parsers of text, run by DuckDB itself on Spark's executors (vectorised, Arrow in and out).

Reading a value out of text is where engines differ most and no specification settles it: DuckDB's
``TRY_CAST(s AS TIMESTAMP)`` takes '2024-01-01 24:00:00' and 'Z' endings its own way, its TIMESTAMPTZ cast knows
ICU's zone names, ``TRY_CAST(s AS DOUBLE)`` refuses Java's '1.5d' and '0x1p3' that Spark's cast takes, its
``from_json`` writes a JSON number inside a list of VARCHAR as DuckDB writes it. The ingest mappings
(``ingest/macros.sql``: ``mt_ts``, ``mt_list``, ``TRY_CAST`` of counts) use exactly these. Each is rendered for
Spark (``render._duckdb_parser``) as a call of one of the functions below, which hands the column's batch to an
in-process DuckDB connection (UTC, one thread) and evaluates the same expression there: the same value for every
input, by construction, not by a second copy of the rules. Everything around them (CASE, regular expressions,
lists, md5) stays Spark's own.

The executors need ``duckdb`` and ``pyarrow`` in their Python (local mode: this interpreter); the functions
travel by value like ``duckdb_hash``.

>>> evaluate("TRY_CAST(v AS BIGINT)", __import__("pyarrow").array([" 12", "1e3", "x", None])).to_pylist()
[12, 1000, None, None]
"""

from __future__ import annotations

# name -> (DuckDB expression of the argument v, Spark type of the result)
PARSERS: dict[str, tuple[str, str]] = {
    "mt_duckdb_try_timestamp": ("TRY_CAST(v AS TIMESTAMP)", "timestamp_ntz"),
    "mt_duckdb_try_timestamptz_utc": ("timezone('UTC', TRY_CAST(v AS TIMESTAMPTZ))", "timestamp_ntz"),
    "mt_duckdb_try_bigint": ("TRY_CAST(v AS BIGINT)", "bigint"),
    "mt_duckdb_try_double": ("TRY_CAST(v AS DOUBLE)", "double"),
    "mt_duckdb_try_varchar_list": ("try(from_json(v, '[\"VARCHAR\"]'))", "array<string>"),
    "mt_duckdb_timestamp_text": ("CAST(v AS VARCHAR)", "string"),
    # a Parquet column's text as the DuckDB path reads it (tabular._parquet_projection): any type, and a list's or
    # a struct's JSON
    "mt_duckdb_text": ("CAST(v AS VARCHAR)", "string"),
    "mt_duckdb_json_text": ("CAST(to_json(v) AS VARCHAR)", "string"),
}

def _duckdb():
    """A DuckDB connection for one batch. Not kept in a module global: this module travels to the executors by
    value (``spark.session``), and a connection in its globals cannot be pickled."""
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET threads = 1")  # rows kept in order
    return con


def evaluate(expression: str, values):
    """``expression`` (in ``v``) of each value of an Arrow array, by DuckDB, as an Arrow array in the same order."""
    import pyarrow as pa

    table = pa.table({"v": values})
    con = _duckdb()
    try:
        con.register("mt_batch", table)
        result = con.sql(f"SELECT {expression} AS r FROM mt_batch").to_arrow_table()
    finally:
        con.close()
    return result.column("r").combine_chunks()


def register(spark) -> None:
    """Register every parser as a Spark function of that name (Arrow UDFs)."""
    from pyspark.sql.functions import arrow_udf

    for name, (expression, spark_type) in PARSERS.items():
        spark.udf.register(name, arrow_udf(_parser(expression, spark_type), spark_type))


def _parser(expression: str, spark_type: str):
    def parse(values):
        result = evaluate(expression, values)
        if spark_type == "timestamp_ntz":  # DuckDB's TIMESTAMP is microseconds without a zone; so is Spark's NTZ
            import pyarrow as pa

            result = result.cast(pa.timestamp("us"))
        return result

    return parse
