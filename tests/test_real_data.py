"""What a first run on real exports got wrong (issue: real exports, real answers), each reproduced with a
small hand-made fixture of the same shape."""

from __future__ import annotations

import networkx as nx
import pytest

from mobtrace.analysis.coordination import build_account_clusters, build_coaction_edges
from mobtrace.analysis.coordination.clusters import louvain_clusters
from mobtrace.analysis.coordination.params import ClusterParams, CoactionParams

# --- strong pairs: two accounts with overwhelming evidence are flagged though no third joins them ------------


@pytest.mark.parametrize("p_value, kept", [(1e-8, True), (1.1e-8, False), (None, False)], ids=["at", "above", "no test"])
def test_a_pair_is_kept_when_its_tie_is_strong_enough(p_value, kept):
    graph = nx.Graph()
    graph.add_edge(("x", "a"), ("x", "b"), weight=30.0, p_value=p_value)
    graph.add_edge(("x", "c"), ("x", "d"), weight=3.0, p_value=0.5)
    assert louvain_clusters(graph, seed=1, strong_pair_p=1e-8) == ([[("x", "a"), ("x", "b")]] if kept else [])


def _posts(database, event, rng_seed: int = 5):
    import random

    rng = random.Random(rng_seed)
    rows = []
    for n in range(32):  # two accounts post the same 32 texts, seconds apart
        text = f"template attack number {n} against her, share everywhere"
        rows += [event("pair_a", 3600 * n, "post", text=text), event("pair_b", 3600 * n + 4, "post", text=text)]
    for k in range(40):  # others post their own texts at random times
        rows += [event(f"other{k}", rng.uniform(0, 32 * 3600), "post", text=f"my own words {k} {j}") for j in range(8)]
    return database(rows)


def test_two_accounts_with_32_identical_texts_are_flagged_as_a_pair(database, event):
    con = _posts(database, event)
    build_coaction_edges(con, CoactionParams(behaviours=("co_text",)))
    build_account_clusters(con, ClusterParams())
    flagged = con.sql("SELECT account_id, evidence FROM account_signals ORDER BY account_id").fetchall()
    assert [account for account, _ in flagged] == ["pair_a", "pair_b"]
    assert "32 of its 32 posts (100%)" in flagged[0][1] and "2 accounts" in flagged[0][1]
    ((p_value,),) = con.sql("SELECT p_value FROM coordination_graph").fetchall()
    assert p_value < 1e-8


# --- the ringleader: the author a cluster amplifies is flagged; a client with an audience of its own is not ---


def _ring_with_authors(database, event, client_fans: int):
    """Four ring members repost, 5-20 s after publication, every post of 'leader' (6 posts) and of 'client'
    (6 posts); ``client_fans`` outside accounts also like and repost the client's posts, nobody else
    touches the leader's."""
    rows = []
    for n in range(6):
        for author, at in (("leader", 7200 * n), ("client", 7200 * n + 3600)):
            post = f"{author}-post{n}"
            rows.append(event(author, at, "post", event_id=post, text=f"{author} says {n}"))
            rows += [event(f"ring{m}", at + 5 + 5 * m, "repost", target_post_id=post, target_account_id=author) for m in range(4)]
        rows += [event(f"fan{f}", 7200 * n + 3600 + 900 + f, "like", target_post_id=f"client-post{n}") for f in range(client_fans)]
    rows += [event("fan0", 7200 * n + 3600 + 1200, "repost", target_post_id=f"client-post{n}") for n in range(client_fans and 2)]
    return database(rows)


def _flags(con):
    build_coaction_edges(con, CoactionParams(behaviours=("co_repost",), alpha=None, min_weight=3))
    build_account_clusters(con, ClusterParams())
    return dict(con.sql("SELECT account_id, evidence FROM account_signals").fetchall())


def test_the_author_a_ring_amplifies_is_its_originator(database, event):
    flags = _flags(_ring_with_authors(database, event, client_fans=0))
    assert {"ring0", "ring1", "ring2", "ring3"} <= set(flags)
    assert "leader" in flags
    assert flags["leader"].startswith("100% of the reposts of its posts (24 of 24) came from cluster 1 (4 accounts) within 60 s")
    assert "0 of the 4 accounts that engaged with its posts are outside coordinated clusters" in flags["leader"]


def test_a_client_with_an_audience_of_its_own_is_a_beneficiary_not_an_originator(database, event):
    flags = _flags(_ring_with_authors(database, event, client_fans=3))
    assert "leader" in flags and "client" not in flags  # 3 of 7 engagers are outside: an audience of its own


@pytest.mark.parametrize("client_fans", [1, 2])
def test_even_a_small_audience_of_its_own_makes_a_beneficiary(database, event, client_fans):
    assert "client" not in _flags(_ring_with_authors(database, event, client_fans=client_fans))


@pytest.mark.parametrize("posts, flagged", [(2, False), (3, True)])
def test_an_originator_needs_its_minimum_of_amplified_posts(database, event, posts, flagged):
    rows = []
    for n in range(posts):
        rows.append(event("leader", 7200 * n, "post", event_id=f"p{n}"))
        rows += [event(f"ring{m}", 7200 * n + 10 + m, "repost", target_post_id=f"p{n}") for m in range(4)]
    for n in range(3):  # the ring's own co-reposts of another post, so it is a cluster whatever `posts` is
        rows += [event(f"ring{m}", 100_000 + 3600 * n + m, "repost", target_post_id=f"other{n}") for m in range(4)]
    assert ("leader" in _flags(database(rows))) == flagged


# --- data sets where every account is a suspect: the user may switch the null model off -------------------


def _busy_posts(database, event):
    """30 accounts that all repost the same 12 posts within a minute: in a takedown release this is the
    operation itself. Posts of that size elsewhere in the release are just as bursty (each reposted by 30
    other accounts within a minute), so the null model calls the operation's synchrony chance."""
    import random

    rng = random.Random(2)
    rows = []
    for n in range(12):
        rows += [event(f"op{m}", 3600 * n + rng.uniform(0, 50), "repost", target_post_id=f"p{n}") for m in range(30)]
    for n in range(40):
        rows += [event(f"crowd{n}-{m}", 7200 * n + rng.uniform(0, 50), "repost", target_post_id=f"q{n}") for m in range(30)]
    return database(rows)


@pytest.mark.parametrize("null_model", [True, False])
def test_the_null_model_can_be_switched_off_for_all_suspect_data(database, event, null_model):
    con = _busy_posts(database, event)
    build_coaction_edges(con, CoactionParams(behaviours=("co_repost",), null_model=null_model))
    ((edges, significant, tested),) = con.sql(
        "SELECT count(*), count(*) FILTER (WHERE significant), count(p_value) FROM coaction_edges").fetchall()
    assert edges == 435  # all 30 * 29 / 2 pairs co-reposted 12 posts
    if null_model:
        assert tested == edges and significant == 0  # every post is this busy: chance, says the model
    else:
        assert tested == 0  # no test: every edge is kept, ranked by weight
    build_account_clusters(con, ClusterParams())
    ((flagged,),) = con.sql("SELECT count(*) FROM account_signals").fetchall()
    assert flagged == (0 if null_model else 30)


@pytest.mark.parametrize("null_model, said", [(True, "--no-null-model</code>, which keeps every tie"),
                                              (False, "null model was switched off")])
def test_the_methods_text_says_what_the_null_model_does_with_all_suspect_data(null_model, said):
    from mobtrace.analysis.ingest import connect
    from mobtrace.dashboards.coordination import SIGNAL_REPORT

    con = connect(":memory:")
    con.execute("CREATE TABLE coaction_windows_used (behaviour VARCHAR, auto BOOLEAN, objects BIGINT, "
                "min_window_s DOUBLE, median_window_s DOUBLE, max_window_s DOUBLE)")
    text = " ".join(SIGNAL_REPORT.methods(con, {"coaction_edges": {"null_model": null_model}}).split())
    assert said in text and "takedown release" in text


# --- the report shows what was pushed, and names the central accounts in the printed network ---------------


def test_the_section_lists_the_matched_texts_and_names_central_accounts(hostile_con):
    import json

    from mobtrace.dashboards.coordination import SIGNAL_REPORT
    from mobtrace.dashboards.html import Figures, esc

    (campaign_id,) = hostile_con.execute(
        "SELECT campaign_id FROM campaigns WHERE list_contains(signals, 'coordination') ORDER BY campaign_id LIMIT 1").fetchall()[0]
    figures = Figures()
    html = SIGNAL_REPORT.section(hostile_con, campaign_id, figures)
    pushed = html[html.index("What they pushed together"):html.index("Strongest ties")]
    objects = hostile_con.execute(
        """SELECT count(DISTINCT object_id) FROM coaction_evidence AS v
           JOIN campaign_accounts AS c ON c.platform = v.a_platform AND c.account_id = v.a_account
           WHERE c.campaign_id = ?""", [campaign_id]).fetchall()[0][0]
    assert objects > 0 and pushed.count("<tr>") == min(objects, 15) + 1  # header + one row per matched object
    network = json.loads(str(figures.blocks[0].json).replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&"))
    accounts = [trace for trace in network["data"] if trace.get("mode") == "markers+text"]
    nodes = sum(len(trace["x"]) for trace in accounts)
    labels = [label for trace in accounts for label in trace["text"] if label]
    assert nodes > 0 and len(labels) == min(12, nodes)  # the most strongly tied accounts are named when printed
    handles = {f"@{handle}" for (handle,) in hostile_con.execute(
        "SELECT handle FROM flagged_accounts WHERE campaign_id = ? AND handle IS NOT NULL", [campaign_id]).fetchall()}
    assert set(labels) <= {esc(h) for h in handles} | {account for (account,) in hostile_con.execute(
        "SELECT account_id FROM flagged_accounts WHERE campaign_id = ?", [campaign_id]).fetchall()}


# --- bystanders: amplifying an outsider's post that mentions someone is not going after that person --------


def _amplified_mentions(database, event, author_in_group: bool):
    """'author' posts 4 texts mentioning 'bystander'; the three group members repost each one."""
    rows = []
    for n in range(4):
        rows.append(event("author", 3600 * n, "post", event_id=f"post{n}", text=f"thanks @bystander {n}", mentions=["bystander"]))
        rows += [event(f"member{m}", 3600 * n + 10 + m, "repost", target_post_id=f"post{n}", target_account_id="author")
                 for m in range(3)]
    rows += [event(f"person{k}", 60 * k, "post", text="an ordinary day") for k in range(40)]  # the rest of the platform
    con = database(rows)
    from mobtrace.analysis.signals import create_signals_table

    create_signals_table(con)
    group = ["member0", "member1", "member2", *(["author"] if author_in_group else [])]
    con.executemany("INSERT INTO account_signals (signal, platform, account_id, group_key, score, evidence) "
                    "VALUES ('coordination', 'x', ?, 'cluster-1', 0.9, 'test')", [[account] for account in group])
    return con


@pytest.mark.parametrize("author_in_group, is_target", [(False, False), (True, True)],
                         ids=["a client's post: bystander", "the group's own attack post: target"])
def test_a_target_needs_the_groups_own_posts_or_actions(database, event, author_in_group, is_target):
    from mobtrace.analysis.campaigns import fuse_campaigns

    con = _amplified_mentions(database, event, author_in_group)
    fuse_campaigns(con)
    targets = [account for (account,) in con.sql("SELECT account_id FROM campaign_targets").fetchall()]
    assert targets == (["bystander"] if is_target else [])
    aimed = con.sql("SELECT count(*) FROM campaign_target_events").fetchall()[0][0]
    assert aimed == (4 + 12 if is_target else 0)  # the 4 posts mentioning it and the 12 reposts of them


# --- hubs: an account the whole platform engages with is no evidence of a shared victim ---------------------


def _two_groups_and_a_hub(database, event, hub_fans: int, share_button: bool = False):
    """Two groups of three (flagged) each mention 'star' in all their posts; ``hub_fans`` of 60 other accounts
    mention 'star' too. With ``share_button`` the mention is "via @star" share-button text."""
    rows = []
    text = "watch this via @star" if share_button else "look at @star"
    for group in ("a", "b"):
        rows += [event(f"{group}{m}", 600 * n + m, "post", text=text, mentions=["star"]) for m in range(3) for n in range(3)]
    rows += [event(f"person{k}", 60 * k, "post", text="look at @star" if k < hub_fans else "hello", mentions=["star"] if k < hub_fans else [])
             for k in range(60)]
    con = database(rows)
    from mobtrace.analysis.signals import create_signals_table

    create_signals_table(con)
    con.executemany("INSERT INTO account_signals (signal, platform, account_id, group_key, score, evidence) "
                    "VALUES ('coordination', 'x', ?, ?, 0.9, 'test')", [[f"{g}{m}", f"cluster-{g}"] for g in "ab" for m in range(3)])
    return con


@pytest.mark.parametrize("hub_fans, share_button, joined", [
    (0, False, True),    # a victim only these groups go after: all their members, no outsider ...
    (30, False, False),  # ... a hub 30 of the 60 outsiders mention too: lift 2, no shared victim
    (0, True, False),    # "via @star" is a share button's text, not a mention
], ids=["victim", "hub", "share button"])
def test_groups_are_joined_through_a_specific_target_only(database, event, hub_fans, share_button, joined):
    from mobtrace.analysis.campaigns import fuse_campaigns

    con = _two_groups_and_a_hub(database, event, hub_fans, share_button)
    fuse_campaigns(con)
    campaigns = con.sql("SELECT count(*) FROM campaigns").fetchall()[0][0]
    targets = con.sql("SELECT DISTINCT account_id, lift FROM campaign_targets").fetchall()
    assert campaigns == (1 if joined else 2)
    assert targets == ([] if share_button else [("star", None if joined else 2.0)])  # a hub stays listed, with its lift


def test_a_campaign_of_many_joins_reads_as_a_summary(database, event):
    from mobtrace.analysis.campaigns import fuse_campaigns

    rows = [event(f"g{g}m{m}", 60 * g + m, "post", text="look at @victim", mentions=["victim"]) for g in range(8) for m in range(3)]
    rows += [event(f"person{k}", 60 * k, "post", text="hello") for k in range(400)]
    con = database(rows)
    from mobtrace.analysis.signals import create_signals_table

    create_signals_table(con)
    con.executemany("INSERT INTO account_signals (signal, platform, account_id, group_key, score, evidence) "
                    "VALUES ('coordination', 'x', ?, ?, 0.9, 'test')", [[f"g{g}m{m}", f"cluster-{g}"] for g in range(8) for m in range(3)])
    fuse_campaigns(con)
    ((reasons,),) = con.sql("SELECT reasons FROM campaigns").fetchall()
    joins = [reason for reason in reasons if reason.startswith("Groups ")]
    assert len(joins) == 5 and reasons[-1] == "And 23 more joins of groups: shared_target 23."  # 8 * 7 / 2 = 28 joins


# --- one burst split in two: Louvain cuts a densely tied set of accounts, fusion keeps it one campaign -------


def _two_halves(database, event):
    """a0-a3 repost 12 posts together, b0-b3 12 others, and all eight retweet 4 posts in the same minute."""
    rows = []
    for half in "ab":
        for n in range(12):
            rows += [event(f"{half}{m}", 86_400 * (half == "b") + 3600 * n + m, "repost", target_post_id=f"{half}-post{n}")
                     for m in range(4)]
    for n in range(4):
        rows += [event(f"{half}{m}", 200_000 + 3600 * n + 2 * m + (half == "b"), "repost", target_post_id=f"burst{n}")
                 for half in "ab" for m in range(4)]
    return database(rows)


@pytest.mark.parametrize("link_rules, campaigns", [((), 2), (("all",), 1)], ids=["no linking", "linking"])
def test_two_halves_of_one_tied_set_are_one_campaign(database, event, link_rules, campaigns):
    from mobtrace.analysis.campaigns import fuse_campaigns

    con = _two_halves(database, event)
    build_coaction_edges(con, CoactionParams(behaviours=("co_repost",), null_model=False))
    assert build_account_clusters(con, ClusterParams())[0] == 2  # Louvain cuts the set in two
    assert fuse_campaigns(con, link_rules=link_rules) == campaigns
    if campaigns == 1:
        ((reasons,),) = con.sql("SELECT reasons FROM campaigns").fetchall()
        assert any("(shared_ties): they are tied to each other: 4 of the 4 members of cluster-1" in reason for reason in reasons)


# --- time resolution: minute-stamped exports say "the same minute", not "0.0 s" -----------------------------


def test_evidence_on_minute_stamped_data_says_what_a_minute_can_say(database, event):
    from mobtrace.analysis.timing import record_time_resolution
    from mobtrace.dashboards.coordination import MINUTE_CAPTION, SIGNAL_REPORT

    rows = [event(f"troll{m}", 3600 * n + 60 * (m % 2), "repost", target_post_id=f"p{n}") for n in range(4) for m in range(4)]
    con = database(rows)  # whole minutes: two in the same minute, two in the next
    record_time_resolution(con)
    assert con.sql("SELECT minute_stamped, resolution_s FROM time_resolution").fetchall() == [(True, 60)]
    build_coaction_edges(con, CoactionParams(behaviours=("co_repost",), alpha=None))
    build_account_clusters(con, ClusterParams())
    evidence = [e for (e,) in con.sql("SELECT evidence FROM account_signals ORDER BY account_id").fetchall()]
    assert len(evidence) == 4
    assert all("came in the same or the next minute as the same action" in e and "within 60 s" not in e for e in evidence)
    assert "median gap the same minute (times are to the minute)" in evidence[0]
    methods = " ".join(SIGNAL_REPORT.methods(con, {}).split())
    assert "1 input file gives times to the minute only" in methods and "real gap (0 to 119 seconds)" in methods
    assert "reacted within seconds" in MINUTE_CAPTION


def test_exact_times_keep_seconds(database, event):
    from mobtrace.analysis.timing import record_time_resolution

    rows = [event(f"troll{m}", 3600 * n + 7.25 * m, "repost", target_post_id=f"p{n}") for n in range(4) for m in range(3)]
    con = database(rows)
    record_time_resolution(con)
    build_coaction_edges(con, CoactionParams(behaviours=("co_repost",), alpha=None))
    build_account_clusters(con, ClusterParams())
    evidence = [e for (e,) in con.sql("SELECT evidence FROM account_signals ORDER BY account_id").fetchall()]
    assert evidence and all("within 60 s of the same action" in e and "minute" not in e for e in evidence)


# --- ranking by the strength of the evidence, not by the mean share of matched actions -----------------------


def test_a_large_group_with_much_evidence_outranks_a_tiny_one(con):
    from mobtrace.analysis.campaigns import fuse_campaigns
    from mobtrace.analysis.signals import create_signals_table

    create_signals_table(con)
    small = [(f"s{m}", "cluster-small", 0.9, 13 if m == 0 else 0) for m in range(3)]       # 3 accounts, 13 matched actions
    large = [(f"l{m}", "cluster-large", 0.8, 1525 if m == 0 else 0) for m in range(26)]  # 26 accounts, 1,525
    con.executemany("INSERT INTO account_signals (signal, platform, account_id, group_key, score, evidence, events) "
                    "VALUES ('coordination', 'x', ?, ?, ?, 'test', ?)", [list(row) for row in small + large])
    fuse_campaigns(con)
    ranked = con.sql("SELECT n_accounts, score, mean_account_score, evidence_events FROM campaigns ORDER BY score DESC").fetchall()
    # 0.8 * 26/31 * 1525/1545 * 1/1.5 = 0.4415 and 0.9 * 3/8 * 13/33 * 1/1.5 = 0.089 (README: Ranking)
    assert ranked == [(26, 0.442, 0.8, 1525), (3, 0.089, 0.9, 13)]
