"""X/Twitter Information Operations archive CSV (the "hashed" and "unhashed" tweet files of the
state-backed operation releases), optionally gzipped.

Columns: ``tweetid, userid, user_display_name, user_screen_name, user_reported_location,
user_profile_description, user_profile_url, follower_count, following_count, account_creation_date,
account_language, tweet_language, tweet_text, tweet_time, tweet_client_name, in_reply_to_userid,
in_reply_to_tweetid, quoted_tweet_tweetid, is_retweet, retweet_userid, retweet_tweetid, latitude,
longitude, quote_count, reply_count, like_count, retweet_count, hashtags, urls, user_mentions,
poll_choices``.

Field mapping (mapping SQL: io_archive.sql), platform ``x``:

- ``event_id`` = ``tweetid``; ``account_id`` = ``userid`` (a hashed string for accounts with few
  followers: kept as is, so hashed and numeric ids never match each other);
- ``action``: ``is_retweet`` true -> repost of ``retweet_tweetid`` by ``retweet_userid``; else a
  ``quoted_tweet_tweetid`` -> quote (the quoted author is not in the archive); else an
  ``in_reply_to_tweetid`` / ``in_reply_to_userid`` -> reply; else post;
- ``ts``: ``tweet_time`` has minute resolution. When ``tweetid`` is a snowflake (a number whose
  encoded time ``(id >> 22) + 1288834974657`` ms falls in the same minute as ``tweet_time``, give or
  take one minute) that millisecond time is used; otherwise ``tweet_time`` itself (UTC);
- ``text`` = ``tweet_text``; ``lang`` = ``tweet_language``; ``urls`` / ``hashtags`` / ``mentions`` from
  the Python-literal lists ``urls`` / ``hashtags`` / ``user_mentions`` (``['a', 'b']`` or ``[]``;
  ``user_mentions`` holds user ids);
- account facts: ``user_screen_name``, ``user_display_name``, ``account_creation_date``,
  ``follower_count``, ``following_count``.

Not mapped: location, profile, client, geo, engagement counts, poll choices and account language.
Counting: one row per CSV record (header is line 1; a record spanning lines has its first line's number).
"""

from __future__ import annotations

from pathlib import Path

from mobtrace.analysis.ingest.columns_adapter import ColumnsAdapter

HERE = Path(__file__).parent

COLUMNS = (
    "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
    "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid", "is_retweet",
    "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count", "reply_count", "like_count",
    "retweet_count", "hashtags", "urls", "user_mentions", "poll_choices",
)
# Enough to recognise the archive; older releases lack some of the rest (poll_choices, quote_count, ...).
SIGNATURE = {"tweetid", "userid", "tweet_time", "is_retweet", "retweet_tweetid", "tweet_text"}


ADAPTER = ColumnsAdapter(
    name="io-archive",
    description="X/Twitter Information Operations archive CSV (tweetid, userid, tweet_time, is_retweet, ...)",
    columns=COLUMNS,
    signature=frozenset(SIGNATURE),
    required=frozenset({"tweetid", "userid", "tweet_time"}),
    mapping_sql=HERE / "io_archive.sql",
    checks_rows=True,
)
