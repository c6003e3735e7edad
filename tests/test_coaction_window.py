"""Co-repost edges: the inclusive window on its boundaries, and the bucketed join against brute force."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobtrace.analysis.coordination.coaction import coaction_edges
from mobtrace.analysis.ingest import ingest_paths

T0 = 1_740_830_400  # 2025-03-01 12:00:00 UTC


def _edges(con) -> list[tuple]:
    return con.sql("SELECT a_account, b_account, weight FROM coaction_edges ORDER BY ALL").fetchall()


@pytest.mark.parametrize(("gap", "paired"), [(59, True), (60, True), (60.000001, False), (61, False), (0, True)])
def test_window_is_inclusive_to_the_microsecond(con, write_csv, repost, gap, paired):
    ingest_paths(con, [write_csv([repost("1", "a", "p", T0), repost("2", "b", "p", T0 + gap)])])
    coaction_edges(con, behaviours=("co_repost",), window_seconds=60, min_weight=1)
    assert _edges(con) == ([("a", "b", 1)] if paired else [])


def test_pairs_straddling_a_bucket_boundary_are_found(con, write_csv, repost):
    # buckets are one window wide: 119.5 s and 120.5 s fall in different buckets but 1 s apart
    ingest_paths(con, [write_csv([repost("1", "a", "p", T0 + 119.5), repost("2", "b", "p", T0 + 120.5)])])
    coaction_edges(con, behaviours=("co_repost",), window_seconds=60, min_weight=1)
    assert _edges(con) == [("a", "b", 1)]


def test_same_account_twice_is_not_a_pair_and_other_posts_do_not_mix(con, write_csv, repost):
    ingest_paths(con, [write_csv([
        repost("1", "a", "p", T0), repost("2", "a", "p", T0 + 1),   # same account
        repost("3", "b", "q", T0 + 2),                               # other post
        repost("4", "c", "p", T0 + 200, platform="y"),              # same post id, other platform
    ])])
    coaction_edges(con, behaviours=("co_repost",), window_seconds=60, min_weight=1)
    assert _edges(con) == []


def test_weight_counts_distinct_posts_and_threshold_is_inclusive(con, write_csv, repost):
    rows = []
    for n, post in enumerate(["p1", "p2", "p3"]):
        rows += [repost(f"a{n}", "a", post, T0 + 1000 * n), repost(f"b{n}", "b", post, T0 + 1000 * n + 5),
                 repost(f"b{n}x", "b", post, T0 + 1000 * n + 6)]  # a second repost of the same post adds no weight
    rows += [repost("c0", "c", "p1", T0 + 3), repost("c1", "c", "p2", T0 + 1003)]
    ingest_paths(con, [write_csv(rows)])
    coaction_edges(con, behaviours=("co_repost",), window_seconds=60, min_weight=3)
    assert _edges(con) == [("a", "b", 3)]
    coaction_edges(con, behaviours=("co_repost",), window_seconds=60, min_weight=2)
    assert _edges(con) == [("a", "b", 3), ("a", "c", 2), ("b", "c", 2)]


def test_evidence_lists_the_matched_pairs_closest_first(con, write_csv, repost):
    ingest_paths(con, [write_csv([repost("a1", "a", "p1", T0), repost("b1", "b", "p1", T0 + 30),
                                  repost("a2", "a", "p2", T0 + 500), repost("b2", "b", "p2", T0 + 502)])])
    coaction_edges(con, behaviours=("co_repost",), window_seconds=60, min_weight=2, evidence_per_edge=1)
    assert con.sql("SELECT object_id, a_event, b_event, dt_s FROM coaction_evidence").fetchall() == [("x:p2", "a2", "b2", 2.0)]
    assert con.sql("SELECT matched_pairs, median_dt_s FROM coaction_edges").fetchall() == [(2, 16.0)]


def _brute_force(rows: list[tuple[str, str, int]], window_ms: int, min_weight: int) -> list[tuple[str, str, int]]:
    shared: dict[tuple[str, str], set[str]] = {}
    for (a, post_a, t_a), (b, post_b, t_b) in itertools.combinations(rows, 2):
        if a != b and post_a == post_b and abs(t_a - t_b) <= window_ms:
            shared.setdefault(tuple(sorted((a, b))), set()).add(post_a)
    return sorted((a, b, len(posts)) for (a, b), posts in shared.items() if len(posts) >= min_weight)


@settings(max_examples=35, deadline=None)  # each example is a whole ingest and co-action run
@given(
    rows=st.lists(
        st.tuples(st.sampled_from("abcdef"), st.sampled_from(["p", "q", "r"]), st.integers(0, 400_000)),
        max_size=60,
    ),
    window_ms=st.sampled_from([0, 1_000, 60_000, 90_500]),
    min_weight=st.integers(1, 2),
)
def test_bucketed_join_equals_brute_force(tmp_path_factory, generic_columns, rows, window_ms, min_weight):
    from mobtrace.analysis.ingest import connect
    import csv

    path = tmp_path_factory.mktemp("bf") / "in.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=generic_columns, extrasaction="ignore")
        writer.writeheader()
        for n, (account, post, t_ms) in enumerate(rows):
            writer.writerow({"platform": "x", "event_id": str(n), "account_id": account, "action": "repost",
                             "timestamp": str(T0 * 1000 + t_ms), "target_post_id": post})
    con = connect(":memory:")
    ingest_paths(con, [path])
    coaction_edges(con, behaviours=("co_repost",), window_seconds=window_ms / 1000, min_weight=min_weight)
    assert _edges(con) == _brute_force(rows, window_ms, min_weight)
