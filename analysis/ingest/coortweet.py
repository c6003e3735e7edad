"""CooRTweet's input table (R package CooRTweet 2.x): one share per record, as CSV/TSV, NDJSON or Parquet.

Columns: ``object_id`` (the shared object: for co-retweet analysis the retweeted tweet),
``account_id`` (who shared), ``content_id`` (the share itself, e.g. the retweet's id) and
``timestamp_share`` (Unix seconds, possibly with a ``.0``); optionally ``platform``.

Field mapping (mapping SQL: coortweet.sql): ``action`` = repost; ``event_id`` = ``content_id/object_id``
(CooRTweet's unit is a share of one object by one post, and a post that shares two objects is two
rows with the same ``content_id``: the reference Navalny-protest file has 39 such pairs, so
``content_id`` alone would throw real shares away as duplicates);
``account_id`` = ``account_id``; ``target_post_id`` = ``object_id``; ``ts`` = ``timestamp_share``;
``platform`` = the ``platform`` column (lower-cased) or ``x``.

Known limits: the table carries no text, handles or authors of the shared objects
(``target_account_id`` stays NULL). CooRTweet also builds such tables for co-URL or co-hashtag
analysis, where ``object_id`` is a URL or a hashtag; the file does not say which, so those rows are
still stored as reposts whose ``target_post_id`` is that URL or hashtag.
"""

from __future__ import annotations

from pathlib import Path

from mobtrace.analysis.ingest.columns_adapter import ColumnsAdapter

HERE = Path(__file__).parent
DEFAULT_PLATFORM = "x"
COLUMNS = ("object_id", "account_id", "content_id", "timestamp_share", "platform")
SIGNATURE = {"object_id", "account_id", "content_id", "timestamp_share"}


ADAPTER = ColumnsAdapter(
    name="coortweet",
    description="CooRTweet's table (object_id, account_id, content_id, timestamp_share)",
    columns=COLUMNS,
    signature=frozenset(SIGNATURE),
    required=frozenset(SIGNATURE),
    mapping_sql=HERE / "coortweet.sql",
    checks_rows=True,
    params={"platform": DEFAULT_PLATFORM},
)
