"""The co-action core against brute force, the viral-post bound, automatic windows, significance,
multiplex graph, cluster statistics and exports."""

from __future__ import annotations

import random
from collections import Counter, defaultdict

import networkx as nx
import pytest

from mobtrace.analysis.coordination.cluster_stats import cluster_stats
from mobtrace.analysis.coordination import coaction
from mobtrace.analysis.coordination.coaction import coaction_edges
from mobtrace.analysis.coordination.export import write_edge_list, write_gexf, write_graphml, write_node_list
from mobtrace.analysis.coordination.multiplex import multiplex_graph


def brute_force(rows, window_s: float, min_weight: int, windows_us: dict | None = None):
    """{(a, b): (weight, matched_pairs)} by comparing every two actions on an object."""
    by_object = defaultdict(list)
    for r in rows:
        by_object[r["target_post_id"]].append((r["account_id"], r["ts"]))
    objects, pairs = defaultdict(set), defaultdict(int)
    for obj, acts in by_object.items():
        limit = window_s * 1e6 if windows_us is None else windows_us[obj]
        for i, (a, ta) in enumerate(acts):
            for b, tb in acts[i + 1:]:
                if a != b and abs((ta - tb).total_seconds() * 1e6) <= limit + 1e-6:
                    key = tuple(sorted((a, b)))
                    objects[key].add(obj)
                    pairs[key] += 1
    return {k: (len(v), pairs[k]) for k, v in objects.items() if len(v) >= min_weight}


def random_reposts(event, seed: int, n: int = 400):
    rng = random.Random(seed)
    return [event(f"u{rng.randrange(15)}", rng.randrange(0, 1800) + rng.choice([0, 0.5, 0.000001]), "repost",
                  target_post_id=f"p{rng.randrange(8)}") for _ in range(n)]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("min_weight", [1, 3])
def test_weights_and_pairs_equal_brute_force(seed, min_weight, event, database):
    rows = random_reposts(event, seed)
    con = database(rows)
    coaction_edges(con, behaviours=("co_repost",), window_seconds=30, min_weight=min_weight, alpha=None)
    got = {(a, b): (w, m) for a, b, w, m in
           con.sql("SELECT a_account, b_account, weight, matched_pairs FROM coaction_edges").fetchall()}
    assert got == brute_force(rows, 30, min_weight)


def skewed_reposts(event, seed: int, n: int = 900):
    """Popular and rare posts, hyperactive accounts reposting one post many times (several runs of actions),
    bursts around each post's birth: what the prefix filter, the suffix lookups and the runs must get right."""
    rng = random.Random(seed)
    posts = [(f"p{i}", rng.uniform(0, 4000)) for i in range(25)]
    weights = [1 / (i + 1) ** 1.2 for i in range(len(posts))]
    accounts = [f"u{i}" for i in range(30)]
    activity = [1 / (i + 1) ** 1.1 for i in range(len(accounts))]
    rows = []
    for _ in range(n):
        post, born = rng.choices(posts, weights)[0]
        account = rng.choices(accounts, activity)[0]
        delay = rng.choice([rng.expovariate(1 / 40), rng.uniform(0, 900), rng.randrange(0, 4) * 30])
        rows.append(event(account, born + delay + rng.choice([0, 0.5, 0.000001]), "repost", target_post_id=post))
    return rows


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("min_weight", [2, 3, 4])
@pytest.mark.parametrize("max_full_cost", [0, 10**12])  # prefix filter with suffix lookups / everything paired
def test_pruning_prefix_filter_and_runs_equal_brute_force(seed, min_weight, max_full_cost, monkeypatch, event, database):
    monkeypatch.setattr(coaction, "MAX_FULL_PAIRING_COST", max_full_cost)
    rows = skewed_reposts(event, seed)
    con = database(rows)
    coaction_edges(con, behaviours=("co_repost",), window_seconds=30, min_weight=min_weight, alpha=None)
    got = {(a, b): (w, m) for a, b, w, m in
           con.sql("SELECT a_account, b_account, weight, matched_pairs FROM coaction_edges").fetchall()}
    expected = brute_force(rows, 30, min_weight)
    assert expected and got == expected
    # without the null model every edge is kept: all its pairs are listed
    pairs = dict(((a, b), n) for a, b, n in con.sql(
        "SELECT a_account, b_account, count(*) FROM coaction_pairs GROUP BY ALL").fetchall())
    assert pairs == {k: m for k, (_, m) in expected.items()}


def test_objects_that_share_a_key_are_told_apart_and_lone_actions_still_count(monkeypatch, event, database):
    """Objects are grouped and joined by a key, a hash of the object id. With a key that collides often (the
    first four characters: x:p1 is also the key of x:p10 to x:p19) every output is the same as with the hash,
    and the actions on objects of one account, which are never paired, still count among its actions."""
    rows = skewed_reposts(event, 0)
    rows += [event("u0", 100 * i, "repost", target_post_id=f"p9solo{i}") for i in range(3)]  # p9's key
    rows += [event("u1", 50 * i, "repost", target_post_id=f"zz{i}") for i in range(3)]  # a key of u1 alone
    con = database(rows)
    outputs = ("coaction_edges", "coaction_evidence", "coaction_pairs", "coaction_accounts")

    def run() -> dict:
        coaction_edges(con, behaviours=("co_repost",), window_seconds=30, min_weight=3)
        return {table: con.sql(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in outputs}

    hashed = run()
    monkeypatch.setattr(coaction, "OBJECT_KEY", "hash(left(a.object_id, 4))")
    assert run() == hashed
    reposts = Counter(row["account_id"] for row in rows)
    counted = dict(con.sql("SELECT account_id, actions FROM coaction_accounts").fetchall())
    assert {"u0", "u1"} <= set(counted) and counted == {account: reposts[account] for account in counted}


def test_edges_that_fail_the_null_model_keep_figures_and_their_closest_pair_only(event, database):
    con = database(significance_fixture(event))
    coaction_edges(con, behaviours=("co_repost",), window_seconds=60, min_weight=3, alpha=0.01, seed=0, evidence_per_edge=5)
    per_edge = con.sql("""
        WITH evidence AS (SELECT a_account, b_account, count(*) AS n, min(dt_s) AS closest FROM coaction_evidence GROUP BY ALL),
             listed AS (SELECT a_account, b_account, count(*) AS n FROM coaction_pairs GROUP BY ALL)
        SELECT e.significant, e.matched_pairs, v.n, v.closest, coalesce(p.n, 0)
        FROM coaction_edges AS e LEFT JOIN evidence AS v USING (a_account, b_account)
        LEFT JOIN listed AS p USING (a_account, b_account)""").fetchall()
    assert any(s for s, *_ in per_edge) and any(not s for s, *_ in per_edge)
    for significant, matched, evidence, closest, listed in per_edge:
        assert evidence == (min(matched, 5) if significant else 1) and closest is not None
        assert listed == (matched if significant else 0)
    # which pairs: the closest in time, then by a-side time, object and event ids (all pairs listed when alpha=None)
    evidence_columns = "behaviour, a_account, b_account, object_id, a_event, a_ts, b_event, dt_s"
    shown = con.sql(f"SELECT {evidence_columns} FROM coaction_evidence ORDER BY ALL").fetchall()
    caps = {(a, b): 5 if significant else 1 for a, b, significant in
            con.sql("SELECT a_account, b_account, significant FROM coaction_edges").fetchall()}
    coaction_edges(con, behaviours=("co_repost",), window_seconds=60, min_weight=3, alpha=None, evidence_per_edge=0)
    every = defaultdict(list)
    for row in con.sql(f"SELECT {evidence_columns} FROM coaction_pairs").fetchall():
        every[row[1], row[2]].append(row)
    closest = [row for edge, rows in every.items()
               for row in sorted(rows, key=lambda r: (r[7], r[5], r[3], r[4], r[6]))[:caps[edge]]]
    assert shown == sorted(closest)


def windows_reader(con, windows: dict):
    """A progress callback that copies each object's window (post id -> µs) into ``windows``: the working
    tables are there until the behaviour's step is reported."""

    def read_windows(step):
        windows.update(con.sql("""SELECT split_part(o.object_id, ':', 2), w.w_us FROM coaction_windows AS w
                                  JOIN coaction_objects AS o USING (obj_id)""").fetchall())

    return read_windows


def test_automatic_windows_are_clamped_quantiles_and_pair_by_them(event, database):
    rows = random_reposts(event, 5, 600)
    con = database(rows)
    windows = {}
    coaction_edges(con, behaviours=("co_repost",), window="auto", min_weight=2, alpha=None, window_bounds=(5, 40),
                   progress=windows_reader(con, windows))
    assert windows and all(5e6 <= w <= 40e6 for w in windows.values())
    got = {(a, b): (w, m) for a, b, w, m in
           con.sql("SELECT a_account, b_account, weight, matched_pairs FROM coaction_edges").fetchall()}
    assert got == brute_force(rows, 0, 2, windows)


@pytest.mark.parametrize("object_key", [coaction.OBJECT_KEY, "hash(left(a.object_id, 4))"], ids=["hash", "colliding"])
def test_automatic_window_of_a_small_object_is_the_median_over_objects_of_two_accounts(object_key, monkeypatch, event, database):
    """p1big: 12 reposts by two accounts 10 s apart, so its fastest 10% came within 20 s. p1solo: 12 reposts
    by one account, 200 s apart (300 s after clamping), which pair with nothing and must not move the median,
    even when its key is p1big's (the colliding key). p2small has too few actions and gets that median."""
    monkeypatch.setattr(coaction, "OBJECT_KEY", object_key)
    rows = [event("ab"[i % 2], 10 * i, "repost", target_post_id="p1big") for i in range(12)]
    rows += [event("c", 200 * i, "repost", target_post_id="p1solo") for i in range(12)]
    rows += [event(account, 1_000, "repost", target_post_id="p2small") for account in "ab"]
    con = database(rows)
    windows = {}
    coaction_edges(con, behaviours=("co_repost",), window="auto", min_weight=1, alpha=None, progress=windows_reader(con, windows))
    assert windows == {"p1big": 20_000_000, "p2small": 20_000_000}


def test_viral_post_pairs_only_inside_the_window(event, database):
    rng = random.Random(3)
    # 2,500 accounts repost one post over three hours: only neighbours within 60 s may pair.
    rows = [event(f"fan{i}", rng.uniform(0, 3 * 3600), "repost", target_post_id="viral") for i in range(2500)]
    con = database(rows)
    coaction_edges(con, behaviours=("co_repost",), window_seconds=60, min_weight=1, alpha=None)
    times = sorted(r["ts"].timestamp() for r in rows)
    within = sum(1 for i, t in enumerate(times) for u in times[i + 1:i + 400] if u - t <= 60)
    assert con.sql("SELECT count(*), max(dt_s) FROM coaction_pairs").fetchall() == [(within, pytest.approx(60, abs=1))]
    assert within < 2500 * 2499 / 2 / 20  # far fewer than all pairs


def significance_fixture(event, seed: int = 1):
    """Organic background with bursty popular posts, two hyperactive organic reposters, and a quiet pair."""
    rng = random.Random(seed)
    rows = []
    organic = [f"o{i}" for i in range(3000)]  # a realistic crowd: organic accounts rarely meet twice
    for p in range(400):  # popular posts: 40 organic reposts each, exponential burst (mean 2 min)
        born = p * 3600
        for account in rng.sample(organic, 40):
            rows.append(event(account, born + rng.expovariate(1 / 120), "repost", target_post_id=f"pop{p}"))
        for hyper in ("h1", "h2"):
            if rng.random() < 0.75:
                rows.append(event(hyper, born + rng.expovariate(1 / 120), "repost", target_post_id=f"pop{p}"))
    for n in range(600):  # niche posts: 2-4 organic reposts spread over days
        for account in rng.sample(organic, rng.randint(2, 4)):
            rows.append(event(account, rng.uniform(0, 400 * 3600), "repost", target_post_id=f"niche{n}"))
    for n in range(5):  # the quiet pair: five niche posts, reposted by both within 3 s
        t = rng.uniform(0, 400 * 3600)
        rows += [event("q1", t, "repost", target_post_id=f"niche{n}"),
                 event("q2", t + rng.uniform(0, 3), "repost", target_post_id=f"niche{n}")]
    return rows


def test_significance_spares_hyperactive_organic_accounts_and_flags_a_quiet_fast_pair(event, database):
    con = database(significance_fixture(event))
    coaction_edges(con, behaviours=("co_repost",), window_seconds=60, min_weight=3, alpha=0.01, seed=0)
    edges = {(a, b): (w, e, p, s) for a, b, w, e, p, s in con.sql(
        "SELECT a_account, b_account, weight, expected_weight, p_value, significant FROM coaction_edges").fetchall()}
    hyper_weight, hyper_expected, _, hyper_flag = edges[("h1", "h2")]
    assert hyper_weight >= 30 and not hyper_flag  # many co-reposts, but as many as chance gives
    assert hyper_expected > 0.6 * hyper_weight
    quiet_weight, quiet_expected, quiet_p, quiet_flag = edges[("q1", "q2")]
    assert quiet_weight == 5 and quiet_flag and quiet_expected < 0.5 and quiet_p < 1e-6
    # the same seed gives the same figures (to float summation order, which parallel aggregation varies)
    figures = """SELECT a_account, b_account, weight, round(expected_weight, 6), round(log10(p_value), 6), significant
                  FROM coaction_edges ORDER BY ALL"""
    first = con.sql(figures).fetchall()
    coaction_edges(con, behaviours=("co_repost",), window_seconds=60, min_weight=3, alpha=0.01, seed=0)
    assert con.sql(figures).fetchall() == first


def test_multiplex_cluster_stats_and_exports(tmp_path, event, database):
    rows = []
    for k in range(4):  # a, b, c co-repost and co-link within seconds on four occasions
        for i, account in enumerate("abc"):
            rows.append(event(account, k * 86_400 + i, "repost", target_post_id=f"p{k}"))
            rows.append(event(account, k * 86_400 + 5000 + i, urls=[f"https://camp.example/{k}"]))
    con = database(rows)
    con.execute("""INSERT INTO accounts (platform, account_id, handle, created_at)
                   VALUES ('x', 'a', 'alpha', TIMESTAMP '2024-01-01'), ('x', 'b', 'beta', TIMESTAMP '2024-01-03')""")
    coaction_edges(con, window_seconds=60, min_weight=3, behaviours=("co_repost", "co_link"), alpha=None)
    assert multiplex_graph(con) == 3
    assert con.sql("SELECT a_account, b_account, weight, behaviours FROM coordination_graph ORDER BY ALL").fetchall() == [
        ("a", "b", 8.0, ["co_link", "co_repost"]), ("a", "c", 8.0, ["co_link", "co_repost"]),
        ("b", "c", 8.0, ["co_link", "co_repost"])]
    con.execute("CREATE TABLE account_clusters AS SELECT 'x' AS platform, unnest(['a', 'b', 'c']) AS account_id, 7 AS cluster_id")
    assert cluster_stats(con) == 1
    stats = con.sql("""SELECT size, edges, density, co_actions, median_dt_s, share_within_10s, created_spread_days
                       FROM cluster_stats""").fetchall()
    assert stats == [(3, 3, 1.0, 24, 1.0, 1.0, 2.0)]
    graph = write_graphml(con, tmp_path / "g.graphml")
    assert nx.read_graphml(tmp_path / "g.graphml").nodes["x:a"]["handle"] == "alpha"
    assert graph.nodes["x:c"]["cluster"] == 7 and graph.edges["x:a", "x:b"]["behaviours"] == "co_link,co_repost"
    write_gexf(con, tmp_path / "g.gexf")
    assert nx.read_gexf(tmp_path / "g.gexf").number_of_edges() == 3
    assert write_edge_list(con, tmp_path / "e.parquet") == 3 and write_edge_list(con, tmp_path / "e.csv") == 3
    assert write_node_list(con, tmp_path / "n.csv") == 3
    assert "co_link,co_repost" in (tmp_path / "e.csv").read_text()


def test_a_run_of_several_behaviours_equals_a_run_of_each(event, database):
    """Behaviours run one at a time, each with its own null model and false discovery rate: adding a
    behaviour to a run changes no other behaviour's edges, significance or evidence."""
    rng = random.Random(3)
    rows = []
    for i in range(6000):  # background: 20 accounts on 20 objects per behaviour over six hours
        account, t, target = f"u{rng.randrange(20)}", rng.randrange(21_600), f"o{rng.randrange(20)}"
        rows.append([event(account, t, "repost", target_post_id=target), event(account, t, hashtags=[target]),
                     event(account, t, mentions=[target])][i % 3])
    for k in range(5):  # a quiet pair, two seconds apart on five rare objects of each behaviour
        for account, t in (("q1", 3_600 * k), ("q2", 3_600 * k + 2)):
            rows += [event(account, t, "repost", target_post_id=f"rare{k}"), event(account, t, hashtags=[f"rare{k}"]),
                     event(account, t, mentions=[f"rare{k}"])]
    rng.shuffle(rows)  # the DataFrame's type sampling must see some target_post_id
    con = database(rows)
    behaviours = ("co_repost", "co_mention", "co_hashtag")
    outputs = ("coaction_edges", "coaction_evidence", "coaction_pairs", "coaction_accounts")

    def run(names, progress=None) -> dict:
        coaction_edges(con, window_seconds=60, min_weight=2, behaviours=names, evidence_per_edge=3, progress=progress)
        return {table: con.sql(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in outputs}  # behaviour first

    steps = []
    together = run(behaviours, steps.append)
    assert steps == ["hashtags", "co_hashtag", "co_mention", "co_repost"]
    stored = con.sql("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()
    assert set(outputs) <= {name for (name,) in stored}
    assert not con.sql("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()  # memory freed
    apart = [run((name,)) for name in sorted(behaviours)]
    assert together == {table: [row for each in apart for row in each[table]] for table in outputs}

    def fail_midway(step):
        if step == "co_mention":
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):  # the stored outputs, of the last run, stay what is read
        run(behaviours, fail_midway)
    assert con.sql("SELECT * FROM coaction_edges ORDER BY ALL").fetchall() == apart[-1]["coaction_edges"]
    flags = {(row[0], row[-1]) for row in together["coaction_edges"]}
    assert flags == {(name, significant) for name in behaviours for significant in (True, False)}


@pytest.mark.parametrize("alpha", [None, 1e-300], ids=["kept edge", "edge that fails the null model"])
def test_evidence_ties_on_the_gap_go_to_the_earlier_pair_then_the_smaller_object(alpha, event, database):
    rows = [event("a", 100, "repost", target_post_id="p1"), event("b", 102, "repost", target_post_id="p1"),
            event("a", 10, "repost", target_post_id="p3"), event("b", 12, "repost", target_post_id="p3"),
            event("a", 10, "repost", target_post_id="p2"), event("b", 8, "repost", target_post_id="p2")]
    con = database(rows)
    coaction_edges(con, behaviours=("co_repost",), window_seconds=60, min_weight=1, alpha=alpha, evidence_per_edge=1)
    assert con.sql("SELECT significant FROM coaction_edges").fetchall() == [(None if alpha is None else False,)]
    assert con.sql("SELECT object_id, dt_s FROM coaction_evidence").fetchall() == [("x:p2", 2.0)]
