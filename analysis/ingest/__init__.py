"""Export adapters and the canonical DuckDB tables they write (see schema.sql)."""

from mobtrace.analysis.ingest.core import SourceSummary, connect, detect_format, file_sha256, ingest_paths

__all__ = ["SourceSummary", "connect", "detect_format", "file_sha256", "ingest_paths"]
