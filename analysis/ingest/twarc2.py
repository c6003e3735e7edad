"""X/Twitter API v2 JSON as written by twarc2 (``twarc2 search``, ``timeline``, ``tweet``, ``flatten``).

Reads JSONL, optionally gzipped, in either shape twarc2 writes:

- response pages: one API response per line, ``{"data": [tweet, ...], "includes": {"users": [...],
  "tweets": [...]}, "meta": {...}, "__twarc": {...}}`` (``data`` may be a single tweet object);
- flattened tweets (``twarc2 flatten``): one tweet per line with ``author`` embedded and each
  ``referenced_tweets`` entry expanded into the full referenced tweet.

Field mapping (mapping SQL: twarc2.sql), platform ``x``:

- ``event_id`` = tweet ``id``; ``account_id`` = ``author_id``; ``ts`` = ``created_at`` (millisecond ISO),
  or the time in the snowflake id when ``created_at`` was not requested;
- ``action``: ``referenced_tweets`` type ``retweeted`` -> repost, else ``quoted`` -> quote, else
  ``replied_to`` -> reply, else post; ``target_post_id`` = that referenced tweet's id and
  ``target_account_id`` = its author (from ``includes.tweets`` / the expanded tweet; for replies
  ``in_reply_to_user_id`` first);
- ``text`` = ``note_tweet.text`` (the untruncated long form) or ``text``; ``urls`` = ``entities.urls[].expanded_url``
  (``url`` when not expanded); ``hashtags`` = ``entities.hashtags[].tag``; ``mentions`` =
  ``entities.mentions[].id`` or, without an id, ``username``; ``conversation_id``, ``lang`` as given;
- account facts from ``includes.users`` (pages) or ``author`` (flattened): ``username``, ``name``,
  ``created_at``, ``public_metrics.followers_count`` / ``following_count``.

Counting: one row per tweet in ``data``, each carrying its line's number; a line that is not JSON, a
page without tweets (only ``errors``/``meta``) and any other object are one quarantined row each.

Quirks: a retweet of a deleted or protected tweet has no entry in ``includes.tweets`` (it is listed under
``errors``), so its ``target_account_id`` stays NULL; a tweet with both ``quoted`` and ``replied_to``
is a quote. Lines are batched by size (a page line can be megabytes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb

from mobtrace.analysis.ingest.jsondoc import first_record, head_kind, head_text, lines_per_batch, stage_tables
from mobtrace.analysis.ingest.jsonlines import line_tables
from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent
PAGE_START = re.compile(r'\s*\{\s*"data"\s*:\s*[\[{]')
TWEET_MARKERS = ('"author_id"', '"edit_history_tweet_ids"', '"__twarc"')
# Text per batch. Planning twarc2.sql and finalize.sql costs 30 ms of CPU per batch: at 8 MB (27 batches per
# 300,000 tweets) that was a fifth of the ingest; at 32 MB the peak RSS grows by about 40 MB.
PAGE_BATCH_BYTES = 32 << 20


def is_response_page(record: dict) -> bool:
    data = record.get("data")
    if not isinstance(data, (list, dict)) or not ({"includes", "meta", "__twarc"} & record.keys()):
        return False
    first = data[0] if isinstance(data, list) and data else data
    return isinstance(first, dict) and ("text" in first or "author_id" in first or not first)


def is_flattened_tweet(record: dict) -> bool:
    return {"id", "text"} <= record.keys() and bool({"author_id", "__twarc", "edit_history_tweet_ids"} & record.keys())


class Twarc2Adapter:
    name = "twarc2"
    description = "X/Twitter API v2 JSONL from twarc2: response pages or flattened tweets"

    def sniff(self, path: Path, head: bytes) -> bool:
        if head_kind(head) != "object":
            return False
        record = first_record(head, path)
        if record is not None:
            return is_response_page(record) or is_flattened_tweet(record)
        # The first page line is often longer than the sniffed head: recognise its opening instead.
        text = head_text(head)
        return bool(PAGE_START.match(text.lstrip("\ufeff"))) and any(marker in text for marker in TWEET_MARKERS)

    def stage(self, con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[None]:
        run_script(con, HERE / "platform_macros.sql")
        yield from stage_tables(con, line_tables(path, lines_per_batch(path, PAGE_BATCH_BYTES)), HERE / "twarc2.sql",
                              raw_by_line=False)
