"""Louvain clusters, the coordination signal and campaign fusion on hand-made graphs."""

from __future__ import annotations

import duckdb
import networkx as nx

from mobtrace.analysis.campaigns import fuse_campaigns, fused_groups, group_links
from mobtrace.analysis.coordination.clusters import account_clusters, louvain_clusters
from mobtrace.analysis.coordination.coaction import coaction_edges
from mobtrace.analysis.coordination.signal import coordination_signal
from mobtrace.analysis.ingest import ingest_paths

T0 = 1_740_830_400


def test_louvain_is_reproducible_for_a_seed_and_splits_two_cliques():
    graph = nx.Graph()
    for clique in ("abcd", "wxyz"):
        graph.add_weighted_edges_from(((("x", u), ("x", v), 5.0) for i, u in enumerate(clique) for v in clique[i + 1:]))
    graph.add_edge(("x", "d"), ("x", "w"), weight=1.0)  # one weak bridge
    first = louvain_clusters(graph, seed=3)
    assert first == louvain_clusters(graph, seed=3)
    assert first == [[("x", "a"), ("x", "b"), ("x", "c"), ("x", "d")], [("x", "w"), ("x", "x"), ("x", "y"), ("x", "z")]]
    assert louvain_clusters(graph, seed=3, min_cluster_size=5) == []


def test_fused_groups_join_groups_that_share_an_account():
    rows = [("coordination", "g1", "x", "a"), ("coordination", "g1", "x", "b"),
            ("burst", "g2", "x", "b"), ("burst", "g2", "x", "c"), ("coordination", "g3", "x", "z")]
    assert fused_groups(rows) == [[("x", "a"), ("x", "b"), ("x", "c")], [("x", "z")]]


def _ring_with_amplified_author(write_csv, repost):
    """Four accounts repost three posts by 'seed' that mention 'victim'; one member also replies to her."""
    rows = []
    for n in range(3):
        post = f"p{n}"
        rows.append({"platform": "x", "event_id": post, "account_id": "seed", "action": "post",
                     "timestamp": T0 + 3600 * n, "mentions": '["victim"]', "text": "<script>alert(1)</script>"})
        rows += [repost(f"{m}{n}", m, post, T0 + 3600 * n + 5 + i, author="seed") for i, m in enumerate("abcd")]
    rows.append({"platform": "x", "event_id": "r1", "account_id": "a", "action": "reply", "timestamp": T0 + 10,
                 "target_post_id": "v1", "target_account_id": "victim"})
    return write_csv(rows)


def test_ring_becomes_one_campaign_against_the_mentioned_victim(con, write_csv, repost):
    ingest_paths(con, [_ring_with_amplified_author(write_csv, repost)])
    coaction_edges(con, behaviours=("co_repost",), window_seconds=60, min_weight=3)
    assert account_clusters(con, seed=1) == 1
    assert coordination_signal(con) == 5  # the four reposters and 'seed', whose posts only they amplify: the originator
    assert fuse_campaigns(con) == 1
    assert con.sql("SELECT campaign_id, n_accounts, signals, targets FROM campaigns").fetchall() == [
        ("C001", 5, ["coordination"], ["x:victim"])  # 'seed' is amplified by the ring, not targeted by it
    ]
    flagged = con.sql("SELECT account_id, signals, score, evidence FROM flagged_accounts ORDER BY account_id").fetchall()
    assert [row[:3] for row in flagged] == [(m, "coordination", 1.0) for m in ("a", "b", "c", "d", "seed")]
    assert flagged[0][3].startswith("3 of its 3 reposts (100%) came within 60 s of the same action by an account it is tied to (cluster 1, 4 accounts)")
    assert flagged[4][3].startswith("100% of the reposts of its posts (12 of 12) came from cluster 1 (4 accounts) within 60 s")


def test_no_edges_means_no_campaigns(con, write_csv, repost):
    ingest_paths(con, [write_csv([repost("1", "a", "p", T0)])])
    coaction_edges(con, behaviours=("co_repost",))
    assert account_clusters(con) == 0
    assert coordination_signal(con) == 0
    assert fuse_campaigns(con) == 0
    assert con.sql("SELECT count(*) FROM flagged_accounts").fetchall() == [(0,)]


def test_evidence_counts_each_behaviour_apart_whatever_the_row_order(con, write_csv, repost):
    """Members who repost three posts and share three links together: each link post counts in co_link and in
    co_domain, so one total would say 9 of 9 actions where there are 6. The sentence lists each behaviour's count,
    most matches first, then by name, whatever the order of coaction_accounts' rows (an aggregate once took the
    noun of whichever row it met last)."""
    rows = []
    for n in range(3):
        rows.append({"platform": "x", "event_id": f"p{n}", "account_id": "seed", "action": "post", "timestamp": T0 + 3600 * n})
        for i, m in enumerate("abcd"):
            rows.append(repost(f"{m}{n}", m, f"p{n}", T0 + 3600 * n + 5 + i, author="seed"))
            rows.append({"platform": "x", "event_id": f"l{m}{n}", "account_id": m, "action": "post",
                         "timestamp": T0 + 3600 * n + 1800 + i, "urls": f'["https://site{n}.example/a"]'})
    ingest_paths(con, [write_csv(rows)])
    coaction_edges(con, behaviours=("co_domain", "co_link", "co_repost"), window_seconds=60, min_weight=3)
    con.execute("UPDATE coaction_accounts SET actions = 4 WHERE behaviour = 'co_repost'")  # a repost of its own, unmatched
    sentences = set()
    for order in ("ASC", "DESC"):
        con.execute(f"CREATE OR REPLACE TABLE coaction_accounts AS SELECT * FROM coaction_accounts ORDER BY behaviour {order}")
        account_clusters(con, seed=1)
        assert coordination_signal(con) == 5
        sentences |= {row[0] for row in con.sql("SELECT evidence FROM account_signals WHERE account_id = 'a'").fetchall()}
    assert len(sentences) == 1
    assert sentences.pop().startswith("3 of its 3 link shares compared by domain (100%) and 3 of its 3 link shares (100%) and "
                                      "3 of its 4 reposts (75%) came within 60 s of the same action")
    assert con.sql("SELECT score FROM account_signals WHERE account_id = 'a'").fetchall() == [(0.9,)]  # 9 of 10
    con.execute("DELETE FROM coaction_accounts WHERE behaviour <> 'co_repost'")  # one behaviour left
    assert coordination_signal(con) == 5
    assert con.sql("SELECT evidence FROM account_signals WHERE account_id = 'a'").fetchall()[0][0].startswith("3 of its 4 reposts (75%) came")


def test_link_details_list_victims_and_handles_alphabetically_whatever_the_row_order():
    """shared_target and shared_handle join their victims / personas in one string: alphabetically, so a rerun
    (or another thread count) gives the same campaign sentence; string_agg(DISTINCT ...) alone kept the order the
    hash aggregate met them."""
    victims = [("x", f"v{n}", f"victim_{letter}") for n, letter in enumerate("zmqa")]
    details = set()
    for order in (1, -1):
        con = duckdb.connect()
        con.execute("CREATE TABLE group_targets (signal VARCHAR, group_key VARCHAR, platform VARCHAR, account_id VARCHAR, "
                    "handle VARCHAR, members_engaged BIGINT, n_members BIGINT)")
        rows = [(signal, group, *victim, 3, 3) for victim in victims[::order] for signal, group in
                (("burst", "episode-1"), ("coordination", "cluster-1"))]
        con.executemany("INSERT INTO group_targets VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        con.execute("CREATE TABLE account_signals AS SELECT * FROM (VALUES ('burst', 'episode-1', 'x', 'a1'), "
                    "('coordination', 'cluster-1', 'bluesky', 'b1'), ('burst', 'episode-1', 'x', 'a2'), "
                    "('coordination', 'cluster-1', 'bluesky', 'b2')) AS t(signal, group_key, platform, account_id)")
        handles = [("x", "a1", "zed_persona"), ("bluesky", "b1", "zed_persona"), ("x", "a2", "amy_persona"),
                   ("bluesky", "b2", "amy_persona")]
        con.execute("CREATE TABLE accounts AS SELECT * FROM (VALUES " + ", ".join(map(str, handles[::order]))
                    + ") AS t(platform, account_id, handle)")
        details |= {detail for _, _, _, detail in group_links(con, ("shared_target", "shared_handle"))}
    assert details == {
        "both went after @victim_a (x), @victim_m (x), @victim_q (x), @victim_z (x)",
        "share member handles across platforms: @amy_persona (x and bluesky), @zed_persona (x and bluesky)",
    }


def test_co_report_evidence_names_reports_and_reported_accounts(con, write_csv):
    """Four accounts reporting the same three accounts within seconds: the sentence counts reports, not 'actions',
    and the strongest tie shares reported accounts, not 'objects' (co_report had no label)."""
    rows = [{"platform": "x", "event_id": f"r{m}{n}", "account_id": m, "action": "report", "timestamp": T0 + 3600 * n + i,
             "target_account_id": f"victim{n}"} for n in range(3) for i, m in enumerate("abcd")]
    ingest_paths(con, [write_csv(rows)])
    coaction_edges(con, behaviours=("co_report",), window_seconds=60, min_weight=3, alpha=None)
    account_clusters(con, seed=1)
    assert coordination_signal(con) == 4
    evidence = con.sql("SELECT evidence FROM account_signals WHERE account_id = 'a'").fetchall()[0][0]
    assert evidence.startswith("3 of its 3 reports (100%) came within 60 s") and "3 shared reported accounts" in evidence
