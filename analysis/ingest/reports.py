"""Report logs, for mass-reporting analysis: CSV/TSV, NDJSON or Parquet with one report per record.

Columns: ``reporter_id, reported_account_id, reported_post_id, reason, timestamp`` and optionally
``platform`` and ``report_id``. Recognised by those column names, so a report log given in the same run
as, say, a twarc2 file is detected on its own.

Field mapping (mapping SQL: reports.sql): ``action`` = report; ``account_id`` = ``reporter_id``;
``target_account_id`` = ``reported_account_id``; ``target_post_id`` = ``reported_post_id``;
``text`` = ``reason``; ``ts`` = ``timestamp`` (ISO-8601, naive = UTC, or Unix seconds/milliseconds);
``event_id`` = ``report_id``, or a hash of the record's fields when the log has none (so the same
report in two overlapping logs is a duplicate); ``platform`` = the ``platform`` column, lower-cased,
or ``generic`` when the log does not say: add the column so that reports join the platform's posts.

A report that names neither an account nor a post is quarantined: there is nothing it is about.
"""

from __future__ import annotations

from pathlib import Path

from mobtrace.analysis.ingest.columns_adapter import ColumnsAdapter

HERE = Path(__file__).parent
DEFAULT_PLATFORM = "generic"
COLUMNS = ("reporter_id", "reported_account_id", "reported_post_id", "reason", "timestamp", "platform", "report_id")
SIGNATURE = {"reporter_id", "reported_account_id", "timestamp"}


ADAPTER = ColumnsAdapter(
    name="reports",
    description="report logs (reporter_id, reported_account_id, reported_post_id, reason, timestamp)",
    columns=COLUMNS,
    signature=frozenset(SIGNATURE),
    required=frozenset({"reporter_id", "timestamp"}),
    mapping_sql=HERE / "reports.sql",
    checks_rows=True,
    params={"platform": DEFAULT_PLATFORM},
)
