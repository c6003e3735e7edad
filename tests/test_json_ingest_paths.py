"""The JSON adapters' fast paths (issue #19) against what the readers before them stored for the same bytes
(each expectation checked with the baseline install): a page that repeats an expansion's id, lines that
json_transform cannot read (parsed under try, then told apart by json_valid) among good ones in one batch,
and quarantined records whose text finalize.sql reads from the batch's lines instead of a staged copy."""

from __future__ import annotations

import json

import pytest

from mobtrace.analysis.ingest import connect, ingest_paths

NOT_JSON = "line is not valid JSON (cut off or corrupt): repair the line or re-export the file"
NOT_OBJECT = "record is JSON but not an object: each record must be one {...} object"
TWEET = {"id": "1498629120316149777", "author_id": "100", "created_at": "2022-03-01T12:00:00.123Z", "text": "hi",
         "referenced_tweets": [{"type": "retweeted", "id": "1498629120316149000"}]}
GOOD = {
    "twarc2": json.dumps({"data": [TWEET], "includes": {"users": [{"id": "100", "username": "a"}]}}),
    "reddit": json.dumps({"author": "someone", "created_utc": 1646136000, "id": "c1", "link_id": "t3_x", "parent_id": "t3_x",
                          "body": "text", "subreddit": "s", "permalink": "/r/s/c1"}),
    "bluesky": json.dumps({"did": "did:plc:a", "time_us": 1725911162329308, "kind": "commit",
                           "commit": {"operation": "create", "collection": "app.bsky.feed.post", "rkey": "3l1",
                                      "record": {"$type": "app.bsky.feed.post", "text": "hi", "createdAt": "2024-09-09T19:46:02Z"}}}),
    "mastodon": json.dumps({"id": "111", "created_at": "2023-11-01T10:00:00.123Z", "visibility": "public", "content": "<p>x</p>",
                            "reblog": None, "account": {"id": "7", "acct": "u", "username": "u"}}),
}


def ingest(path, fmt: str):
    con = connect(":memory:")
    ingest_paths(con, [path], fmt)
    events = con.execute("SELECT source_line, event_id, account_id, account_handle, target_account_id FROM interactions ORDER BY ALL").fetchall()
    quarantined = con.execute("SELECT source_line, raw, reason FROM quarantine ORDER BY ALL").fetchall()
    con.close()
    return events, quarantined


@pytest.mark.parametrize("fmt", sorted(GOOD))
def test_lines_json_transform_cannot_read_keep_their_line_text_and_reason(tmp_path, fmt):
    # a good first line (the format is named, but sniffing must not matter), then a cut-off object, valid JSON that
    # is not an object, an object cut off after its first key, blank lines, and a good line again
    lines = [GOOD[fmt], '{"id": "1", "text": ', "[1, 2]", "", '  {"data": [', "   ", "7", GOOD[fmt]]
    path = tmp_path / f"{fmt}.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    events, quarantined = ingest(path, fmt)
    assert [row[0] for row in events] == [1]  # line 8 repeats line 1's event: a duplicate
    assert quarantined[:4] == [
        (2, '{"id": "1", "text": ', NOT_JSON),
        (3, "[1, 2]", NOT_OBJECT),
        (5, '  {"data": [', NOT_JSON),
        (7, "7", NOT_OBJECT),
    ]
    # the duplicate's text: the line, or for twarc2 the tweet's own JSON (a page line holds many)
    raw = json.dumps(TWEET, separators=(",", ":")) if fmt == "twarc2" else GOOD[fmt]
    assert quarantined[4][0] == 8 and quarantined[4][1] == raw and quarantined[4][2].startswith("duplicate of event")
    assert len(quarantined) == 5


def test_twarc2_repeated_ids_in_a_pages_expansions_take_the_first(tmp_path):
    page = {"data": [TWEET, {**TWEET, "id": "1498629120316149778", "author_id": "101"}],
            "includes": {"users": [{"id": "100", "username": "first"}, {"id": "101", "username": "b"},
                                   {"id": "100", "username": "second"}],
                         "tweets": [{"id": "1498629120316149000", "author_id": "200"},
                                    {"id": "1498629120316149000", "author_id": "300"}]}}
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps(page) + "\n", encoding="utf-8")
    events, quarantined = ingest(path, "twarc2")
    assert events == [(1, "1498629120316149777", "100", "first", "200"), (1, "1498629120316149778", "101", "b", "200")]
    assert quarantined == []


def test_records_of_a_json_array_are_quarantined_with_their_compact_text(tmp_path):
    statuses = [json.loads(GOOD["mastodon"]), [1, {"a": "é"}], {**json.loads(GOOD["mastodon"]), "id": "112", "created_at": "soon"}]
    path = tmp_path / "statuses.json"
    path.write_text(json.dumps(statuses, indent=2), encoding="utf-8")
    events, quarantined = ingest(path, "mastodon")
    assert [row[:3] for row in events] == [(1, "111", "7")]
    assert [row[:2] for row in quarantined] == [(2, '[1,{"a":"é"}]'), (3, json.dumps(statuses[2], ensure_ascii=False, separators=(",", ":")))]
    assert quarantined[0][2] == NOT_OBJECT and quarantined[1][2].startswith('unreadable created_at "soon"')


def _good_line(fmt: str, number: int) -> str:
    record = json.loads(GOOD[fmt])
    if fmt == "reddit":
        record.update(id=f"c{number}", parent_id=f"t1_c{number - 1}")  # each replies to the line before
    elif fmt == "bluesky":
        record["commit"]["rkey"] = f"3l{number}"
    else:
        record["id"] = str(111_000 + number)
    return json.dumps(record)


@pytest.mark.parametrize("fmt", ["reddit", "bluesky", "mastodon"])
def test_broken_lines_at_batch_boundaries_keep_their_line_text_and_reason(tmp_path, fmt, monkeypatch):
    # Batches of 4 lines (jsondoc.BATCH_LINES): broken lines first and last in a batch, a blank line and a
    # duplicate across a boundary, and (reddit) a reply whose parent is in the batch before; stored as in one batch.
    from mobtrace.analysis.ingest import jsondoc

    lines = [_good_line(fmt, n) for n in range(1, 23)]
    lines[3] = '{"id": "1", "text": '  # line 4: last of batch 1
    lines[4] = "[1, 2]"  # line 5: first of batch 2
    lines[8] = ""  # line 9: blank, first of batch 3 (which then holds lines 9-13)
    lines[12] = '  {"data": ['  # line 13
    lines[13] = lines[10]  # line 14 repeats line 11, in the batch after it
    path = tmp_path / f"{fmt}.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = ingest(path, fmt)
    monkeypatch.setattr(jsondoc, "BATCH_LINES", 4)
    assert jsondoc.lines_per_batch(path) == 4
    batched = ingest(path, fmt)
    assert batched == whole
    events, quarantined = batched
    assert len(events) + len(quarantined) == 21
    assert quarantined[:4] == [(4, '{"id": "1", "text": ', NOT_JSON), (5, "[1, 2]", NOT_OBJECT), (13, '  {"data": [', NOT_JSON),
                               (14, lines[13], quarantined[3][2])]
    assert quarantined[3][2].startswith("duplicate of event") and len(quarantined) == 4
    if fmt == "reddit":  # line 18 (first of batch 5) replies to line 17 (batch 4); line 10's parent (line 9) is blank
        targets = {line: target for line, _, _, _, target in events}
        assert targets[18] == "someone" and targets[7] == "someone" and targets[10] is None
