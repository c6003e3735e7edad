"""Parity with coordination-network-toolkit 1.5.2: its own code is the oracle.

Generated messages sit on a 30 s grid with extra points at ±1 s and +0.5 s, so many pairs are exactly
60 s apart (the inclusive edge), 59 s and 61 s apart; CNT's networks and analysis.compat.cnt must give
identical directed edges and weights for co_retweet, co_link, co_reply and co_tweet.
"""

from __future__ import annotations

import random
import sqlite3
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobtrace.analysis.compat.cnt import BEHAVIOURS, cnt_edges, cnt_preprocess

cnt = pytest.importorskip("coordination_network_toolkit", reason="coordination-network-toolkit (test dependency) not installed")
from coordination_network_toolkit import compute_networks  # noqa: E402
from coordination_network_toolkit.preprocess import preprocess_data  # noqa: E402
from coordination_network_toolkit.similarity import message_preprocessor  # noqa: E402

TEXTS = ["Vote for us NOW", "vote  for us now @friend", "@a @b Vote for us now", "Different words here",
         "different WORDS here\n", "", "@only_a_mention", "Ünïcödé straße TEXT", "ünïcödé straße text"]
URLS = ["https://example.com/a", "https://example.com/a?utm_source=x", "http://other.org/b", "https://example.com/a/"]


def generated_messages(seed: int, n: int = 700) -> list[tuple]:
    """CNT message tuples: message_id, user_id, username, repost_id, reply_id, message, timestamp, urls."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        kind = rng.choice(["repost", "reply", "post", "post"])
        t = rng.randrange(0, 40) * 30 + rng.choice([0, 0, 0, 1, -1, 0.5])
        rows.append((
            f"m{i}", f"u{rng.randrange(25)}", f"user{i}",
            f"r{rng.randrange(12)}" if kind == "repost" else "",
            f"p{rng.randrange(12)}" if kind == "reply" else "",
            rng.choice(TEXTS), float(t + 1_740_000_000),
            rng.sample(URLS, rng.randrange(0, 3)) if kind != "repost" else [],
        ))
    return rows


def oracle(tmp_path, rows, behaviour: str, window: int, min_weight: int) -> dict:
    db = str(tmp_path / f"cnt_{behaviour}.db")
    preprocess_data(db, rows)
    compute = {
        "co_retweet": lambda: compute_networks.compute_co_retweet_parallel(db, window, n_threads=1, min_edge_weight=min_weight),
        "co_link": lambda: compute_networks.compute_co_link_network(db, window, n_threads=1, min_edge_weight=min_weight),
        "co_reply": lambda: compute_networks.compute_co_reply_network(db, window, min_edge_weight=min_weight, n_threads=1),
        "co_tweet": lambda: compute_networks.compute_co_tweet_network(db, window, min_edge_weight=min_weight, n_threads=1),
    }[behaviour]
    compute()
    with sqlite3.connect(db) as con:
        table = f"{behaviour}_network"
        return {(a, b): w for a, b, w in con.execute(f"SELECT user_1, user_2, weight FROM {table} WHERE user_1 != user_2")}


@pytest.fixture(scope="module")
def mobtrace_database(event, database):
    """``mobtrace_database(rows)``: the CNT message tuples as a mobtrace database."""
    return partial(_mobtrace_database, event, database)


def _mobtrace_database(event, database, rows):
    events = []
    for message_id, user, _, repost_id, reply_id, text, timestamp, urls in rows:
        action = "repost" if repost_id else "reply" if reply_id else "post"
        events.append({**event(user, timestamp - 1_740_000_000, action, text=text, urls=urls,
                               target_post_id=repost_id or reply_id or None), "event_id": message_id})
    return database(events)


@pytest.fixture(scope="module")
def rows():
    return generated_messages(seed=11)


@pytest.mark.parametrize("min_weight", [1, 2])
@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_identical_directed_edges(tmp_path, rows, behaviour, min_weight, mobtrace_database):
    expected = oracle(tmp_path, rows, behaviour, 60, min_weight)
    got = cnt_edges(mobtrace_database(rows), behaviour, time_window=60, min_edge_weight=min_weight)
    assert len(expected) > 20  # the fixture exercises the behaviour
    assert {(s, t): w for s, t, w in zip(got.source, got.target, got.weight)} == expected
    assert set(got.behaviour) == {behaviour}


@pytest.mark.parametrize("min_weight", [3, 4])
@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_identical_directed_edges_at_higher_weights(tmp_path, behaviour, min_weight, mobtrace_database):
    """Denser messages, so that many pairs reach 3 and 4: the prefix filter and its suffix look-ups decide."""
    dense = generated_messages(seed=12, n=2500)
    expected = oracle(tmp_path, dense, behaviour, 60, min_weight)
    got = cnt_edges(mobtrace_database(dense), behaviour, time_window=60, min_edge_weight=min_weight)
    assert len(expected) > 20
    assert {(s, t): w for s, t, w in zip(got.source, got.target, got.weight)} == expected


def test_text_key_matches_cnt_preprocessor_on_awkward_text():
    samples = TEXTS + ["tab\tsep\x1cfile sep @x\x1fy end", "@trailing", "a@b.c mid @x\n@y\n", "  ", "İstanbul ǅ ΣΑΣ"]
    assert [cnt_preprocess(s) for s in samples] == [message_preprocessor(s) for s in samples]


# Many texts per example: the example's database is most of its cost (about 1,200 texts in 40 databases).
@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="aZ@ #._\t\n\r\x0b\x0c\x1c\x1f" + "é", max_size=20), min_size=1, max_size=60))
def test_tweet_keys_in_sql_equal_cnt_preprocessor(event, database, texts):
    """ASCII texts are keyed in DuckDB, the others in Python; both must be CNT's message_preprocessor."""
    from mobtrace.analysis.compat.cnt import _register_tweet_keys
    from mobtrace.analysis.sql import run_script
    from mobtrace.analysis.compat.cnt import HERE

    con = database([event(f"u{i}", i, text=text) for i, text in enumerate(texts)])
    run_script(con, HERE / "cnt_messages.sql")
    _register_tweet_keys(con)
    got = dict(con.sql("SELECT m.message, k.key FROM cnt_keys AS k JOIN cnt_messages AS m USING (message_id)").fetchall())
    assert got == {text: message_preprocessor(text) for text in texts}


def test_an_id_on_two_platforms_is_one_message_the_first_row_wins(event, database):
    """CNT keys messages by id alone (``insert or ignore``): the row read first is the message."""
    from mobtrace.analysis.compat.cnt import HERE
    from mobtrace.analysis.sql import run_script

    con = database([event("later", 5, "repost", platform="y", target_post_id="p", event_id="m1", source_line=9),
                    event("first", 0, "repost", platform="x", target_post_id="p", event_id="m1", source_line=2),
                    event("other", 1, "repost", platform="x", target_post_id="p", event_id="m2")])
    run_script(con, HERE / "cnt_messages.sql")
    assert sorted(con.sql("SELECT message_id, user_id FROM cnt_messages").fetchall()) == [("m1", "first"), ("m2", "other")]
