"""Throughput and memory of the platform export adapters on large synthetic files.

For each format it writes a synthetic export into a temporary folder (1,000,000 records for the
CSV-like formats by default, 300,000 tweets / records for the JSON ones), ingests it into a fresh
DuckDB file in a child process, and prints rows read per second against issue #19's target for the
format (CSV layouts >= 1.5M rows/s, twarc2 >= 200k tweets/s, other JSON >= 150k records/s), the CPU time
the ingest took (all threads: more than its seconds when reading overlaps the SQL; on a busy machine it
varies less than the seconds do) and the child's peak RSS against the memory budget. Running each format
in its own process makes the peak RSS that format's own.

Memory budget: DuckDB's ``memory_limit`` as the ingest's connection has it ($MOBTRACE_MEMORY_LIMIT, default
4GB, see analysis/ingest/core.py; ``--memory-limit`` sets it for the children) plus ``RSS_ALLOWANCE_MB``:
what DuckDB does not count. That is the interpreter with the libraries an ingest imports (the child's
RSS before it reads, printed as "base MB": 125 MB) and the memory outside DuckDB's buffer manager
(Python objects of a streaming parser, Arrow batches handed to DuckDB, DuckDB's own allocations outside
the limit such as its readers' buffers). The constant, 512 MB, is from measurements with a limit small
enough to bind (``--memory-limit 256MB``, which DuckDB reports as 244 MiB), while the readers were being
moved onto DuckDB's: nine of the ten formats peaked 176-247 MB above the limit at 1M CSV rows / 300k JSON
records (the 125 MB base included), so 512 MB is about twice the most seen, and twarc2 stayed there at
three times the size (505 MB peak at 900k tweets). DuckDB alone (``read_csv`` of 2.5M CNT rows into a
table, same limit) peaks at 310 MB: 66 MB above the limit, its own 62 MB base included. A format printed OVER holds memory outside
DuckDB that grows with the file (cnt then: 433 MB at 1M rows, 817 MB at 3M) or is large (io-archive:
1,020 and 1,167 MB): that is a defect of its reader to fix, not a reason to raise the constant.

For the CSV-like formats the child then times DuckDB's own ``read_csv`` of the file alone (a count of
its rows: the engine's ceiling on this machine, as issue #19 compares); ``-`` for the JSON formats.

The floor, CSV-like formats: ``INSERT INTO interactions SELECT <the adapter's mapping> FROM read_csv(...)``
into a fresh database, in a child process of its own: the first statement of the adapter's mapping SQL over
the file read by DuckDB (no line numbers, no checks, no quarantine, no duplicates, no accounts), so the
fastest an ingest that stores the same rows can be on this machine. For the JSON formats the floor is
DuckDB's JSON reader into a table of the fields the adapter keeps (``JSON_FLOOR_SQL``). ``--runs N`` runs each variant N times,
alternating (mobtrace, floor, peer, mobtrace, ...), and prints medians; ``--peer PYTHON`` adds the same
ingest run by another install (``--peer /work/base/.venv/bin/python``: the previous version).

    .venv/bin/python bench/bench_adapters.py                   # every format
    .venv/bin/python bench/bench_adapters.py --rows 200000 io-archive twarc2
    .venv/bin/python bench/bench_adapters.py --profile coortweet   # cProfile top functions as well
    .venv/bin/python bench/bench_adapters.py --rows 3000000 --memory-limit 1GB io-archive
    .venv/bin/python bench/bench_adapters.py --runs 3 --peer /work/base/.venv/bin/python cnt io-archive

The synthetic records are shaped like the fixtures under tests/fixtures (same columns and fields), with
realistic lengths; they are not real data.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TWITTER_EPOCH_MS = 1288834974657
START_S = 1_646_136_000  # 2022-03-01 12:00 UTC
CSV_FORMATS = ("io-archive", "ira538", "reports", "coortweet", "cnt")
JSON_FORMATS = ("twarc2", "reddit", "bluesky", "mastodon", "telegram")
# issue #19's targets, rows (tweets, records) read per second end to end into ``interactions``
TARGET_ROWS_PER_S = {**{fmt: 1_500_000 for fmt in CSV_FORMATS}, "twarc2": 200_000,
                     **{fmt: 150_000 for fmt in JSON_FORMATS if fmt != "twarc2"}}
RSS_ALLOWANCE_MB = 512  # peak RSS may exceed DuckDB's memory_limit by this much (see the docstring)
TEXTS = ["Крым наш! #news https://t.co/abc", "مرحبا بالعالم 🌍 #حملة", "We love our president! #MAGA @someone",
         "lol get rekt 🤡", "Please stop sending people to my profile", "RT @alice: Original post with a link"]


def snowflake(seconds: float, sequence: int) -> int:
    return ((int(seconds * 1000) - TWITTER_EPOCH_MS) << 22) + (sequence % 4096)


def write_io_archive(path: Path, rows: int, rng: random.Random) -> int:
    header = ["tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
              "user_profile_description", "user_profile_url", "follower_count", "following_count",
              "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
              "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid", "is_retweet",
              "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count", "reply_count", "like_count",
              "retweet_count", "hashtags", "urls", "user_mentions", "poll_choices"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(rows):
            seconds = START_S + i * 0.7
            retweet = i % 3 == 0
            user = 2_950_000_000 + rng.randrange(20_000)
            writer.writerow([
                snowflake(seconds, i), user, f"User {user}", f"user_{user}", "Москва", "profile text", "",
                rng.randrange(10_000), rng.randrange(5_000), "2014-12-20", "ru", "ru", rng.choice(TEXTS),
                time.strftime("%Y-%m-%d %H:%M", time.gmtime(seconds)), "Twitter Web Client", "", "", "",
                "True" if retweet else "False", user - 1 if retweet else "", snowflake(seconds - 60, i) if retweet else "",
                "absent", "absent", 0, 0, rng.randrange(50), rng.randrange(50), "['news', 'Крым']",
                "['http://example.ru/a']", "[]", "",
            ])
    return rows


def write_ira538(path: Path, rows: int, rng: random.Random) -> int:
    header = ["external_author_id", "author", "content", "region", "language", "publish_date", "harvested_date",
              "following", "followers", "updates", "post_type", "account_type", "retweet", "account_category",
              "new_june_2018", "alt_external_id", "tweet_id", "article_url", "tco1_step1", "tco2_step1", "tco3_step1"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(rows):
            seconds = START_S + i * 0.7
            tm = time.gmtime(seconds)
            user = 2_587_100_000 + rng.randrange(3_000)
            writer.writerow([
                user, f"AUTHOR_{user}", rng.choice(TEXTS), "United States", "English",
                f"{tm.tm_mon}/{tm.tm_mday}/{tm.tm_year} {tm.tm_hour}:{tm.tm_min:02d}", "", 1000, 130000, 9000,
                rng.choice(["", "RETWEET", "QUOTE_TWEET"]), "Right", 0, "RightTroll", 0, user, snowflake(seconds, i),
                "", "http://bit.ly/2abc", "", "",
            ])
    return rows


def write_reports(path: Path, rows: int, rng: random.Random) -> int:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["report_id", "reporter_id", "reported_account_id", "reported_post_id", "reason", "timestamp", "platform"])
        for i in range(rows):
            writer.writerow([f"r{i}", rng.randrange(50_000), rng.randrange(100), rng.randrange(10_000),
                             rng.choice(["spam", "harassment", "impersonation"]), START_S + i, "x"])
    return rows


def write_coortweet(path: Path, rows: int, rng: random.Random) -> int:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["object_id", "account_id", "content_id", "timestamp_share"])
        for i in range(rows):
            writer.writerow([f"{rng.getrandbits(128):032x}", f"{rng.randrange(10_000):032x}", f"{i:032x}", f"{START_S + i}.0"])
    return rows


def write_cnt(path: Path, rows: int, rng: random.Random) -> int:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls"])
        for i in range(rows):
            kind = i % 3
            writer.writerow([i, f"u{rng.randrange(10_000)}", f"name{i % 10_000}", i - 1 if kind == 1 else "",
                             i - 2 if kind == 2 else "", rng.choice(TEXTS), START_S + i, "https://example.com/a http://bit.ly/b"])
    return rows


def write_twarc2(path: Path, rows: int, rng: random.Random) -> int:
    with open(path, "w", encoding="utf-8") as handle:
        for page_start in range(0, rows, 100):
            tweets, users = [], {}
            for i in range(page_start, min(page_start + 100, rows)):
                seconds = START_S + i * 0.3
                author = str(rng.randrange(50_000))
                users[author] = {"id": author, "username": f"user{author}", "name": f"User {author}",
                                 "created_at": "2015-01-01T00:00:00.000Z",
                                 "public_metrics": {"followers_count": 10, "following_count": 20, "tweet_count": 3}}
                tweet = {"id": str(snowflake(seconds, i)), "author_id": author, "conversation_id": str(snowflake(seconds, i)),
                         "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(seconds)), "lang": "en",
                         "text": rng.choice(TEXTS), "edit_history_tweet_ids": [str(snowflake(seconds, i))],
                         "entities": {"urls": [{"url": "https://t.co/abc", "expanded_url": "https://example.org/a"}],
                                      "hashtags": [{"tag": "news"}], "mentions": [{"username": "someone", "id": "42"}]},
                         "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 1, "quote_count": 0}}
                if i % 2:
                    tweet["referenced_tweets"] = [{"type": "retweeted", "id": str(snowflake(START_S, 1))}]
                tweets.append(tweet)
            page = {"data": tweets, "includes": {"users": list(users.values()),
                                                 "tweets": [{"id": str(snowflake(START_S, 1)), "author_id": "42", "text": "x"}]},
                    "meta": {"result_count": len(tweets)}, "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all", "version": "2.14.0"}}
            handle.write(json.dumps(page, ensure_ascii=False) + "\n")
    return rows


def write_reddit(path: Path, rows: int, rng: random.Random) -> int:
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(rows):
            record = {"author": f"user{rng.randrange(20_000)}", "created_utc": START_S + i, "id": f"c{i:x}",
                      "link_id": "t3_abc", "parent_id": f"t1_c{max(i - 1, 0):x}" if i % 2 else "t3_abc",
                      "body": rng.choice(TEXTS), "subreddit": "target_sub", "score": 1,
                      "permalink": f"/r/target_sub/comments/abc/x/c{i:x}/"}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return rows


def write_bluesky(path: Path, rows: int, rng: random.Random) -> int:
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(rows):
            did = f"did:plc:user{rng.randrange(20_000)}"
            if i % 2:
                record = {"$type": "app.bsky.feed.repost", "createdAt": "2024-09-09T19:46:11.000Z",
                          "subject": {"uri": "at://did:plc:target/app.bsky.feed.post/3l3qo2vutsw2b", "cid": "bafy"}}
                collection = "app.bsky.feed.repost"
            else:
                record = {"$type": "app.bsky.feed.post", "createdAt": "2024-09-09T19:46:02.102Z", "langs": ["en"],
                          "text": rng.choice(TEXTS), "facets": [{"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "news"}]}]}
                collection = "app.bsky.feed.post"
            event = {"did": did, "time_us": 1_725_911_162_329_308 + i * 1000, "kind": "commit",
                     "commit": {"operation": "create", "collection": collection, "rkey": f"3l{i:x}", "record": record, "cid": "bafy"}}
            handle.write(json.dumps(event, ensure_ascii=False) + "\n")
    return rows


def write_mastodon(path: Path, rows: int, rng: random.Random) -> int:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("[\n")
        for i in range(rows):
            account = str(rng.randrange(20_000))
            status = {"id": str(111_000_000_000_000_000 + i), "created_at": "2023-11-01T10:00:00.123Z", "visibility": "public",
                      "in_reply_to_id": None, "in_reply_to_account_id": None, "language": "en",
                      "content": f"<p>{rng.choice(TEXTS)} <a href=\"https://example.org/r?a=1&amp;b=2\">link</a></p>",
                      "reblog": None, "account": {"id": account, "username": f"u{account}", "acct": f"u{account}@example.social",
                                                  "display_name": "U", "created_at": "2022-11-07T00:00:00.000Z",
                                                  "followers_count": 1, "following_count": 2},
                      "mentions": [], "tags": [{"name": "news"}]}
            handle.write(json.dumps(status, ensure_ascii=False) + (",\n" if i < rows - 1 else "\n"))
        handle.write("]\n")
    return rows


def write_telegram(path: Path, rows: int, rng: random.Random) -> int:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{\n "name": "Group",\n "type": "public_supergroup",\n "id": 1234567890,\n "messages": [\n')
        for i in range(rows):
            message = {"id": i + 1, "type": "message", "date": "2022-02-24T06:01:00", "date_unixtime": str(START_S + i),
                       "from": "Someone", "from_id": f"user{rng.randrange(20_000)}", "text": rng.choice(TEXTS),
                       "text_entities": [{"type": "plain", "text": "x"}, {"type": "hashtag", "text": "#news"}]}
            if i % 3 == 1:
                message["reply_to_message_id"] = i
            handle.write("  " + json.dumps(message, ensure_ascii=False) + (",\n" if i < rows - 1 else "\n"))
        handle.write(" ]\n}\n")
    return rows


WRITERS: dict[str, Callable[[Path, int, random.Random], int]] = {
    "io-archive": write_io_archive, "ira538": write_ira538, "reports": write_reports, "coortweet": write_coortweet,
    "cnt": write_cnt, "twarc2": write_twarc2, "reddit": write_reddit, "bluesky": write_bluesky,
    "mastodon": write_mastodon, "telegram": write_telegram,
}
SUFFIX = {"twarc2": ".jsonl", "reddit": ".ndjson", "bluesky": ".ndjson", "mastodon": ".json", "telegram": ".json"}


# The JSON formats' floor: DuckDB's own JSON reader (explicit columns, no inference) reading the file into a
# table of the fields the adapter keeps, nested records unnested (twarc2: a page's tweets, with their authors
# from includes.users and retweeted authors from includes.tweets, joined per page). No quarantine, no checks.
_TWEET = ('STRUCT("id" VARCHAR, author_id VARCHAR, created_at VARCHAR, "text" VARCHAR, note_tweet STRUCT("text" VARCHAR), '
          "conversation_id VARCHAR, lang VARCHAR, in_reply_to_user_id VARCHAR, "
          'referenced_tweets STRUCT("type" VARCHAR, "id" VARCHAR)[], entities STRUCT(urls STRUCT(url VARCHAR, '
          'expanded_url VARCHAR)[], hashtags STRUCT(tag VARCHAR)[], mentions STRUCT("id" VARCHAR, username VARCHAR)[]))')
_USER = ('STRUCT("id" VARCHAR, username VARCHAR, "name" VARCHAR, created_at VARCHAR, '
         "public_metrics STRUCT(followers_count BIGINT, following_count BIGINT))")
JSON_FLOOR_SQL = {
    "twarc2": f"""
        WITH pages AS (SELECT row_number() OVER () AS page, data, includes FROM read_ndjson($1, columns = {{
                 data: '{_TWEET}[]', includes: 'STRUCT(users {_USER}[], tweets STRUCT("id" VARCHAR, author_id VARCHAR)[])'}})),
             tweets AS (SELECT page, unnest(data) AS t FROM pages),
             users AS (SELECT page, unnest(includes.users) AS u FROM pages),
             included AS (SELECT page, unnest(includes.tweets) AS r FROM pages)
        SELECT t.id, t.author_id, u.username, CAST(t.created_at AS TIMESTAMP) AS ts, coalesce(t.note_tweet.text, t.text) AS text,
               t.referenced_tweets[1].type AS ref_type, t.referenced_tweets[1].id AS target_post_id,
               coalesce(t.in_reply_to_user_id, i.r.author_id) AS target_account_id,
               list_transform(t.entities.urls, lambda x: coalesce(x.expanded_url, x.url)) AS urls,
               list_transform(t.entities.hashtags, lambda x: x.tag) AS hashtags,
               list_transform(t.entities.mentions, lambda x: coalesce(x.id, x.username)) AS mentions,
               t.conversation_id, t.lang, u.name, CAST(u.created_at AS TIMESTAMP) AS created_at,
               u.public_metrics.followers_count, u.public_metrics.following_count
        FROM tweets LEFT JOIN users ON users.page = tweets.page AND users.u.id = tweets.t.author_id
        LEFT JOIN included AS i ON i.page = tweets.page AND i.r.id = tweets.t.referenced_tweets[1].id""",
    "bluesky": """
        SELECT did, make_timestamp(time_us) AS ts, commit.operation, commit.collection,
               'at://' || did || '/' || commit.collection || '/' || commit.rkey AS uri, commit.record.text AS text,
               commit.record.langs[1] AS lang, commit.record.subject.uri AS target_post_id,
               flatten(list_transform(commit.record.facets, lambda f: list_transform(f.features, lambda x: x.tag))) AS hashtags
        FROM read_ndjson($1, columns = {did: 'VARCHAR', time_us: 'BIGINT', kind: 'VARCHAR', commit: 'STRUCT(operation VARCHAR,
            collection VARCHAR, rkey VARCHAR, record STRUCT("text" VARCHAR, createdAt VARCHAR, langs VARCHAR[],
            subject STRUCT(uri VARCHAR), facets STRUCT(features STRUCT(tag VARCHAR, uri VARCHAR, did VARCHAR)[])[]))'})""",
    "reddit": """
        SELECT id, author, to_timestamp(TRY_CAST(created_utc AS DOUBLE)) AS ts, regexp_replace(parent_id, '^t[0-9]_', '') AS target_post_id,
               regexp_replace(link_id, '^t[0-9]_', '') AS conversation_id, coalesce(body, title) AS text, selftext, url, permalink
        FROM read_ndjson($1, columns = {id: 'VARCHAR', author: 'VARCHAR', created_utc: 'VARCHAR', link_id: 'VARCHAR',
            parent_id: 'VARCHAR', body: 'VARCHAR', title: 'VARCHAR', selftext: 'VARCHAR', url: 'VARCHAR', permalink: 'VARCHAR',
            subreddit: 'VARCHAR'})""",
    "mastodon": """
        SELECT id, account.id AS account_id, account.acct, CAST(created_at AS TIMESTAMPTZ) AS ts, content, language,
               reblog.id AS target_post_id, in_reply_to_id, list_transform(tags, lambda x: x.name) AS hashtags,
               list_transform(mentions, lambda x: x.id) AS mentions
        FROM read_json($1, format = 'array', columns = {id: 'VARCHAR', created_at: 'VARCHAR', in_reply_to_id: 'VARCHAR',
            in_reply_to_account_id: 'VARCHAR', content: 'VARCHAR', language: 'VARCHAR', account: 'STRUCT(id VARCHAR,
            acct VARCHAR, display_name VARCHAR, created_at VARCHAR, followers_count BIGINT, following_count BIGINT)',
            reblog: 'STRUCT(id VARCHAR, account STRUCT(id VARCHAR))', mentions: 'STRUCT(id VARCHAR, acct VARCHAR)[]',
            tags: 'STRUCT(name VARCHAR)[]'})""",
    # one document: DuckDB reads it whole (maximum_object_size is the file), then unnests the messages
    "telegram": """
        SELECT m.id, m.from_id, m."from", to_timestamp(TRY_CAST(m.date_unixtime AS BIGINT)) AS ts, m.reply_to_message_id,
               m.text, list_transform(m.text_entities, lambda e: e.text) AS entities
        FROM (SELECT unnest(messages) AS m FROM read_json($1, format = 'unstructured', maximum_object_size = 2000000000,
            columns = {id: 'BIGINT', messages: 'STRUCT(id BIGINT, "type" VARCHAR, date_unixtime VARCHAR, "from" VARCHAR,
            from_id VARCHAR, "text" JSON, text_entities STRUCT("type" VARCHAR, "text" VARCHAR)[], reply_to_message_id BIGINT)[]'}))""",
}


def engine_only(fmt: str, path: Path) -> float | None:
    """Rows per second of DuckDB's own ``read_csv`` counting the file's rows (None for the JSON formats):
    the engine's ceiling, whatever reader the adapter uses."""
    if fmt not in CSV_FORMATS:
        return None
    import duckdb

    with duckdb.connect() as con:
        started = time.perf_counter()
        rows = con.execute("SELECT count(*) FROM read_csv(?, header = true, all_varchar = true)", [str(path)]).fetchall()[0][0]
        return rows / (time.perf_counter() - started)


def floor_one(fmt: str, path: Path, database: Path) -> dict[str, object]:
    """Run in the child process: the floor of a format (see the docstring) as a dict like ingest_one's."""
    if fmt in JSON_FLOOR_SQL:
        rows_per_s, cpu_seconds, rows = json_floor(fmt, path)
        return {"format": fmt, "rows_read": rows, "ingested": rows, "seconds": rows / rows_per_s, "cpu_seconds": cpu_seconds,
                "rows_per_s": rows_per_s, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "base_rss_mb": _rss_mb(), "memory_limit_mb": 0.0, "file_mb": path.stat().st_size / 2**20, "engine_rows_per_s": None}
    sys.path.insert(0, str(ROOT))
    from mobtrace.analysis.ingest import connect
    from mobtrace.analysis.ingest.cnt import COLUMNS as CNT_COLUMNS
    from mobtrace.analysis.ingest.readers import csv_header
    from mobtrace.analysis.ingest.registry import get_adapter
    from mobtrace.analysis.sql import run_script, statements

    adapter = get_adapter(fmt)
    here = ROOT / "analysis" / "ingest"
    if fmt == "cnt":
        columns, mapping, params = CNT_COLUMNS, here / "cnt.sql", {"platform": "x"}
    else:
        columns, mapping, params = adapter.columns, adapter.mapping_sql, dict(adapter.params)
    con = connect(database)
    limit_mb = size_mb(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
    base_mb = _rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    run_script(con, here / "platform_macros.sql")
    if fmt == "ira538":
        run_script(con, here / "ira538_macros.sql")
    con.execute("CREATE TEMP MACRO mt_row_problem(platform, account_id, action, ts, event_id) AS (NULL::VARCHAR)")  # no checks
    header = list(CNT_COLUMNS) if fmt == "cnt" else csv_header(path)
    types = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
    fields = ", ".join(f'c{header.index(name)} AS "{name}"' if name in header else f'CAST(NULL AS VARCHAR) AS "{name}"'
                       for name in columns)
    con.execute(f"""CREATE TEMP VIEW raw_batch AS
        SELECT {fields}, 0::BIGINT AS source_line, NULL::VARCHAR AS raw, NULL::VARCHAR AS reject_reason
        FROM read_csv('{path}', columns = {{{types}}}, header = false, skip = 1, auto_detect = false, quote = '"',
                      escape = '"', strict_mode = true)""")
    select = re.sub(r"^\s*(--[^\n]*\n|\s)*INSERT INTO stage_events BY NAME", "", statements(mapping)[0], count=1)
    stored = ", ".join(f"'{name}'" for name in ("platform", "event_id", "account_id", "account_handle", "action", "ts",
                                                "target_account_id", "target_post_id", "text", "urls", "hashtags", "mentions",
                                                "conversation_id", "lang", "source_line"))
    con.execute(f"INSERT INTO interactions BY NAME SELECT COLUMNS(lambda c: c IN ({stored})), '{path}' AS source_file FROM ({select})",
                {name: value for name, value in params.items() if f"${name}" in select})
    rows = con.execute("SELECT count(*) FROM interactions").fetchall()[0][0]
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    con.close()
    return {"format": fmt, "rows_read": rows, "ingested": rows, "seconds": seconds, "cpu_seconds": cpu_seconds,
            "rows_per_s": rows / seconds, "peak_rss_mb": peak_mb, "base_rss_mb": base_mb, "memory_limit_mb": limit_mb,
            "file_mb": path.stat().st_size / 2**20, "engine_rows_per_s": None}


def json_floor(fmt: str, path: Path) -> tuple[float, float, int]:
    """Rows per second, CPU seconds and rows of ``JSON_FLOOR_SQL[fmt]`` into a temporary table (2 threads, as the ingest)."""
    import duckdb

    with duckdb.connect() as con:
        con.execute("SET threads = 2")
        con.execute("SET enable_progress_bar = false")
        started, cpu_started = time.perf_counter(), time.process_time()
        con.execute(f"CREATE TEMP TABLE floor AS {JSON_FLOOR_SQL[fmt]}", [str(path)])
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        rows = con.execute("SELECT count(*) FROM floor").fetchall()[0][0]
    return rows / seconds, cpu_seconds, rows


def size_mb(text: str) -> float:
    """A DuckDB size setting ('3.7 GiB', '512.0 MiB', '4GB') in MiB."""
    number, unit = re.fullmatch(r"\s*([\d.]+)\s*([KMGT]?i?B|bytes)\s*", text).groups()
    powers = {"bytes": 0, "B": 0, "KB": 1, "KiB": 1, "MB": 2, "MiB": 2, "GB": 3, "GiB": 3, "TB": 4, "TiB": 4}
    base = 1000 if unit in ("KB", "MB", "GB", "TB") else 1024
    return float(number) * base ** powers[unit] / 2**20


def ingest_one(fmt: str, path: Path, database: Path, profile: bool) -> dict[str, object]:
    """Run in the child process: ingest one file and report the figures as a dict."""
    sys.path.insert(0, str(ROOT))
    from mobtrace.analysis.ingest import connect, ingest_paths

    con = connect(database)
    limit_mb = size_mb(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
    base_mb = _rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        summary = profiler.runcall(ingest_paths, con, [path], fmt)[0]
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(12)
    else:
        summary = ingest_paths(con, [path], fmt)[0]
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the ingest's: the engine timing comes after
    con.close()
    return {"format": fmt, "rows_read": summary.rows_read, "ingested": summary.ingested, "seconds": seconds,
            "cpu_seconds": cpu_seconds, "rows_per_s": summary.rows_read / seconds, "peak_rss_mb": peak_mb,
            "base_rss_mb": base_mb, "memory_limit_mb": limit_mb, "file_mb": path.stat().st_size / 2**20,
            "engine_rows_per_s": engine_only(fmt, path)}


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:  # resident pages (Linux, as ru_maxrss's kilobytes are)
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("formats", nargs="*", metavar="FORMAT", help=f"any of {', '.join(WRITERS)} (default: all)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="records per CSV-like file (default 1,000,000)")
    parser.add_argument("--json-rows", type=int, default=300_000, help="records per JSON file (default 300,000)")
    parser.add_argument("--profile", action="store_true", help="print each ingest's cProfile top functions to stderr")
    parser.add_argument("--memory-limit", help="DuckDB memory limit for the children, e.g. 1GB (sets $MOBTRACE_MEMORY_LIMIT)")
    parser.add_argument("--runs", type=int, default=1, help="runs of each variant, alternating; medians printed (default 1)")
    parser.add_argument("--peer", metavar="PYTHON", help="also ingest with this interpreter's mobtrace (e.g. the previous version's)")
    parser.add_argument("--no-floor", action="store_true", help="leave out the floor (DuckDB alone)")
    parser.add_argument("--child", nargs=3, metavar=("FORMAT", "FILE", "DB"), help=argparse.SUPPRESS)
    parser.add_argument("--floor", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        fmt, path, database = args.child
        run = floor_one if args.floor else ingest_one
        print(json.dumps(run(fmt, Path(path), Path(database)) if args.floor else run(fmt, Path(path), Path(database), args.profile)))
        return

    unknown = set(args.formats) - set(WRITERS)
    if unknown:
        parser.error(f"unknown format(s) {', '.join(sorted(unknown))}: use {', '.join(WRITERS)}")
    if args.memory_limit:
        os.environ["MOBTRACE_MEMORY_LIMIT"] = args.memory_limit
    print(f"{'format':<11} {'variant':<9} {'rows':>10} {'file MB':>8} {'seconds':>8} {'CPU s':>6} {'rows/s':>10} {'target':>10} "
          f"{'':<7} {'base MB':>8} {'peak RSS MB':>12} {'limit + allowance MB':>21} {'':<7} {'DuckDB read_csv rows/s':>23}")
    verdicts = []
    with tempfile.TemporaryDirectory(prefix="mobtrace_bench_") as folder:
        for fmt in args.formats or list(WRITERS):
            rows = args.rows if fmt in CSV_FORMATS else args.json_rows
            path = Path(folder) / f"{fmt}{SUFFIX.get(fmt, '.csv')}"
            WRITERS[fmt](path, rows, random.Random(7))
            variants = {"mobtrace": [sys.executable]}
            if not args.no_floor:
                variants["floor"] = [sys.executable]
            if args.peer:
                variants["peer"] = [args.peer]
            results: dict[str, list[dict]] = {name: [] for name in variants}
            for _ in range(args.runs):
                for name, interpreter in variants.items():
                    database = Path(folder) / f"{fmt}.duckdb"
                    command = [*interpreter, __file__, "--child", fmt, str(path), str(database)]
                    command += (["--floor"] if name == "floor" else []) + (["--profile"] if args.profile and name != "floor" else [])
                    child = subprocess.run(command, check=True, text=True, stdout=subprocess.PIPE)
                    results[name].append(json.loads(child.stdout))
                    for leftover in Path(folder).glob(f"{fmt}.duckdb*"):
                        os.remove(leftover)
            for name, runs in results.items():
                result = {key: statistics.median(run[key] for run in runs) if isinstance(runs[0][key], (int, float)) else runs[0][key]
                          for key in runs[0] if runs[0][key] is not None}
                result["peak_rss_mb"] = max(run["peak_rss_mb"] for run in runs)
                engines = [run["engine_rows_per_s"] for run in runs if run["engine_rows_per_s"]]
                engine = f"{statistics.median(engines):,.0f}" if engines else "-"
                fast = result["rows_per_s"] >= TARGET_ROWS_PER_S[fmt]
                budget = result["memory_limit_mb"] + RSS_ALLOWANCE_MB
                within = result["peak_rss_mb"] <= budget
                budget_text = f"{result['memory_limit_mb']:,.0f} + {RSS_ALLOWANCE_MB}"
                if name == "mobtrace":
                    verdicts.append((fmt, fast, within))
                print(f"{fmt:<11} {name:<9} {result['rows_read']:>10,.0f} {result['file_mb']:>8.0f} {result['seconds']:>8.2f} "
                      f"{result['cpu_seconds']:>6.2f} {result['rows_per_s']:>10,.0f} {TARGET_ROWS_PER_S[fmt]:>10,} "
                      f"{'met' if fast else 'NOT met':<7} {result['base_rss_mb']:>8,.0f} {result['peak_rss_mb']:>12,.0f} "
                      f"{budget_text:>21} {'within' if within else 'OVER':<7} {engine:>23}"
                      + (f"   runs: {', '.join(format(run['seconds'], '.2f') for run in runs)} s" if args.runs > 1 else ""),
                      flush=True)
            path.unlink()
    slow = [fmt for fmt, fast, _ in verdicts if not fast]
    over = [fmt for fmt, _, within in verdicts if not within]
    print(f"rows/s targets met by {len(verdicts) - len(slow)} of {len(verdicts)} formats" + (f" (not: {', '.join(slow)})" if slow else "")
          + f"; peak RSS within memory_limit + {RSS_ALLOWANCE_MB} MB for {len(verdicts) - len(over)} of {len(verdicts)}"
          + (f" (over: {', '.join(over)})" if over else "")
          + ("; seconds, CPU s and rows/s are medians, peak RSS the largest" if args.runs > 1 else ""))


if __name__ == "__main__":
    main()
