"""JSON adapters on the edges where parsing each line once (json_transform into an explicit structure) could
differ from reading it path by path: keys whose value is null, non-object entries, numbers that ->> and a
VARCHAR transform write differently, keys spelled with \\u escapes. Each expectation is what the readers before
issue #19 stored for the same bytes (checked against the baseline install)."""

from __future__ import annotations

import json

from mobtrace.analysis.ingest import connect, ingest_paths

TWEET = {"id": "1498629120316149777", "author_id": "100", "created_at": "2022-03-01T12:00:00.123Z", "text": "hi",
         "referenced_tweets": [{"type": "retweeted", "id": "1498629120316149000"}]}
NOT_A_TWEET = 'entry of "data" is not a tweet object: the page is malformed'
NO_TWEETS = 'response page holds no tweets (no or empty "data", only errors or meta): nothing to ingest'
NO_RECORD = "no AT Protocol record found (expected commit.record, record, value or a record type field)"


def ingest(tmp_path, fmt: str, lines: list[str]):
    path = tmp_path / f"{fmt}.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = connect(":memory:")
    ingest_paths(con, [path], fmt)
    events = con.execute("SELECT source_line, event_id, account_id, action, target_account_id FROM interactions ORDER BY ALL").fetchall()
    quarantined = con.execute("SELECT source_line, raw, reason FROM quarantine ORDER BY ALL").fetchall()
    con.close()
    return events, quarantined


def test_twarc2_entries_keys_and_numbers_as_before(tmp_path):
    page = {"data": [None, 1, "x", TWEET], "meta": {},
            "includes": {"users": [{"id": "100", "username": "a"}, None, 5],
                         "tweets": [{"id": "1498629120316149000", "author_id": 1e20}]}}
    flattened = {**TWEET, "id": "1498629120316149781", "author_id": 1e20}
    lines = [json.dumps(page).replace("1e+20", "100000000000000000000.0"), '{"data": null, "id": "1", "text": "x"}',
             '{"errors": null}', '{"x": 1}', json.dumps(flattened).replace("1e+20", "100000000000000000000.0")]
    events, quarantined = ingest(tmp_path, "twarc2", lines)
    assert events == [
        # the retweeted author as ->> writes the number; the flattened tweet's author as json_transform does
        (1, "1498629120316149777", "100", "repost", "100000000000000000000.0"),
        (5, "1498629120316149781", "1e+20", "repost", None),
    ]
    assert quarantined == [
        (1, '"x"', NOT_A_TWEET), (1, "1", NOT_A_TWEET), (1, "null", NOT_A_TWEET),
        (2, '{"data": null, "id": "1", "text": "x"}', NO_TWEETS),
        (3, '{"errors": null}', NO_TWEETS),
        (4, '{"x": 1}', 'JSON object is neither a twarc2 response page (with "data") nor a flattened tweet (with "id"): '
                        "check that twarc2 wrote this file"),
    ]


def test_bluesky_null_records_and_escaped_keys_as_before(tmp_path):
    post = {"$type": "app.bsky.feed.post", "text": "hi", "createdAt": "2024-09-09T19:46:02.102Z"}
    lines = [
        json.dumps({"did": "did:plc:a", "commit": {"collection": "app.bsky.feed.post", "rkey": "r1", "record": None}, "record": post}),
        json.dumps({"uri": "at://did:plc:c/app.bsky.feed.post/3", "record": None, "value": post}),
        json.dumps({"uri": "at://did:plc:k/app.bsky.feed.post/8", "value": post}).replace('"value"', '"\\u0076alue"'),
    ]
    events, quarantined = ingest(tmp_path, "bluesky", lines)
    assert events == [(3, "at://did:plc:k/app.bsky.feed.post/8", "did:plc:k", "post", None)]
    assert [(line, reason) for line, _, reason in quarantined] == [(1, NO_RECORD), (2, NO_RECORD)]


def test_reddit_body_null_is_still_a_comment(tmp_path):
    lines = [json.dumps({"author": "a", "created_utc": 1646136000, "id": "p1", "title": "T", "subreddit": "s"}),
             json.dumps({"author": "b", "created_utc": 1646136001, "id": "c1", "title": "T", "body": None, "subreddit": "s"}),
             '[1]', '{"author": "c", "body": "cut']
    events, quarantined = ingest(tmp_path, "reddit", lines)
    assert events == [(1, "p1", "a", "post", None), (2, "c1", "b", "reply", None)]
    assert [(line, reason) for line, _, reason in quarantined] == [
        (3, "record is JSON but not an object: each record must be one {...} object"),
        (4, "line is not valid JSON (cut off or corrupt): repair the line or re-export the file"),
    ]
