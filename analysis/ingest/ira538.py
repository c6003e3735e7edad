"""The FiveThirtyEight / Clemson University IRA tweets CSV (``IRAhandle_tweets_N.csv``), optionally gzipped.

Columns: ``external_author_id, author, content, region, language, publish_date, harvested_date,
following, followers, updates, post_type, account_type, retweet, account_category, new_june_2018,
alt_external_id, tweet_id, article_url, tco1_step1, tco2_step1, tco3_step1``.

Field mapping (mapping SQL: ira538.sql), platform ``x``:

- ``event_id`` = ``tweet_id`` (files without it get a content hash of author, time and text);
- ``account_id`` = ``alt_external_id`` when it is a number, else ``external_author_id``: the latter lost
  precision for 18-digit ids in the published files (``906000000000000000``, or ``9.06E+17`` once a
  spreadsheet has touched it; a row with only such a rounded id is quarantined);
  ``account_handle`` = ``author``;
- ``action``: ``post_type`` RETWEET -> repost, QUOTE_TWEET -> quote, empty -> post (``retweet`` = 1
  also means repost). The dataset does not say which tweet was retweeted or quoted, so
  ``target_post_id`` / ``target_account_id`` stay NULL;
- ``ts``: ``publish_date`` (``M/D/YYYY H:MM``, UTC, minute resolution) refined to the millisecond by
  the snowflake ``tweet_id`` when the two agree within a minute (the rule of io_archive.py);
- ``text`` = ``content``; ``urls`` = the non-empty ``tco1_step1`` .. ``tco3_step1`` (the first redirect
  of each t.co link); ``hashtags`` and ``mentions`` (handles) are extracted from ``content``;
  ``lang`` = ``language``, which is a language *name* (``English``, ``Russian``), not a code;
- account facts: ``followers`` / ``following`` (as harvested, not at tweet time).

Not mapped: ``region``, ``harvested_date``, ``updates``, ``account_type``, ``account_category``
(Clemson's hand labels such as RightTroll), ``new_june_2018``, ``article_url`` (the tweet's own URL).
"""

from __future__ import annotations

from pathlib import Path

from mobtrace.analysis.ingest.columns_adapter import ColumnsAdapter

HERE = Path(__file__).parent

COLUMNS = (
    "external_author_id", "author", "content", "region", "language", "publish_date", "harvested_date",
    "following", "followers", "updates", "post_type", "account_type", "retweet", "account_category",
    "new_june_2018", "alt_external_id", "tweet_id", "article_url", "tco1_step1", "tco2_step1", "tco3_step1",
)
SIGNATURE = {"external_author_id", "author", "content", "publish_date", "post_type", "account_category"}


ADAPTER = ColumnsAdapter(
    name="ira538",
    description="FiveThirtyEight/Clemson IRA tweets CSV (external_author_id, author, content, publish_date, ...)",
    columns=COLUMNS,
    signature=frozenset(SIGNATURE),
    mapping_sql=HERE / "ira538.sql",
)
