"""Property-based fuzzing of every platform adapter.

Each example starts from one of the format's hand-made fixtures and breaks it: truncation, random byte
insertions and deletions, values of the wrong JSON type or random text in a CSV cell, huge fields,
other encodings, or plain random bytes. Whatever the input, ingesting it must not raise, and for the
file ``rows_read == ingested + quarantined`` with those counts matching the rows stored in
``interactions`` and ``quarantine``. The format is forced (``--format NAME``) so that the adapter under
test reads the damaged file even when auto-detection would no longer recognise it.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobtrace.analysis.ingest import connect, ingest_paths
from mobtrace.analysis.ingest.checks import accounting_mismatches
from mobtrace.analysis.sql import first_row

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = {
    "twarc2": ["twarc2/search_pages.jsonl", "twarc2/flattened.jsonl"],
    "io-archive": ["io-archive/ira_tweets_csv_hashed.csv"],
    "ira538": ["ira538/IRAhandle_tweets_1.csv"],
    "telegram": ["telegram/result.json", "telegram/full_export.json"],
    "reddit": ["reddit/RS_RC_sample.ndjson"],
    "bluesky": ["bluesky/jetstream.ndjson", "bluesky/author_feed.json"],
    "mastodon": ["mastodon/statuses.json"],
    "reports": ["reports/report_log.csv"],
    "coortweet": ["coortweet/coortweet_sample.csv"],
    "cnt": ["cnt/cnt_messages.csv", "cnt/cnt_headerless.csv"],
}
FORMATS = sorted(SEEDS)
FUZZ = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
nasty_text = st.text(max_size=40) | st.sampled_from(
    ["", " ", '"', "'", ",", "\n", "\r\n", "[", "['x'", "1e400", "-1", "9" * 40, "\u202etxet", "\ud83d", "null", "NaN"])


def seed_bytes(fmt: str, index: int) -> bytes:
    seeds = SEEDS[fmt]
    return (FIXTURES / seeds[index % len(seeds)]).read_bytes()


def assert_accounted(tmp_path: Path, fmt: str, data: bytes, name: str = "input") -> None:
    """Ingest ``data`` as ``fmt``: no exception, and every row read is ingested or quarantined."""
    path = tmp_path / f"{name}.dat"
    path.write_bytes(data)
    con = connect(":memory:")
    try:
        summary = ingest_paths(con, [path], fmt)[0]
        stored = first_row(con, "SELECT (SELECT count(*) FROM interactions), (SELECT count(*) FROM quarantine)")
        assert summary.rows_read == summary.ingested + summary.quarantined
        assert stored[1] == summary.quarantined
        assert stored[0] <= summary.ingested  # account-only rows are ingested but are not interactions
        assert accounting_mismatches(con) == []
    finally:
        con.close()
        path.unlink()


@st.composite
def damaged_bytes(draw, fmt: str) -> bytes:
    data = bytearray(seed_bytes(fmt, draw(st.integers(0, 3))))
    for operation in draw(st.lists(st.sampled_from(["truncate", "insert", "delete", "flip", "huge", "encoding"]), min_size=1, max_size=3)):
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if operation == "truncate":
            data = data[:position]
        elif operation == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=20))
        elif operation == "delete":
            del data[position:position + draw(st.integers(1, 50))]
        elif operation == "flip" and data:
            data[position] = draw(st.integers(0, 255))
        elif operation == "huge":
            data[position:position] = draw(st.sampled_from([b"A", b"\xf0\x9f\x98\x80", b",", b'"', b"{"])) * 150_000
        elif operation == "encoding":
            text = bytes(data).decode("utf-8", "replace")
            data = bytearray(text.encode(draw(st.sampled_from(["utf-16", "latin-1", "cp1251", "utf-32"])), "replace"))
    return bytes(data)


def _replace_somewhere(value, draw):
    """The JSON value with one nested value (chosen by hypothesis) replaced by a random one."""
    if isinstance(value, dict) and value and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(value)))
        return {**value, key: _replace_somewhere(value[key], draw)}
    if isinstance(value, list) and value and draw(st.booleans()):
        index = draw(st.integers(0, len(value) - 1))
        return [*value[:index], _replace_somewhere(value[index], draw), *value[index + 1:]]
    return draw(json_values)


@st.composite
def wrong_types(draw, fmt: str) -> bytes:
    """A fixture that still parses, with values of the wrong type or nasty text in random places."""
    text = seed_bytes(fmt, draw(st.integers(0, 3))).decode("utf-8")
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")) and not stripped.startswith("{\"data\"") and "\n{" not in text:
        document = json.loads(text)  # one JSON document (array, Telegram export)
        for _ in range(draw(st.integers(1, 4))):
            document = _replace_somewhere(document, draw)
        return json.dumps(document, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    if stripped.startswith("{"):  # NDJSON: damage a few lines
        lines = text.splitlines()
        for _ in range(draw(st.integers(1, 4))):
            index = draw(st.integers(0, len(lines) - 1))
            try:
                record = json.loads(lines[index])
            except ValueError:
                continue
            lines[index] = json.dumps(_replace_somewhere(record, draw))
        return "\n".join(lines).encode("utf-8", "surrogatepass")
    rows = list(csv.reader(io.StringIO(text)))  # CSV: random text in random cells
    for _ in range(draw(st.integers(1, 6))):
        row = draw(st.integers(0, len(rows) - 1))
        if rows[row]:
            rows[row][draw(st.integers(0, len(rows[row]) - 1))] = draw(nasty_text)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("fmt", FORMATS)
@FUZZ
@given(data=st.data())
def test_damaged_files_are_accounted_for(tmp_path, fmt, data):
    assert_accounted(tmp_path, fmt, data.draw(damaged_bytes(fmt)))


@pytest.mark.parametrize("fmt", FORMATS)
@FUZZ
@given(data=st.data())
def test_wrong_types_and_nasty_values_are_accounted_for(tmp_path, fmt, data):
    assert_accounted(tmp_path, fmt, data.draw(wrong_types(fmt)))


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(max_size=3_000))
def test_random_bytes_are_accounted_for(tmp_path, fmt, blob):
    assert_accounted(tmp_path, fmt, blob)
    assert_accounted(tmp_path, "auto", blob, name="auto")
