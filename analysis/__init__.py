"""mobtrace's detection library: pure functions over a DuckDB connection, no Dagster import."""
