"""The generic input format: mobtrace's own column names in CSV/TSV, NDJSON or Parquet.

Events file: ``account_id``, ``action`` and ``timestamp`` are required; optional columns are
``platform`` (default ``generic``), ``event_id`` (derived from the row's content when absent),
``account_handle``, ``target_account_id``, ``target_post_id``, ``text``, ``urls``, ``hashtags``,
``mentions``, ``conversation_id``, ``lang`` and facts about the acting account
(``account_display_name``, ``account_created_at``, ``account_followers``, ``account_following``).
``timestamp`` is ISO-8601 (naive means UTC) or Unix seconds / milliseconds. List columns are JSON arrays
or whitespace-separated values (NDJSON arrays and Parquet lists are read as they are).

Accounts file: ``account_id`` plus any of ``platform``, ``handle``, ``display_name``, ``created_at``,
``followers``, ``following``, and no column of the events file. A file with events columns but without
``account_id``, ``action`` or ``timestamp`` is not taken for an accounts file: named with ``--format
generic``, each of its rows is quarantined with a reason naming the missing column.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb

from mobtrace.analysis.ingest.tabular import column_names, prepare_csv, text_batches
from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent
DEFAULT_PLATFORM = "generic"

EVENT_COLUMNS = (
    "platform", "event_id", "account_id", "account_handle", "action", "timestamp", "target_account_id",
    "target_post_id", "text", "urls", "hashtags", "mentions", "conversation_id", "lang",
    "account_display_name", "account_created_at", "account_followers", "account_following",
)
REQUIRED_EVENT_COLUMNS = {"account_id", "action", "timestamp"}
ACCOUNT_COLUMNS = ("platform", "account_id", "handle", "display_name", "created_at", "followers", "following")
# Columns only an events file has: a file with any of them is an events file, even without `action`.
EVENT_ONLY_COLUMNS = set(EVENT_COLUMNS) - set(ACCOUNT_COLUMNS)


def is_accounts_file(columns: list[str]) -> bool:
    """An accounts file: account_id and another account column, and no column of the events file (an
    events file that lacks `action` is an events file with a column missing, not an accounts file)."""
    present = set(columns)
    return "account_id" in present and not present & EVENT_ONLY_COLUMNS and len(present & set(ACCOUNT_COLUMNS)) > 1


class GenericAdapter:
    name = "generic"
    description = "mobtrace's own columns (account_id, action, timestamp, ...) in CSV, NDJSON or Parquet"
    signature = frozenset(REQUIRED_EVENT_COLUMNS)  # what auto-detection looks for, and names when it is missing
    checks_rows = True  # its mapping applies the row checks (mt_row_problem): finalize.sql skips them

    def sniff(self, path: Path, head: bytes) -> bool:
        columns = column_names(path, head)
        return REQUIRED_EVENT_COLUMNS <= set(columns) or is_accounts_file(columns)

    def prepare(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        prepare_csv(con, path)

    def stage(self, con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[None]:
        accounts = is_accounts_file(column_names(path))
        columns, sql = (ACCOUNT_COLUMNS, "generic_accounts.sql") if accounts else (EVENT_COLUMNS, "generic.sql")
        required = () if accounts else REQUIRED_EVENT_COLUMNS
        for _ in text_batches(con, path, columns, required, self.name):
            run_script(con, HERE / sql, platform=DEFAULT_PLATFORM)
            yield
