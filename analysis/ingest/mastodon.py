"""Mastodon REST API statuses (``/api/v1/accounts/:id/statuses``, timelines, search) as a JSON array
of Status entities or NDJSON with one status a line; optionally gzipped.

Field mapping (mapping SQL: mastodon.sql), platform ``mastodon``:

- ``event_id`` = ``id``; ``account_id`` = ``account.id``; ``account_handle`` = ``account.acct``
  (``user`` on the exporting server, ``user@domain`` for remote accounts);
- ``action``: a ``reblog`` -> repost with ``target_post_id`` = ``reblog.id`` and ``target_account_id`` =
  ``reblog.account.id``; a ``quote.quoted_status`` (Mastodon 4.4+) -> quote; an ``in_reply_to_id`` ->
  reply with ``target_account_id`` = ``in_reply_to_account_id``; else post;
- ``ts`` = ``created_at`` (ISO-8601, offsets honoured); ``lang`` = ``language``;
- ``text`` = ``content`` HTML turned into plain text: ``<br>`` and paragraph breaks become line
  breaks, every tag is removed and the entities Mastodon escapes (``&amp; &lt; &gt; &quot; &#39;``)
  are decoded. Nothing is rendered or evaluated;
- ``urls`` = the ``href`` of links in ``content`` other than mention and hashtag links, then
  ``card.url``; ``hashtags`` = ``tags[].name``; ``mentions`` = ``mentions[].id`` (``acct`` without an id);
- account facts from ``account``: ``acct``, ``display_name``, ``created_at``, ``followers_count``,
  ``following_count``.

Known limits: status and account ids are local to the server the export was fetched from; exports
of the same statuses from two servers carry different ids and are not matched. A JSON array's
records are numbered by position (``source_line`` = 1-based index), NDJSON by line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb

from mobtrace.analysis.ingest.jsondoc import first_record, head_kind, head_text, record_batches, stage_tables
from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent


def is_status(record: dict) -> bool:
    account = record.get("account")
    return (
        isinstance(account, dict)
        and "acct" in account
        and {"id", "created_at", "content"} <= record.keys()
        and ("reblog" in record or "visibility" in record or "uri" in record)
    )


class MastodonAdapter:
    name = "mastodon"
    description = "Mastodon REST API statuses, JSON array or NDJSON"

    def sniff(self, path: Path, head: bytes) -> bool:
        if head_kind(head) not in ("array", "object"):
            return False
        record = first_record(head, path)
        if record is not None:
            return is_status(record)
        text = head_text(head)
        return all(f'"{key}"' in text for key in ("account", "acct", "content", "reblog", "visibility"))

    def stage(self, con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[None]:
        run_script(con, HERE / "platform_macros.sql")
        yield from stage_tables(con, record_batches(path), HERE / "mastodon.sql")
