"""Organic followings (analysis/coordination/signal.py): a cluster that co-reposted nothing but the posts of
one audience's authors, at a person's pace, with accounts created over years, is kept as a cluster but not
flagged; each condition is shown failing on its own, at its boundary."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from mobtrace.analysis.coordination import build_account_clusters, build_coaction_edges
from mobtrace.analysis.coordination.params import ClusterParams, CoactionParams

HOUR = 3_600
FANS = [f"fan{i}" for i in range(5)]
SPREAD_LAGS = (20, 34, 48, 62, 76)   # 14 s apart: no two fans within 10 s
CREATED_YEARS_APART = [datetime(2010 + 3 * i, 5, 1) for i in range(5)]


def following_rows(event, *, lags=SPREAD_LAGS, readers: int = 8, authors=("idol", "bandmate"), shared_readers: bool = True):
    """Each author posts 3 posts, an hour apart; every fan reposts each one ``lags[i]`` seconds after it; ``readers``
    accounts like every post of each author a day later (the same readers for all authors, or each author its own)."""
    rows = []
    for a, author in enumerate(authors):
        for k in range(3):
            t = (3 * a + k) * HOUR
            post = f"{author}_p{k}"
            rows.append(event(author, t, "post", event_id=post, text="new single out now"))
            rows += [event(fan, t + lag, "repost", target_post_id=post) for fan, lag in zip(FANS, lags)]
            names = [f"reader{r}" if shared_readers else f"{author}_reader{r}" for r in range(readers)]
            rows += [event(name, t + 86_400 + r, "like", target_post_id=post) for r, name in enumerate(names)]
    return rows


def analyse(database, rows, created=CREATED_YEARS_APART, minute_stamped: bool = False):
    con = database(rows)
    for fan, when in zip(FANS, created):
        con.execute("INSERT INTO accounts (platform, account_id, handle, created_at) VALUES ('x', ?, ?, ?)", [fan, fan, when])
    con.execute("INSERT INTO time_resolution VALUES ('fixture', ?, ?, ?)", [len(rows), minute_stamped, 60 if minute_stamped else 0])
    build_coaction_edges(con, CoactionParams(behaviours=("co_repost",), alpha=None))
    assert build_account_clusters(con, ClusterParams())[0] == 1, "the fans must form one cluster for the rule to apply"
    return con


def flagged(con) -> set[str]:
    return {a for (a,) in con.sql("SELECT account_id FROM account_signals WHERE signal = 'coordination'").fetchall()}


def verdict(con) -> tuple[bool, str]:
    return con.sql("SELECT is_following, reason FROM coordination_followings").fetchall()[0]


def test_a_fan_following_of_one_audience_is_kept_as_a_cluster_but_not_flagged(event, database):
    con = analyse(database, following_rows(event))
    assert flagged(con) == set()
    is_following, reason = verdict(con)
    assert is_following
    assert reason.startswith("Cluster 1 (5 accounts) co-reposted nothing but 6 posts of bandmate, idol, who share one audience of 8 accounts")
    assert "0% of its co-reposts came within 10 s" in reason and "created over 6.0 years" in reason and reason.endswith("not flagged.")


@pytest.mark.parametrize("lags, is_following", [((20, 25, 30, 60, 65), True), ((20, 25, 30, 35, 70), False)])
def test_a_machine_pace_is_no_following(event, database, lags, is_following):
    """Of the 10 fan pairs (all within the 60 s window), 4 are 10 s apart or less in the first case (0.4), 5 in
    the second (0.5, the boundary, which is a machine's pace)."""
    con = analyse(database, following_rows(event, lags=lags))
    assert verdict(con)[0] is is_following
    assert (flagged(con) == set()) is is_following
    if not is_following:
        assert "50% of its co-reposts came within 10 s of each other, a machine's pace: flagged." in verdict(con)[1]


@pytest.mark.parametrize("days_apart, is_following", [(timedelta(days=15), True), (timedelta(days=14, hours=23), False)])
def test_accounts_created_in_a_batch_are_no_following(event, database, days_apart, is_following):
    """Created ``days_apart`` apart one after another: the middle half spans twice that, 30 days at the boundary."""
    created = [datetime(2024, 1, 1) + i * days_apart for i in range(5)]
    con = analyse(database, following_rows(event), created=created)
    assert verdict(con)[0] is is_following
    assert (flagged(con) == set()) is is_following


@pytest.mark.parametrize("readers, is_following", [(5, True), (4, False)])
def test_authors_need_an_audience_as_large_as_the_cluster(event, database, readers, is_following):
    con = analyse(database, following_rows(event, readers=readers))
    assert verdict(con)[0] is is_following
    if not is_following:
        assert "the authors it pushed have an audience of 4 accounts outside it, fewer than its 5 members: flagged." in verdict(con)[1]


def test_a_cluster_pushing_unrelated_authors_is_flagged(event, database):
    """The idol's readers and the other author's are different people: two audiences, not one following."""
    con = analyse(database, following_rows(event, shared_readers=False))
    assert flagged(con) == set(FANS)
    assert "it pushed 2 authors whose audiences are unrelated: flagged." in verdict(con)[1]


def test_a_cluster_pushing_its_own_members_posts_is_flagged(event, database):
    con = analyse(database, following_rows(event, authors=("fan0", "idol")))
    assert flagged(con) == set(FANS)
    assert "1 of the authors it pushed are its own members" in verdict(con)[1]


def test_minute_stamped_times_cannot_show_a_persons_pace(event, database):
    con = analyse(database, following_rows(event), minute_stamped=True)
    assert flagged(con) == set(FANS)
    assert "its times are to the minute, so its pace cannot be told from a person's: flagged." in verdict(con)[1]
