"""The FiveThirtyEight / Clemson University IRA tweets CSV (``IRAhandle_tweets_N.csv``), optionally gzipped.

Columns: ``external_author_id, author, content, region, language, publish_date, harvested_date,
following, followers, updates, post_type, account_type, retweet, account_category, new_june_2018,
alt_external_id, tweet_id, article_url, tco1_step1, tco2_step1, tco3_step1``.

Field mapping (mapping SQL: ira538.sql), platform ``x``:

- ``event_id`` = ``tweet_id`` (files without it get a content hash of author, time and text);
- ``account_id`` = the author's id when it can be trusted to be the exact integer, else the handle key
  ``@`` + lower-case ``author`` (X handles are case-insensitive), with the id as exported kept in
  ``accounts.raw_id``. The id is ``alt_external_id`` when it is a number, else ``external_author_id``,
  which went through a float in the published files. It is not trusted when it is not a plain integer
  (``9.06E+17``, ``9.06e17``, ``906000000000000000.0``), when it is above 2^53 and ends in ``000`` (a
  double printed with 15 significant digits: ``906000000000000000``), or when several handles share it
  in the same file (then the file's earlier rows with it are re-keyed too). A row with an untrusted id
  and no ``author`` is quarantined. ``account_handle`` = ``author``;
- ``action``: ``post_type`` RETWEET -> repost, QUOTE_TWEET -> quote, empty -> post (``retweet`` = 1
  also means repost; so does a text that starts with ``RT @handle``, the manual retweet). The dataset
  has no id of the retweeted tweet, so the original is derived from the text the way researchers
  preprocess it: for ``RT @handle: text`` the ``target_account_id`` is the account with that handle
  (its key when the batch or the database knows it unambiguously, else ``@handle``) and the
  ``target_post_id`` is ``rt:<handle>:<hash of the normalised text>`` (case-folded, links and a
  trailing ellipsis removed, spaces collapsed), so accounts retweeting the same original co-repost.
  A quote tweet names no original: its targets stay NULL;
- ``ts``: ``publish_date`` (``M/D/YYYY H:MM``, UTC, minute resolution) refined to the millisecond by
  the snowflake ``tweet_id`` when the two agree within a minute (the rule of io_archive.py);
- ``text`` = ``content``; ``urls`` = the non-empty ``tco1_step1`` .. ``tco3_step1`` (the first redirect
  of each t.co link; a file without these columns has none); ``hashtags`` and ``mentions`` (handles) are
  extracted from ``content``;
  ``lang`` = ``language``, which is a language *name* (``English``, ``Russian``), not a code;
- account facts: ``followers`` / ``following`` (as harvested, not at tweet time).

Not mapped: ``region``, ``harvested_date``, ``updates``, ``account_type``, ``account_category``
(Clemson's hand labels such as RightTroll), ``new_june_2018``, ``article_url`` (the tweet's own URL).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb

from mobtrace.analysis.ingest.columns_adapter import ColumnsAdapter
from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent

COLUMNS = (
    "external_author_id", "author", "content", "region", "language", "publish_date", "harvested_date",
    "following", "followers", "updates", "post_type", "account_type", "retweet", "account_category",
    "new_june_2018", "alt_external_id", "tweet_id", "article_url", "tco1_step1", "tco2_step1", "tco3_step1",
)
SIGNATURE = {"external_author_id", "author", "content", "publish_date", "post_type", "account_category"}


class Ira538Adapter(ColumnsAdapter):
    """A ColumnsAdapter with file-scoped state: the (id, handle) pairs seen so far, to find shared ids."""

    def stage(self, con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[None]:
        run_script(con, HERE / "ira538_macros.sql")
        con.execute("CREATE OR REPLACE TEMP TABLE ira538_file_ids (author_id VARCHAR, handle VARCHAR)")
        con.execute("CREATE OR REPLACE TEMP TABLE ira538_file AS SELECT CAST($1 AS VARCHAR) AS source_file", [str(path)])
        yield from super().stage(con, path)


ADAPTER = Ira538Adapter(
    name="ira538",
    description="FiveThirtyEight/Clemson IRA tweets CSV (external_author_id, author, content, publish_date, ...)",
    columns=COLUMNS,
    signature=frozenset(SIGNATURE),
    required=frozenset({"external_author_id", "publish_date"}),
    mapping_sql=HERE / "ira538.sql",
)
