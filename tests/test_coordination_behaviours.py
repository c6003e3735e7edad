"""Boundary fixtures for every co-action behaviour: gaps of 59, 60 and 61 s for a 60 s window, equal
timestamps, one microsecond past the window, same-account pairs, chains; exact edges and weights."""

from __future__ import annotations

import random
from functools import partial

import pytest

from mobtrace.analysis.coordination.coaction import available_behaviours, coaction_edges

_random = random.Random(7)
_WORDS = ["".join(_random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(_random.randint(3, 9))) for _ in range(400)]
_SENTENCES = [" ".join(_random.choice(_WORDS) for _ in range(14)) for _ in range(10)]


def _on_object(event, behaviour: str, k: int, account: str, seconds: float) -> dict:
    """An event by ``account`` at ``seconds`` acting on object ``k`` of ``behaviour``; surface forms vary
    by account so normalisation is exercised."""
    upper = account in ("b", "d")
    if behaviour == "co_repost":
        return event(account, seconds, "repost", target_post_id=f"p{k}")
    if behaviour == "co_link":
        url = f"https://EXAMPLE.com/story{k}/?utm_source=tw&id=1" if upper else f"https://example.com/story{k}?id=1#top"
        return event(account, seconds, urls=[url])
    if behaviour == "co_domain":
        return event(account, seconds, urls=[f"https://{'www.' if upper else ''}site{k}.org/{account}/{seconds}"])
    if behaviour == "co_hashtag":
        return event(account, seconds, hashtags=[f"Tag{k}" if upper else f"tag{k}"])
    if behaviour == "co_hashtag_seq":
        return event(account, seconds, hashtags=[f"one{k}", f"TWO{k}" if upper else f"two{k}"])
    if behaviour == "co_reply":
        return event(account, seconds, "reply", target_post_id=f"p{k}", target_account_id="author")
    if behaviour == "co_mention":
        return event(account, seconds, mentions=[f"Target{k}" if upper else f"target{k}"])
    if behaviour == "co_text":
        return event(account, seconds, text=f"{'VOTE' if upper else 'vote'}  for number {k} today @{account} https://t.co/{account}")
    if behaviour == "co_text_near":
        return event(account, seconds, text=f"{_SENTENCES[k]} {account}")
    if behaviour == "co_report":
        return event(account, seconds, "report", target_account_id=f"reported{k}")
    raise AssertionError(behaviour)


@pytest.fixture(scope="module")
def on_object(event):
    """``on_object(behaviour, k, account, seconds)``: see ``_on_object``."""
    return partial(_on_object, event)


# (object, account, seconds) and the edges a 60 s window must give with min_weight = 1.
SCENARIO = [
    (0, "a", 0), (0, "b", 59),                  # 59 s: pair
    (1, "a", 1000), (1, "c", 1060),             # exactly 60 s: pair (inclusive)
    (2, "a", 2000), (2, "d", 2061),             # 61 s: no pair
    (3, "b", 3000), (3, "c", 3000),             # equal timestamps: pair
    (4, "a", 4000), (4, "a", 4010),             # same account: never a pair
    (5, "b", 5000), (5, "d", 5061), (5, "c", 5121),  # chain: d-c 60 s pair, b-d 61 s and b-c 121 s not
    (6, "a", 6000), (6, "b", 6060.000001),      # one microsecond past the window: no pair
]
EXPECTED = {("a", "b"): 1, ("a", "c"): 1, ("b", "c"): 1, ("c", "d"): 1}


@pytest.mark.parametrize("behaviour", available_behaviours())
def test_window_boundaries(behaviour, on_object, database, edge_weights):
    con = database([on_object(behaviour, k, account, t) for k, account, t in SCENARIO])
    coaction_edges(con, window_seconds=60, min_weight=1, behaviours=(behaviour,), alpha=None)
    assert edge_weights(con) == EXPECTED
    # every edge has evidence naming its object and both events
    evidence = con.sql("SELECT a_account, b_account, object_id, a_event, b_event, dt_s FROM coaction_evidence").fetchall()
    assert {(a, b) for a, b, *_ in evidence} == set(EXPECTED)
    assert all(obj and ea and eb and 0 <= dt <= 60 for _, _, obj, ea, eb, dt in evidence)


@pytest.mark.parametrize("behaviour", available_behaviours())
def test_weight_counts_distinct_objects(behaviour, on_object, database, edge_weights):
    # a and b co-act on objects 0, 1 and 2 (twice on 2); c joins only object 0.
    rows = [on_object(behaviour, k, acc, 100_000 * k + dt) for k, acc, dt in
            [(0, "a", 0), (0, "b", 5), (0, "c", 30), (1, "a", 0), (1, "b", 60), (2, "a", 0), (2, "b", 1), (2, "b", 2)]]
    con = database(rows)
    coaction_edges(con, window_seconds=60, min_weight=2, behaviours=(behaviour,), alpha=None)
    assert edge_weights(con) == {("a", "b"): 3}
    assert con.sql("SELECT matched_pairs FROM coaction_edges").fetchall() == [(4,)]


def test_zero_window_pairs_only_equal_times(on_object, database, edge_weights):
    rows = [on_object("co_repost", 0, "a", 0), on_object("co_repost", 0, "b", 0),
            on_object("co_repost", 0, "c", 0.000001)]
    con = database(rows)
    coaction_edges(con, window_seconds=0, min_weight=1, behaviours=("co_repost",), alpha=None)
    assert edge_weights(con) == {("a", "b"): 1}


def test_url_hashtag_and_text_objects_pair_across_platforms_but_posts_do_not(event, database):
    rows = [
        event("a", 0, platform="x", urls=["https://news.example/a?utm_campaign=z"], hashtags=["Vote"],
              text="Same words on two networks"),
        event("b", 10, platform="mastodon", urls=["https://NEWS.example/a/"], hashtags=["vote"],
              text="same words on two  networks"),
        event("a", 20, "repost", platform="x", target_post_id="42"),
        event("b", 25, "repost", platform="mastodon", target_post_id="42"),
    ]
    con = database(rows)
    coaction_edges(con, window_seconds=60, min_weight=1, behaviours="all", alpha=None)
    found = con.sql("SELECT behaviour, a_platform, b_platform FROM coaction_edges ORDER BY behaviour").fetchall()
    assert found == [(b, "mastodon", "x") for b in
                     ["co_domain", "co_hashtag", "co_link", "co_text", "co_text_near"]]


def test_mention_maps_handles_and_reply_targets_to_one_account(event, database, edge_weights):
    rows = [
        event("a", 0, mentions=["@Victim"]),
        event("b", 30, "reply", target_post_id="p1", target_account_id="v1"),
        event("victim_self", 40, mentions=["victim"]),  # not the victim: a different account's post
    ]
    con = database(rows)
    con.execute("INSERT INTO accounts (platform, account_id, handle) VALUES ('x', 'v1', 'victim'), ('x', 'victim_self', 'self')")
    coaction_edges(con, window_seconds=60, min_weight=1, behaviours=("co_mention",), alpha=None)
    assert edge_weights(con) == {("a", "b"): 1, ("a", "victim_self"): 1, ("b", "victim_self"): 1}
    assert con.sql("SELECT DISTINCT object_id FROM coaction_evidence").fetchall() == [("x:@v1",)]


def test_short_texts_are_not_objects(event, database):
    rows = [event("a", 0, text="lol"), event("b", 1, text="LOL"), event("c", 2, text="ｌｏｌ")]
    con = database(rows)
    assert coaction_edges(con, window_seconds=60, min_weight=1, behaviours=("co_text",), alpha=None) == 0


def test_non_latin_texts_pair_after_nfkc_and_case_folding(event, database, edge_weights):
    rows = [event("a", 0, text="Голосуйте ЗА нашего кандидата!"), event("b", 5, text="голосуйте за нашего  кандидата!"),
            event("c", 9, text="请大家今天一起投票支持我们"), event("d", 12, text="请大家今天一起投票支持我们 @someone")]
    con = database(rows)
    coaction_edges(con, window_seconds=60, min_weight=1, behaviours=("co_text",), alpha=None)
    assert edge_weights(con) == {("a", "b"): 1, ("c", "d"): 1}
