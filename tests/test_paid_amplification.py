"""The paid-amplification detector on hand-made fixtures: every account feature against hand-computed values
(boundaries included), jobs, clients and client groups, the flag rule under partial participation, and the
hard negatives (a fan community, a newsroom, a scheduled brand, a hyperactive person) built by hand.

Clusters are written by hand into ``account_clusters`` (what the coordination detector would write), so these
tests exercise this detector alone; the generated end-to-end run is in test_paid_amplification_pipeline.py."""

from __future__ import annotations

from datetime import datetime

import pytest

from mobtrace.analysis.paid_amplification import account_features, build_paid_amplification, client_groups, pool_scores
from mobtrace.analysis.paid_amplification.params import PaidAmplificationParams

DAY = 86_400


def set_clusters(con, members: dict[str, int], platform: str = "x") -> None:
    """``account_clusters`` as the coordination detector writes it."""
    con.execute("CREATE OR REPLACE TABLE account_clusters (platform VARCHAR, account_id VARCHAR, cluster_id BIGINT, "
                "degree BIGINT, strength DOUBLE)")
    for account, cluster in members.items():
        con.execute("INSERT INTO account_clusters VALUES (?, ?, ?, 1, 1.0)", [platform, account, cluster])


def add_accounts(con, rows: list[dict]) -> None:
    for row in rows:
        con.execute("INSERT INTO accounts (platform, account_id, handle, display_name, created_at, followers, following) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [row.get("platform", "x"), row["account_id"], row.get("handle"), row.get("display_name"), row.get("created_at"),
                     row.get("followers"), row.get("following")])


def missing(value) -> bool:
    """NULL in the table: None, or NaN once pandas has it."""
    return value is None or value != value


def features(con, params: PaidAmplificationParams = PaidAmplificationParams()) -> dict[str, dict]:
    account_features(con, params)
    frame = con.sql("SELECT * FROM amplification_features").df()
    return {row["account_id"]: row for row in frame.to_dict("records")}


# --- account features ---------------------------------------------------------------------------------


def test_amplification_share_counts_reposts_likes_quotes_against_original_content(event, database):
    con = database([
        *[event("a", i, "repost", target_post_id=f"p{i}", target_account_id="z") for i in range(3)],
        event("a", 10, "like", target_post_id="p0", target_account_id="z"),
        event("a", 11, "quote", target_post_id="p1", target_account_id="z", text="look"),
        event("a", 12, "post", text="mine"), event("a", 13, "post", text="mine too"),
        event("a", 14, "reply", target_post_id="p2", target_account_id="z", text="hi"),
        event("a", 15, "follow", target_account_id="z"), event("a", 16, "report", target_account_id="z", text="spam"),
        event("b", 0, "follow", target_account_id="z"),
    ])
    set_clusters(con, {})
    got = features(con)
    # 5 amplifications (3 reposts, a like, a quote) against 3 originals (2 posts, a reply); follows and reports are neither
    assert (got["a"]["amplifications"], got["a"]["originals"], got["a"]["events"]) == (5, 3, 10)
    assert got["a"]["amplification_share"] == pytest.approx(5 / 8)
    assert missing(got["b"]["amplification_share"])   # no content: NULL


def test_reaction_latency_shares_median_and_spread_at_the_10_and_60_second_boundaries(event, database):
    rows = [event("author", 0, "post", event_id="orig", text="x")]
    for i, lag in enumerate([9.999, 10, 10.001, 60, 61]):
        rows.append(event(f"r{i}", 1, "post", event_id=f"own{i}", text="y"))  # unrelated
        rows.append(event("fast", lag, "repost" if i % 2 == 0 else "like", target_post_id="orig", event_id=f"s{i}"))
    rows += [
        event("fast", 100, "repost", target_post_id="not_in_export", target_account_id="someone"),   # original missing: unknown
        event("early", 0, "post", event_id="later_post", text="z"),
    ]
    rows.append(event("clock", -5, "repost", target_post_id="orig"))   # before the original: unknown, not negative
    con = database(rows)
    set_clusters(con, {})
    got = features(con)["fast"]
    assert got["latency_known"] == 5
    assert got["share_within_10s"] == pytest.approx(2 / 5)      # 9.999 and 10 (inclusive), not 10.001
    assert got["share_within_60s"] == pytest.approx(4 / 5)      # up to 60 inclusive, not 61
    assert got["latency_median_s"] == pytest.approx(10.001)
    # quartiles of (9.999, 10, 10.001, 60, 61): Q1 = 10, Q3 = 60 -> (60 - 10) / (60 + 10)
    assert got["latency_dispersion"] == pytest.approx(50 / 70)
    assert features(con)["clock"]["latency_known"] == 0
    # fewer than min_events known latencies: no spread
    assert missing(features(con, PaidAmplificationParams(min_events=6))["fast"]["latency_dispersion"])


def test_cadence_cv_and_hour_and_day_entropy(event, database):
    rows = [event("timer", t, "post", text="tick") for t in (0, 10, 20, 30, 40)]                 # gaps 10,10,10,10
    rows += [event("uneven", t, "post", text="tock") for t in (0, 10, 40, 50, 80)]               # gaps 10,30,10,30
    rows += [event("two_hours", t, "post", text="h") for t in (0, 60, 120, 180, 3600, 3660, 3720, 3780)]
    rows += [event("few", t, "post", text="f") for t in (0, 10, 20, 30)]                          # 4 events < min_events
    con = database(rows)
    set_clusters(con, {})
    got = features(con)
    assert got["timer"]["cadence_cv"] == pytest.approx(0.0)
    assert got["uneven"]["cadence_cv"] == pytest.approx(0.5)       # mean 20, population std 10
    assert got["two_hours"]["hour_entropy"] == pytest.approx(0.6931471805599453 / 3.1780538303479458)   # ln 2 / ln 24
    assert got["two_hours"]["day_entropy"] == pytest.approx(0.0)
    assert got["timer"]["hour_entropy"] == pytest.approx(0.0)
    assert missing(got["few"]["cadence_cv"]) and missing(got["few"]["hour_entropy"])


def test_distinct_authors_and_how_related_their_audiences_are(event, database):
    """m1 amplifies A (3 times), B (twice, original not in the export: the target account names the author), C once
    and itself. Audiences outside cluster 1: A {f1, f2, f3, f4 (a reply)}, B {f3, f4, f5}, C {f6}. Overlap of the
    smaller audience: A-B 2/3, A-C 0, B-C 0: mean 2/9."""
    rows = [event("A", 0, "post", event_id="a1", text="a"), event("A", 1, "post", event_id="a2", text="a"),
            event("C", 0, "post", event_id="c1", text="c"), event("m1", 0, "post", event_id="own", text="me")]
    rows += [event("m1", 10 + i, "repost", target_post_id=p) for i, p in enumerate(["a1", "a2"])]
    rows += [event("m1", 20, "like", target_post_id="a1")]
    rows += [event("m1", 30 + i, "repost", target_post_id=f"b{i}", target_account_id="B") for i in range(2)]
    rows += [event("m1", 40, "repost", target_post_id="c1"), event("m1", 41, "repost", target_post_id="own")]
    rows += [event("m2", 50, "like", target_post_id="a1"), event("m2", 51, "like", target_post_id="b0", target_account_id="B")]
    rows += [event(f, 60, "like", target_post_id="a2") for f in ("f1", "f2", "f3")]
    rows += [event("f4", 61, "reply", target_post_id="a2", target_account_id="A", text="hey")]
    rows += [event(f, 62, "repost", target_post_id="b1", target_account_id="B") for f in ("f3", "f4", "f5")]
    rows += [event("f6", 63, "like", target_post_id="c1")]
    con = database(rows)
    set_clusters(con, {"m1": 1, "m2": 1})
    got = features(con)
    assert got["m1"]["amplified_authors"] == 3             # A, B, C; not itself
    assert got["m1"]["author_overlap"] == pytest.approx(2 / 9)
    assert got["m2"]["author_overlap"] == pytest.approx(2 / 3)   # A and B only
    # computed for clustered accounts only
    assert missing(got["f3"]["author_overlap"])


def test_creation_batches_and_handle_patterns_inside_a_cluster(event, database):
    members = ["n1", "n2", "n3", "n4", "n5"]
    con = database([event(a, i, "post", text="p") for i, a in enumerate([*members, "loner"])])
    add_accounts(con, [
        {"account_id": "n1", "handle": "newsbot_1", "created_at": datetime(2020, 1, 1, 10, 15)},
        {"account_id": "n2", "handle": "newsbot_22", "created_at": datetime(2020, 1, 1, 10, 45)},
        {"account_id": "n3", "handle": "newsbox9", "created_at": datetime(2020, 1, 1, 23, 0)},
        {"account_id": "n4", "handle": "patriot_voice48213", "created_at": datetime(2019, 5, 5)},
        {"account_id": "n5", "handle": "maria1987", "created_at": None},
        {"account_id": "loner", "handle": "sunny12345", "created_at": datetime(2020, 1, 1, 10, 20)},
    ])
    set_clusters(con, {a: 1 for a in members})
    got = features(con)
    assert [got[a]["created_same_hour"] for a in ("n1", "n2", "n3", "n4")] == [1, 1, 0, 0]
    assert [got[a]["created_same_day"] for a in ("n1", "n2", "n3", "n4")] == [2, 2, 2, 0]
    assert missing(got["n5"]["created_same_day"])
    # outside a cluster there is no batch to be in (the loner was created in n1's hour)
    assert missing(got["loner"]["created_same_hour"])
    # long digit suffix: 5 digits after a letter; a year (4 digits) is not one
    assert [bool(got[a]["handle_digit_suffix"]) for a in ("n4", "n5", "loner", "n1")] == [True, False, True, False]
    # stems newsbot, newsbot, newsbox share "newsb"; newsbot / newsbox are one edit apart
    assert [got[a]["handle_prefix_mates"] for a in ("n1", "n2", "n3", "n4")] == [2, 2, 2, 0]
    assert [got[a]["handle_edit_mates"] for a in ("n1", "n2", "n3", "n4")] == [2, 2, 2, 0]
    tight = features(con, PaidAmplificationParams(max_handle_edits=0))
    assert [tight[a]["handle_edit_mates"] for a in ("n1", "n3")] == [1, 0]


def test_profiles_where_the_export_has_them(event, database):
    con = database([event(a, i, "post", text="p") for i, a in enumerate(["empty", "same", "named", "skewed", "edge", "few", "bare"])]
                   + [event("tg", 0, "post", platform="telegram", text="p")])
    add_accounts(con, [
        {"account_id": "empty", "handle": "empty", "display_name": " "},
        {"account_id": "same", "handle": "Same_One", "display_name": "same_one"},
        {"account_id": "named", "handle": "named", "display_name": "Jane Doe"},
        {"account_id": "skewed", "handle": "skewed", "display_name": "S", "followers": 10, "following": 100},
        {"account_id": "edge", "handle": "edge", "display_name": "E", "followers": 11, "following": 100},
        {"account_id": "few", "handle": "few", "display_name": "F", "followers": 0, "following": 99},
        {"platform": "telegram", "account_id": "tg", "handle": "tg", "display_name": None},
    ])
    set_clusters(con, {})
    got = features(con)
    assert [bool(got[a]["default_profile"]) for a in ("empty", "same", "named")] == [True, True, False]
    assert missing(got["bare"]["default_profile"])                     # no accounts row
    assert missing(got["tg"]["default_profile"])                       # a platform whose export has no display names
    assert got["skewed"]["follower_ratio"] == pytest.approx(0.1)
    assert [bool(got[a]["skewed_ratio"]) for a in ("skewed", "edge", "few")] == [True, False, False]   # 10x and >= 100 following


# --- jobs, clients, pools --------------------------------------------------------------------------------


def pool_events(event, members, clients, posts_per_client=3, lag=6.0, start=0.0, readers=3, joins=None):
    """Clients post ``posts_per_client`` posts a day apart, each liked by ``readers`` readers of its own an hour
    later; every member (or ``joins[member]``: the posts it joins) reposts each post ``lag`` + its index seconds
    after it."""
    rows = []
    for c, client in enumerate(clients):
        for k in range(posts_per_client):
            t = start + (c * posts_per_client + k) * DAY
            post = f"{client}_p{k}"
            rows.append(event(client, t, "post", event_id=post, text=f"post {k}"))
            rows += [event(f"{client}_reader{r}", t + 3_600 + r, "like", target_post_id=post) for r in range(readers)]
            for m, member in enumerate(members):
                if joins is None or post in joins.get(member, ()):
                    rows.append(event(member, t + lag + m, "repost", target_post_id=post))
    return rows


def test_a_pool_serving_three_unrelated_clients_is_flagged_and_its_clients_are_beneficiaries(event, database):
    members = ["m0", "m1", "m2", "m3"]
    con = database(pool_events(event, members, ["c0", "c1", "c2"]))
    set_clusters(con, {m: 1 for m in members})
    assert build_paid_amplification(con) == (1, 4)
    assert con.sql("SELECT account_id FROM signal_beneficiaries WHERE group_key = 'pool-1' ORDER BY 1").fetchall() == [("c0",), ("c1",), ("c2",)]
    flagged = {a for (a,) in con.sql("SELECT account_id FROM account_signals WHERE signal = 'paid_amplification'").fetchall()}
    assert flagged == set(members)
    score, evidence, events = con.sql("SELECT score, evidence, events FROM account_signals WHERE account_id = 'm0'").fetchall()[0]
    assert evidence.startswith("Amplified 9 of the 9 posts that pool 1 (4 accounts) boosted for 3 unrelated client groups (c0, c1, c2)")
    assert "9 of its 9 reactions with a known original came within 60 s (median 6.0 s)" in evidence
    assert events == 9 and 0 < score <= 1
    assert con.sql("SELECT jobs, clients, client_groups, is_pool FROM amplification_pools").fetchall() == [(9, 3, 3, True)]


@pytest.mark.parametrize("members_on_post, amplifiers, is_job", [(2, 2, False), (3, 3, True), (3, 10, True), (3, 11, False)])
def test_a_job_needs_three_cluster_accounts_and_30_percent_of_the_amplifiers(event, database, members_on_post, amplifiers, is_job):
    members = ["m0", "m1", "m2"]
    rows = [event("c", 0, "post", event_id="p", text="t")]
    rows += [event(m, 5 + i, "repost", target_post_id="p") for i, m in enumerate(members[:members_on_post])]
    rows += [event(f"o{i}", 600 + i, "like", target_post_id="p") for i in range(amplifiers - members_on_post)]
    con = database(rows)
    set_clusters(con, {m: 1 for m in members})
    account_features(con)
    pool_scores(con)
    assert con.sql("SELECT count(*) FROM amplification_jobs").fetchall()[0][0] == int(is_job)


def test_the_clusters_own_posts_are_not_jobs(event, database):
    """A ring reposting its own members' posts: self-amplification, no clients."""
    members = ["r0", "r1", "r2", "r3"]
    con = database(pool_events(event, members, members[:3]))
    set_clusters(con, {m: 1 for m in members})
    assert build_paid_amplification(con) == (0, 0)
    assert con.sql("SELECT count(*) FROM amplification_jobs").fetchall()[0][0] == 0


def background(event, authors: int = 40, fans: int = 100) -> list[dict]:
    """The rest of the platform: ``authors`` other authors with a post each, and ``fans`` accounts that each like
    two of those posts (the typical account engages 2 authors), so that three clients are not the whole world."""
    rows = [event(f"other{a}", 20 * DAY + a, "post", event_id=f"other{a}_p", text="hello") for a in range(authors)]
    rows += [event(f"bg{i}", 20 * DAY + 60 + i + k, "like", target_post_id=f"other{(i + k) % authors}_p") for i in range(fans) for k in (0, 1)]
    return rows


def pool_with_audiences(event, database, audience: int, shared: int, shared_also_like: int = 0):
    """A pool of three serving c0, c1, c2 (``audience`` readers each); ``shared`` of c1's readers are c0's, and
    each of those also likes ``shared_also_like`` of the other authors' posts."""
    members = ["m0", "m1", "m2"]
    rows = pool_events(event, members, ["c0", "c1", "c2"], readers=0) + background(event)
    readers = {"c0": [f"r{i}" for i in range(audience)],
               "c1": [f"r{i}" for i in range(shared)] + [f"s{i}" for i in range(audience - shared)],
               "c2": [f"t{i}" for i in range(audience)]}
    for client, names in readers.items():
        rows += [event(name, 5 * DAY + i, "like", target_post_id=f"{client}_p0") for i, name in enumerate(names)]
    rows += [event(f"r{i}", 21 * DAY + i * 100 + a, "like", target_post_id=f"other{a}_p")
             for i in range(shared) for a in range(shared_also_like)]
    con = database(rows)
    set_clusters(con, {m: 1 for m in members})
    return con, build_paid_amplification(con)


@pytest.mark.parametrize("audience, shared, related", [(10, 2, False), (10, 3, True), (15, 3, False), (15, 4, True)])
def test_clients_sharing_enough_of_the_smaller_audience_are_one_group(event, database, audience, shared, related):
    """c0 and c1 have ``audience`` readers each (c2 its own), ``shared`` of them the same, readers of nobody else:
    related takes 3 shared accounts (2 of 10 is too few) and more than 20% of the smaller audience (3 of 15 is
    exactly 20%: too little)."""
    con, (pools, flagged) = pool_with_audiences(event, database, audience, shared)
    groups = dict(con.sql("SELECT account_id, client_group FROM amplification_clients").fetchall())
    assert (groups["c0"] == groups["c1"]) == related
    assert (pools, flagged) == ((0, 0) if related else (1, 3))     # two groups are fewer than min_client_groups


@pytest.mark.parametrize("also_like, related", [(0, True), (1, True), (2, False), (40, False)])
def test_readers_who_engage_everyone_do_not_relate_clients(event, database, also_like, related):
    """Four of c0's ten readers also read c1 and like ``also_like`` other authors' posts. The typical account of
    this platform engages 2 authors, so a shared reader counts min(1, 2 / (1 + also_like)): 4 readers weigh 4, 4,
    2.67 and 0.195, against the 3 that related takes (and more than 20% of 10)."""
    con, _ = pool_with_audiences(event, database, 10, 4, shared_also_like=also_like)
    shared, weighed, is_related = con.sql(
        "SELECT shared, weighed_shared, related FROM audience_pairs WHERE a_account = 'c0' AND b_account = 'c1'").fetchall()[0]
    assert shared == 4
    assert weighed == pytest.approx(4 * min(1, 2 / (1 + also_like)), abs=1e-4)
    assert is_related == related


def test_clients_too_small_to_compare_count_as_one_group(event, database):
    """Three clients nobody outside the cluster engages with (a ring's sock puppets): not unrelated customers."""
    members = ["m0", "m1", "m2"]
    con = database(pool_events(event, members, ["c0", "c1", "c2"], readers=2))
    set_clusters(con, {m: 1 for m in members})
    assert build_paid_amplification(con) == (0, 0)
    assert con.sql("SELECT count(DISTINCT client_group) FROM amplification_clients").fetchall() == [(1,)]


def test_client_groups_are_numbered_per_cluster():
    assert client_groups([(1, "x", "b"), (1, "x", "a")], []) == {(1, "x", "a"): 1, (1, "x", "b"): 2}


def test_partial_participation_flags_after_three_jobs_for_two_client_groups(event, database):
    """Rotating accounts: m3 joins three jobs of two clients (flagged, a lower score), m4 two jobs (not), m5 three
    jobs of one client (not). The clients' other posts go unboosted."""
    core = ["m0", "m1", "m2"]
    posts = {c: [f"{c}_p{k}" for k in range(3)] for c in ("c0", "c1", "c2")}
    everything = [p for ps in posts.values() for p in ps]
    joins = {**{m: everything for m in core}, "m3": ["c0_p0", "c0_p1", "c1_p0"], "m4": ["c0_p0", "c1_p0"], "m5": posts["c2"]}
    rows = pool_events(event, [*core, "m3", "m4", "m5"], list(posts), joins=joins)
    rows += [event(c, 20 * DAY, "post", event_id=f"{c}_organic", text="unboosted") for c in posts]
    con = database(rows)
    set_clusters(con, {m: 1 for m in joins})
    build_paid_amplification(con)
    scores = dict(con.sql("SELECT account_id, score FROM account_signals WHERE signal = 'paid_amplification'").fetchall())
    assert set(scores) == {"m0", "m1", "m2", "m3"}
    assert scores["m3"] < scores["m0"]
    reason = con.sql("SELECT reason FROM signal_beneficiaries WHERE account_id = 'c0'").fetchall()[0][0]
    assert reason.startswith("Boosted by pool 1 (6 accounts): 3 of its 4 posts in the export")


# --- hard negatives, by hand -------------------------------------------------------------------------------


def test_a_fan_community_reposting_a_celebrity_and_her_bandmates_is_not_a_pool(event, database):
    """Twelve fans repost a celebrity and two bandmates within seconds; one fandom of 20 also likes all three:
    their audiences overlap, one client group."""
    fans = [f"fan{i}" for i in range(12)]
    rows = pool_events(event, fans, ["idol", "bandmate1", "bandmate2"], posts_per_client=4, lag=3, readers=0)
    rows += [event(f"fandom{i}", 30 * DAY + i, "like", target_post_id=f"{idol}_p{i % 4}")
             for idol in ("idol", "bandmate1", "bandmate2") for i in range(20)]
    con = database(rows)
    set_clusters(con, {f: 1 for f in fans})
    assert build_paid_amplification(con) == (0, 0)
    clients, groups, reason = con.sql("SELECT clients, client_groups, reason FROM amplification_pools").fetchall()[0]
    assert (clients, groups) == (3, 1) and "not a for-hire pool" in reason
    assert con.sql("SELECT count(*) FROM signal_beneficiaries").fetchall()[0][0] == 0


def test_a_newsroom_sharing_its_own_links_is_not_a_pool(event, database):
    """Journalists repost the outlet's three accounts within a minute and post the same links themselves; one
    readership engages with all three accounts."""
    staff = ["j0", "j1", "j2", "j3"]
    outlets = ["outlet", "outlet_sport", "outlet_politics"]
    rows = pool_events(event, staff, outlets, posts_per_client=3, lag=40, readers=0)
    rows += [event(j, k * DAY + 600, "post", text="my article", urls=[f"https://news.example.com/{k}"]) for k in range(9) for j in staff]
    rows += [event(f"reader{i}", 40 * DAY + i, "like", target_post_id=f"{o}_p{i % 3}") for o in outlets for i in range(15)]
    con = database(rows)
    set_clusters(con, {j: 1 for j in staff})
    assert build_paid_amplification(con) == (0, 0)


def test_a_scheduled_brand_and_a_hyperactive_person_are_not_flagged(event, database):
    """A brand posting at 09:00 and 17:30 every day (a machine's rhythm) and a person reposting 200 posts of 200
    authors at all hours: neither is in a co-action cluster, so neither is a pool's member, whatever its features."""
    rows = [event("brand", d * DAY + h, "post", text="sale", urls=["https://shop.example.com/x"]) for d in range(30) for h in (32_400, 63_000)]
    rows += [event(f"author{i}", i * 3_613, "post", event_id=f"q{i}", text="t") for i in range(200)]
    rows += [event("human", i * 3_613 + 60 + (i * 7_919) % 20_000, "repost", target_post_id=f"q{i}") for i in range(200)]
    con = database(rows)
    set_clusters(con, {})
    got = features(con)
    assert got["brand"]["hour_entropy"] < 0.3 and got["brand"]["amplification_share"] == 0
    assert got["human"]["amplification_share"] == 1 and got["human"]["amplified_authors"] == 200
    assert build_paid_amplification(con) == (0, 0)
