"""Bluesky / AT Protocol records as NDJSON or a JSON array, optionally gzipped. Each record may be:

- a Jetstream event: ``{"did", "time_us", "kind": "commit", "commit": {"operation", "collection",
  "rkey", "record": {...}}}`` (``kind`` identity/account and delete/update operations are not
  interactions and are quarantined with that reason);
- a repository record as listed by ``com.atproto.repo.listRecords``: ``{"uri", "cid", "value": {...}}``;
- a post view from the AppView API (``getAuthorFeed``, ``searchPosts``): ``{"uri", "author": {"did",
  "handle", "displayName"}, "record": {...}, "indexedAt"}``;
- a bare record with its ``$type`` plus ``uri``, ``did`` or ``author`` (a DID string).

Field mapping (mapping SQL: bluesky.sql), platform ``bluesky``:

- ``event_id`` = the record's ``at://`` URI (built as ``at://<did>/<collection>/<rkey>`` for Jetstream);
  ``account_id`` = the author's DID (``did``, ``author.did``/``author``, or the URI's authority);
  ``account_handle`` / display name from ``author`` when the export has it;
- ``app.bsky.feed.post`` -> post; with ``reply.parent`` -> reply to that URI; with an
  ``app.bsky.embed.record`` (or ``recordWithMedia``) embed -> quote of the embedded URI (a quoting
  reply is a quote); ``app.bsky.feed.repost`` -> repost and ``app.bsky.feed.like`` -> like of
  ``subject.uri``; ``app.bsky.graph.follow`` -> follow of the ``subject`` DID. ``target_account_id``
  is the DID inside the target URI. Other collections (profiles, blocks, lists) are quarantined;
- ``ts``: Jetstream's ``time_us`` (microseconds, when the relay saw the event) when present, else the
  record's ``createdAt`` (client-declared, any offset, converted to UTC), else ``indexedAt``;
- ``text`` = ``text``; ``urls`` = link facets' ``uri`` then ``embed.external.uri``; ``hashtags`` = tag
  facets then the record's ``tags``; ``mentions`` = mention facets' ``did``; ``lang`` = ``langs[0]``;
  ``conversation_id`` = ``reply.root.uri`` (a thread's first post: its own URI).

Known limits: ``createdAt`` is set by the client and can be back- or forward-dated; prefer Jetstream
captures, whose ``time_us`` cannot be chosen by the author, for timing evidence. A JSON array's records
are numbered by position (``source_line`` = 1-based index), NDJSON by line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb

from mobtrace.analysis.ingest.jsondoc import first_record, head_kind, head_text, record_batches, stage_tables
from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent


def is_atproto_record(record: dict) -> bool:
    did = record.get("did")
    if isinstance(did, str) and did.startswith("did:") and ("commit" in record or "kind" in record):
        return True
    uri = record.get("uri")
    if isinstance(uri, str) and uri.startswith("at://"):
        return True
    kind = record.get("$type")
    return isinstance(kind, str) and kind.startswith("app.bsky.")


class BlueskyAdapter:
    name = "bluesky"
    description = "Bluesky/AT Protocol records: Jetstream events, listRecords output or post views"

    def sniff(self, path: Path, head: bytes) -> bool:
        if head_kind(head) not in ("array", "object"):
            return False
        record = first_record(head, path)
        if record is not None:
            return is_atproto_record(record)
        text = head_text(head)
        return '"did:' in text and ('"at://' in text or '"app.bsky.' in text)

    def stage(self, con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[None]:
        run_script(con, HERE / "platform_macros.sql")
        yield from stage_tables(con, record_batches(path), HERE / "bluesky.sql")
