"""Reddit comments and submissions as NDJSON, as in the Pushshift and Arctic Shift dumps (one object a
line, optionally gzipped; decompress ``.zst`` dumps first, e.g. ``zstd -d --long=31``).

Fields used: ``author, author_created_utc, id, link_id, parent_id, created_utc, body, title,
selftext, url, is_self, permalink``. A record with ``body`` or ``parent_id`` is a comment, one with
``title`` a submission.

Field mapping (mapping SQL: reddit.sql), platform ``reddit``:

- ``event_id`` = ``id`` (base-36, no ``t1_``/``t3_`` prefix); ``account_id`` = ``account_handle`` =
  ``author``: Reddit usernames cannot be changed, and ``author_fullname`` (``t2_...``) is missing from
  older dumps, so the username is the stable id available everywhere;
- comment -> reply, ``target_post_id`` = ``parent_id`` without its ``t1_``/``t3_`` prefix,
  ``conversation_id`` = ``link_id`` without ``t3_``, ``text`` = ``body``; the replied-to author
  (``target_account_id``) is filled when the parent is in the same batch or already ingested;
- submission -> post, ``conversation_id`` = its own id, ``text`` = ``title`` and ``selftext`` (unless
  ``[removed]``/``[deleted]``), ``urls`` = the link ``url`` of a link post;
- ``ts`` = ``created_utc`` (Unix seconds, given as a number or a string); ``urls`` also include links
  in the text, ``mentions`` the ``u/name`` mentions in it; ``account_created_at`` = ``author_created_utc``.

Placeholder authors: a record whose ``author`` is ``[deleted]`` (deleted account), ``[removed]``
(removed by moderators) or ``-banned-`` (suspended account; thousands of rows from many people) is
quarantined. Lumping them into one account would create a huge fake account that "co-acts" with
everyone and would produce indefensible coordination flags; the quarantine keeps the record and says
why. The list is ``mt_reddit_placeholder_author`` at the top of reddit.sql.

Known limits: ``subreddit`` has no canonical column and is not kept; comment and submission ids
come from separate counters, so a comment and a submission with the same id would collide (the
second is quarantined as a duplicate, not lost silently).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb

from mobtrace.analysis.ingest.jsondoc import first_record, head_kind, head_text, lines_per_batch, stage_tables
from mobtrace.analysis.ingest.jsonlines import line_tables
from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent


def is_reddit_record(record: dict) -> bool:
    return {"subreddit", "author", "created_utc"} <= record.keys() and bool({"body", "title"} & record.keys())


class RedditAdapter:
    name = "reddit"
    description = "Reddit comments/submissions NDJSON (Pushshift, Arctic Shift dumps)"

    def sniff(self, path: Path, head: bytes) -> bool:
        if head_kind(head) != "object":
            return False
        record = first_record(head, path)
        if record is not None:
            return is_reddit_record(record)
        text = head_text(head)
        return all(f'"{key}"' in text for key in ("subreddit", "author", "created_utc", "permalink"))

    def stage(self, con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[None]:
        run_script(con, HERE / "platform_macros.sql")
        yield from stage_tables(con, line_tables(path, lines_per_batch(path)), HERE / "reddit.sql")
