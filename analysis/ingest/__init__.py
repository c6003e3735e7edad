"""Export adapters and the canonical DuckDB tables they write (see schema.sql).

Modules depend one way: ``core`` (database, adapter contract) <- the adapters <- ``registry`` (which
adapters exist, format detection) <- ``run`` (``ingest_paths``)."""

from mobtrace.analysis.ingest.core import SourceSummary, connect, file_sha256
from mobtrace.analysis.ingest.registry import detect_format
from mobtrace.analysis.ingest.run import ingest_paths

__all__ = ["SourceSummary", "connect", "detect_format", "file_sha256", "ingest_paths"]
