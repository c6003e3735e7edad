"""The parsing macros' fast paths give exactly what their plain definitions give.

macros.sql and platform_macros.sql answer the usual inputs (a plain ISO date-time, a number, ['a', 'b'],
an id with nothing to trim) without the costly general expression. Each fast macro is compared here with
its plain reference definition (REFERENCE_MACROS, the definitions before the fast paths were added) on
edge cases, on drawn text, and for the trim-dependent shortcuts on every Unicode code point.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobtrace.analysis.ingest import connect
from mobtrace.analysis.sql import run_script

INGEST = Path(__file__).parents[1] / "analysis" / "ingest"
REFERENCE_MACROS = [
    r"""CREATE OR REPLACE TEMP MACRO ref_ts(s) AS (
    CASE
        WHEN s IS NULL OR trim(s) = '' THEN NULL
        WHEN regexp_full_match(trim(s), '-?[0-9]+(\.[0-9]+)?') THEN
            CASE
                WHEN abs(TRY_CAST(trim(s) AS DOUBLE)) >= 1e14 THEN NULL
                WHEN abs(TRY_CAST(trim(s) AS DOUBLE)) >= 1e11
                    THEN make_timestamp(CAST(round(TRY_CAST(trim(s) AS DOUBLE) * 1000) AS BIGINT))
                ELSE make_timestamp(CAST(round(TRY_CAST(trim(s) AS DOUBLE) * 1000000) AS BIGINT))
            END
        ELSE timezone('UTC', TRY_CAST(trim(s) AS TIMESTAMPTZ))
    END)""",
    "CREATE OR REPLACE TEMP MACRO ref_blank_null(s) AS (CASE WHEN trim(s) = '' THEN NULL ELSE trim(s) END)",
    r"""CREATE OR REPLACE TEMP MACRO ref_snowflake_ts(id) AS (
    CASE WHEN regexp_full_match(coalesce(trim(id), ''), '[0-9]{1,20}') AND TRY_CAST(trim(id) AS UBIGINT) IS NOT NULL
         THEN make_timestamp(CAST((TRY_CAST(trim(id) AS UBIGINT) >> 22) + 1288834974657 AS BIGINT) * 1000)
    END)""",
    """CREATE OR REPLACE TEMP MACRO ref_x_refine(snowflake_ts, minute_ts) AS (
    CASE WHEN minute_ts IS NOT NULL AND snowflake_ts IS NOT NULL
              AND abs(epoch(date_trunc('minute', snowflake_ts)) - epoch(date_trunc('minute', minute_ts))) <= 60
         THEN snowflake_ts
         ELSE minute_ts
    END)""",
    r"""CREATE OR REPLACE TEMP MACRO ref_pylist(s) AS (
    CASE
        WHEN s IS NULL OR s = '[]' OR trim(s) IN ('', '[]') THEN CAST([] AS VARCHAR[])
        WHEN NOT (starts_with(trim(s), '[') AND ends_with(trim(s), ']')) THEN NULL
        ELSE list_transform(
            regexp_extract_all(trim(s), '''(?:[^''\\]|\\.)*''|"(?:[^"\\]|\\.)*"|[^,\[\]\s''"]+'),
            lambda x: CASE WHEN left(x, 1) IN ('''', '"')
                           THEN replace(replace(replace(x[2:-2], '\''', ''''), '\"', '"'), '\\', '\')
                           ELSE x END)
    END)""",
    """CREATE OR REPLACE TEMP MACRO ref_clean_list(l) AS (
    list_filter(coalesce(l, CAST([] AS VARCHAR[])), lambda x: x IS NOT NULL AND trim(x) <> ''))""",
    r"""CREATE OR REPLACE TEMP MACRO ref_text_urls(t) AS (
    coalesce(regexp_extract_all(t, 'https?://[^\s<>"\)\]]+'), CAST([] AS VARCHAR[])))""",
    r"""CREATE OR REPLACE TEMP MACRO ref_text_hashtags(t) AS (
    coalesce(regexp_extract_all(t, '(?:^|[^\p{L}\p{N}_&/])#([\p{L}\p{N}_]+)', 1), CAST([] AS VARCHAR[])))""",
    r"""CREATE OR REPLACE TEMP MACRO ref_text_x_mentions(t) AS (
    coalesce(regexp_extract_all(t, '(?:^|[^A-Za-z0-9_])@([A-Za-z0-9_]{1,15})', 1), CAST([] AS VARCHAR[])))""",
]
SPACES = [" ", "\u00a0", "\u1680", "\u2000", "\u2009", "\u200a", "\u202f", "\u205f", "\u3000", "\u180e", "\u200b",
          "\t", "\n", "\r", "\x0b", "\x0c", "\u0085", "\u2028", "\ufeff"]
TIMES = ["2015-06-01 08:15", "2015-06-01T08:15:42.5Z", "2015-06-01", "2015-06-01 08:15:42.1234567", "0000-01-01 00:00",
         "9999-12-31 23:59:59.999999", "2021-02-29", "2020-13-01 10:00", "2020-01-01 24:00:00", "2016-12-31 23:59:60",
         "2015-06-01 08:15+03", "2015-06-01 08:15:00-05:30", "2015-06-01 08:15 Europe/Berlin", "2015-06-01 08:15 UTC",
         "2015-06-01 BC", "20150601", "6/1/2015 8:15", "infinity", "-infinity", "epoch", "1433146500", "1433146500000",
         "1433146500.5", "-1", "1e5", "+5", ".5", "5.", "99999999999999", "100000000000000", "0x1F", "1_000"]
LISTS = ["[]", "[ ]", " [] ", "['a']", "['']", "['a', '']", "['a','b']", "['a', 'b']", "[ 'a' ]", "['a' , 'b']", "[1, 2]",
         "['a', \"b'c\", 123]", "['it\\'s']", "['a\\\\']", "[\"a\"]", "['a', 'b'", "'a', 'b']", "[''', '']", "['a'], ['b']",
         " ['a']", "['#a', '##b', '#']", "['@1', ' ', '\u00a0']", "['\u0301a']", "['Крым', 'news']", "['http://x.y/a']",
         "['a]', 'b']", "['[a', '']"]
TEXTS = ["#a", "a#b", "##b", "@x", "a@b.c", "http://x.y/a", "see https://t.co/abc)", "#حملة", "&#39;", "/#x", "RT @a_b: #c d",
         "a_#b", "x/#y", "&#39;#z", "#a#b", "#1", "ab #_x", "#ab\u0301", "#a\u00b2", "\u00aa#b", "#\u0661\u0662", "1#a",
         "a b", "a  b", " a", "a ", "a\u00a0b", "\u00a0", "a\tb", "http://x https://y", "é b"]
PAIRS = [("ts", 1), ("blank_null", 1), ("snowflake_ts", 1), ("pylist", 1), ("text_urls", 1), ("text_hashtags", 1),
         ("text_x_mentions", 1)]
text_values = st.text(alphabet=st.sampled_from(list("0123456789-:T .Z+/[]',\"\\#@abcé") + SPACES), max_size=30)


@pytest.fixture(scope="module")
def macros():
    con = connect(":memory:")
    run_script(con, INGEST / "platform_macros.sql")
    for statement in REFERENCE_MACROS:
        con.execute(statement)
    yield con
    con.close()


def _differences(con, values: list[str | None]) -> list[tuple]:
    """(macro, value, reference result, fast result) wherever a fast macro and its reference disagree."""
    con.execute("CREATE OR REPLACE TEMP TABLE corpus AS SELECT unnest($1::VARCHAR[]) AS s", [values])
    checks = [(name, f"ref_{name}(s)", f"mt_{name}(s)") for name, _ in PAIRS] + [
        ("clean_list", "ref_clean_list([s, NULL, ' ', s || 'x', chr(160) || s])", "mt_clean_list([s, NULL, ' ', s || 'x', chr(160) || s])"),
        ("split_spaces", "ref_clean_list(string_split(coalesce(s, ''), ' '))", "mt_split_spaces(s)"),
        ("x_refine", "ref_x_refine(mt_snowflake_ts(s), mt_ts(s))", "mt_x_refine(mt_snowflake_ts(s), mt_ts(s))"),
    ] + [
        (f"pylist_clean {sigil!r}",
         f"CASE WHEN ref_pylist(s) IS NOT NULL THEN ref_clean_list(list_transform(ref_pylist(s), lambda x: ltrim(x, '{sigil}'))) END",
         f"mt_pylist_clean(s, '{sigil}')")
        for sigil in ("#", "@", "")
    ]
    found = []
    for name, reference, fast in checks:
        rows = con.execute(f"SELECT s, {reference} AS r, {fast} AS f FROM corpus WHERE r IS DISTINCT FROM f LIMIT 3").fetchall()
        found += [(name, *row) for row in rows]
    return found


def _padded(values: list[str]) -> list[str | None]:
    return [None] + [pad + value + end for value in values for pad in ("", " ", "\u00a0") for end in ("", " ", "\u3000")]


def test_fast_paths_match_the_reference_on_edge_cases(macros):
    assert _differences(macros, _padded(TIMES + LISTS + TEXTS + ["605286586250170385", "18446744073709551616", "007"])) == []


def test_mt_ts_fast_paths_match_the_zone_aware_cast(macros):
    rng = random.Random(7)
    values = []
    for _ in range(20_000):
        value = f"{rng.choice([rng.randint(0, 9999), rng.randint(0, 400_000)]):04d}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}"
        if rng.random() < 0.8:
            value += rng.choice([" ", "T"]) + f"{rng.randint(0, 25):02d}:{rng.randint(0, 61):02d}"
            if rng.random() < 0.5:
                value += f":{rng.randint(0, 61):02d}" + rng.choice(["", ".5", ".123456", ".1234567"])
            value += rng.choice(["", "", "Z", "+01", "-05:30", " UTC", " BC", " Europe/Paris"])
        values.append(value)
    assert _differences(macros, values) == []


def test_trim_shortcuts_hold_for_every_code_point(macros):
    # mt_blank_null, mt_clean_list and mt_maybe_blank rely on trim() removing nothing but space separators.
    points = [chr(c) for c in range(1, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    macros.execute("CREATE OR REPLACE TEMP TABLE points AS SELECT unnest($1::VARCHAR[]) AS c", [points])
    assert macros.execute("""
        SELECT s FROM (SELECT unnest([c, c || 'a', 'a' || c, c || c]) AS s FROM points)
        WHERE mt_blank_null(s) IS DISTINCT FROM ref_blank_null(s)
           OR mt_clean_list([s]) IS DISTINCT FROM ref_clean_list([s])
           OR (trim(s) = '' AND NOT mt_maybe_blank(s))
        LIMIT 3""").fetchall() == []


def test_mt_x_refine_matches_the_reference_around_the_minute(macros):
    assert macros.execute("""
        WITH ids AS (SELECT mt_snowflake_ts(CAST(hash(i) >> (i % 4 * 7) AS VARCHAR)) AS sf FROM range(20000) AS r(i)),
        pairs AS (
            SELECT sf, unnest([sf, sf + INTERVAL 59 SECOND, sf + INTERVAL 61 SECOND, sf + INTERVAL 119 SECOND,
                               sf - INTERVAL 60 SECOND, sf - INTERVAL 61 SECOND, date_trunc('minute', sf) - INTERVAL 1 MICROSECOND,
                               date_trunc('minute', sf) + INTERVAL 2 MINUTE - INTERVAL 1 MICROSECOND,
                               TIMESTAMP '1969-12-31 23:59:30', TIMESTAMP '0001-01-01', NULL]) AS minute
            FROM ids)
        SELECT sf, minute FROM pairs WHERE mt_x_refine(sf, minute) IS DISTINCT FROM ref_x_refine(sf, minute) LIMIT 3
        """).fetchall() == []


# Many values per example: each example is one query (about 4,000 values in 40 queries).
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(text_values | st.sampled_from(TIMES + LISTS + TEXTS), min_size=1, max_size=200))
def test_fast_paths_match_the_reference_on_drawn_text(macros, values):
    assert _differences(macros, values) == []
