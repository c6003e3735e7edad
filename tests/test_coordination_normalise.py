"""URL and text normalisation for co_link, co_domain, co_text and co_text_near."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobtrace.analysis.coordination.neardup import near_duplicate_clusters
from mobtrace.analysis.coordination.text import normalise_text
from mobtrace.analysis.sql import run_script
from mobtrace.analysis.coordination.coaction import HERE


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    run_script(connection, HERE / "macros.sql")
    return connection


@pytest.mark.parametrize("url, normalised, domain", [
    ("HTTPS://WWW.Example.COM/Path/?b=2&a=1#frag", "https://www.example.com/Path?a=1&b=2", "example.com"),
    ("https://example.com/a?utm_source=x&utm_medium=y&fbclid=1&gclid=2&igshid=3&mc_cid=4&mc_eid=5&ref_src=6",
     "https://example.com/a", "example.com"),
    ("https://example.com/a?id=7&UTM_Campaign=z", "https://example.com/a?id=7", "example.com"),
    ("example.org/x/", "http://example.org/x", "example.org"),
    ("http://user:pw@Example.org:80/", "http://example.org", "example.org"),
    ("https://example.org:443/a", "https://example.org/a", "example.org"),
    ("https://example.org:8443/a", "https://example.org:8443/a", "example.org:8443"),
    ("https://www2.blog.example.org/", "https://www2.blog.example.org", "blog.example.org"),
    ("  https://t.co/AbC  ", "https://t.co/AbC", "t.co"),
    ("mailto:someone@example.org", None, None),
    ("ftp://example.org/file", None, None),
    ("", None, None),
])
def test_url_normalisation(con, url, normalised, domain):
    assert con.sql("SELECT mt_url_norm($1), mt_url_domain($1)", params=[url]).fetchall() == [(normalised, domain)]


def test_texts_normalise_across_scripts_and_forms():
    assert normalise_text("ＶＯＴＥ　ＮＯＷ for Ｘ!!") == "vote now for x!!"          # NFKC full-width
    assert normalise_text("Straße frei für alle") == normalise_text("STRASSE FREI FÜR ALLE")  # case folding
    assert normalise_text("ΟΔΟΣ ΕΙΝΑΙ ΕΛΕΥΘΕΡΟΣ") == normalise_text("οδος ειναι ελευθερος")  # final sigma
    assert normalise_text("@a @b  投票给我们的候选人吧 https://x.cn/1") == "投票给我们的候选人吧"
    assert normalise_text("short one") is None and normalise_text("short one", min_chars=5) == "short one"


def _assert_prepared_as_python(texts: list[str], event, database) -> None:
    """prepare_texts (SQL for safe texts, Python for the rest) gives normalise_text's result for each text."""
    from mobtrace.analysis.coordination.text import prepare_texts

    con = database([event(f"a{i}", i, text=t) for i, t in enumerate(texts)])
    prepare_texts(con, min_chars=1)
    got = dict(con.sql("SELECT i.text, t.norm_text FROM coaction_texts AS t JOIN interactions AS i USING (platform, event_id)").fetchall())
    assert got == {t: normalise_text(t, min_chars=1) for t in texts if normalise_text(t, min_chars=1) is not None}


# Several texts per example: building the example's database is most of its cost (300 texts in 30 databases).
@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(max_codepoint=127), max_size=60), min_size=1, max_size=20))
def test_sql_path_of_prepare_texts_equals_python_on_ascii(event, database, texts):
    _assert_prepared_as_python(texts, event, database)


_MIXED = ("aZ09_@#.:/ \t\n\x1c\x85\xa0\u2028\u3000" "ßİıΣσςÅÅẞ" "é\u0301\u0308" "ＶＯＴＥ①ﬁ" "жЖёЁ" "日本語한국어"
          "\u1100\u1161\u11a8각" "ٱلعربية" "😀🇺🇸" "\U00030000")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.one_of(st.text(alphabet=_MIXED, max_size=30),
                                   st.sampled_from(["https://t.co/x", "www.Ex.org/a", "@Ann_1", "@Жанна", "HTTP://A.b"])),
                         max_size=6), min_size=1, max_size=10))
def test_sql_path_of_prepare_texts_equals_python(event, database, texts_parts):
    _assert_prepared_as_python([joiner.join(parts) for parts in texts_parts for joiner in ("", " ")], event, database)


def test_sql_safe_characters_cover_common_scripts():
    from mobtrace.analysis.coordination.text import sql_char_classes

    safe, _ = sql_char_classes()
    con = duckdb.connect()
    full_match = "SELECT regexp_full_match($1, '[' || $2 || ']*')"
    for text in ["plain ascii", "русский текст", "日本語と中文", "한국어", "ελληνικά", "emoji 😀"]:
        assert con.sql(full_match, params=[text, safe]).fetchall() == [(True,)], text
    for text in ["ＶＯＴＥ", "straße", "e\u0301", "ﬁ", "a\u3000b", "\u1100\u1161"]:
        assert con.sql(full_match, params=[text, safe]).fetchall() == [(False,)], text


def test_near_duplicates_cluster_variants_not_strangers():
    base = "the minister lied about the budget again and nobody in parliament asked a single question"
    texts = [base, base + " !!", base.replace("again", "once more"), "completely unrelated words about cooking pasta at home",
             "совершенно другой текст о погоде в москве сегодня утром"]
    labels = near_duplicate_clusters(texts, threshold=0.7, seed=3).tolist()
    assert labels[0] == labels[1] == labels[2] >= 0 and labels[3] == labels[4] == -1
    assert near_duplicate_clusters(texts, threshold=0.7, seed=3).tolist() == labels  # seeded: reproducible
