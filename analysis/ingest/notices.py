"""Moderation notices, the victim's side of a mass-reporting case: CSV/TSV, NDJSON or Parquet, one notice per
record.

An advocate documenting a case has what the platform told the account holder: post removed, account locked
or suspended, appeal granted or denied, each with a time and a stated reason. Columns:

``timestamp`` (required; ISO-8601, naive = UTC, or Unix seconds / milliseconds), ``notice_action``
(required: what the platform did, in its own words), ``platform`` (x, reddit, ...), ``account_id`` (the
account the notice was sent to) or ``handle``, and optionally ``post_id`` (the post it is about),
``stated_reason``, ``notice_text`` and ``notice_id``. Recognised by ``notice_action`` and ``timestamp``.

Notices are not interactions, so they go to their own table, ``notices`` (``notices_table.sql``), not to
``interactions``: ``action`` holds the action read from ``notice_action`` (post_removed, account_locked,
account_suspended, account_restricted, warning, appeal_granted, appeal_denied, restored, or other), and
``action_as_given`` the words themselves. ``notice_id`` is the export's, or a hash of the record's fields (the
same notice in two files is a duplicate).

The ingest contract holds as for every format: each record read is stored or quarantined with its file, line
and a one-sentence reason, and ``sources.rows_read = ingested + quarantined``. A stored notice is counted as
an account row (``stage_accounts``): the account it was sent to is recorded in ``accounts`` by platform and
id alone, so nothing known about the account is overwritten, and its ``events`` count stays 0.

Quarantined, with the reason: no platform; no or an unreadable timestamp, or one outside 1995-2099; no
``notice_action``; no account, or only a handle that no export read before names on that platform (handles
change hands: the id is what joins, and a notice names the handle of its day); a repeat of a stored notice.

>>> import tempfile, pathlib
>>> from mobtrace.analysis.ingest import connect, ingest_paths
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "n.csv").write_text(
...     "timestamp,platform,account_id,notice_action,stated_reason\\n"
...     "2025-03-12T09:14:00Z,x,1790,Post removed,Hateful conduct\\n"
...     "2025-03-12T11:02:00Z,x,1790,Account locked,\\n"
...     "soon,x,1790,Account suspended,\\n")
>>> con = connect(":memory:")
>>> [(s.format, s.rows_read, s.ingested, s.quarantined) for s in ingest_paths(con, [folder / "n.csv"])]
[('notices', 3, 2, 1)]
>>> con.sql("SELECT action, reason FROM notices ORDER BY ts").fetchall()
[('post_removed', 'Hateful conduct'), ('account_locked', None)]
>>> con.sql("SELECT source_line, reason FROM quarantine").fetchall()
[(4, 'unreadable timestamp "soon": use ISO-8601 or Unix seconds/milliseconds')]
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb

from mobtrace.analysis.ingest.tabular import column_names, prepare_csv, text_batches
from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent
COLUMNS = ("notice_id", "timestamp", "platform", "account_id", "handle", "post_id", "notice_action", "stated_reason", "notice_text")
SIGNATURE = frozenset({"timestamp", "notice_action"})
REQUIRED = frozenset({"timestamp", "notice_action"})
ENFORCEMENT = ("post_removed", "account_locked", "account_suspended", "account_restricted", "warning")
REVERSALS = ("appeal_granted", "restored")


def create_notices_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``notices`` if the database does not have it yet (a run without notice files reads it empty)."""
    run_script(con, HERE / "notices_table.sql")


class NoticesAdapter:
    name = "notices"
    description = "moderation notices (timestamp, platform, account_id or handle, notice_action, stated_reason, notice_text)"
    signature = SIGNATURE

    def sniff(self, path: Path, head: bytes) -> bool:
        return self.signature <= set(column_names(path, head))

    def prepare(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        prepare_csv(con, path)

    def stage(self, con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[None]:
        create_notices_table(con)
        for _ in text_batches(con, path, COLUMNS, REQUIRED, self.name):
            run_script(con, HERE / "notices.sql", source_file=str(path))
            yield


ADAPTER = NoticesAdapter()
