"""X Community Notes' post-selection similarity as a baseline on a report log, against mobtrace's model.

The baseline (written here from the rule as published in twitter/communitynotes,
scoring/src/scoring/post_selection_similarity.py; our own code): for every item (there a post, here a reported
account), each pair of raters (here reporters) whose actions on it lie within 20 minutes is counted once per item;
raters with fewer than 10 distinct items are dropped; a pair is flagged when its smoothed NPMI,
``ln(co * N / ((n_a + 500) * (n_b + 500))) / -ln(co / N)`` (N = distinct (item, rater) pairs), is at least 0.55,
or its minimum similarity ``co / (min(n_a, n_b) + 10)`` at least 0.4; flagged raters are merged into cliques
(connected components) and each clique keeps one vote per item. The issue's summary reads the 10 as a count of
coincidences per pair and names only the NPMI; ``npmi_only`` reproduces that reading too.

The report log: about 10,000 reports over 30 days in which two thirds are illegitimate but uncoordinated (40
trending, controversial but not violating accounts are each reported by ~150 ordinary users and most of 40
serial reporters within the hour), one third legitimate (100 spammers, ~30 ordinary reports each over the month),
a report farm (12 aged accounts hitting 12 activists, each time within 3 minutes) and a one-shot brigade (30 fresh
accounts, one journalist, one hour). mobtrace runs as the pipeline does, with its defaults: the co_report
behaviour with the co-action null model, the clusters step, and the mass_reporting detector.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from mobtrace.analysis.coordination import build_account_clusters, build_coaction_edges
from mobtrace.analysis.coordination.params import ClusterParams, CoactionParams
from mobtrace.analysis.ingest import connect
from mobtrace.analysis.mass_reporting import MassReportingParams, build_mass_reporting

START = datetime(2025, 3, 1)


def post_selection_similarity(reports, window_s=1200, min_items=10, pmi_pseudocounts=500, sim_pseudocounts=10, min_npmi=0.55,
                              min_sim=0.4, npmi_only=False):
    """Flagged rater pairs of ``reports`` ((rater, item, time) triples) by the rule in the module docstring."""
    by_item = defaultdict(list)
    for rater, item, ts in reports:
        by_item[item].append((ts, rater))
    co = defaultdict(int)
    for acts in by_item.values():
        acts.sort()
        counted, first = set(), 0
        for i, (ts, rater) in enumerate(acts):
            while (ts - acts[first][0]).total_seconds() > window_s:
                first += 1
            for _, other in acts[first:i]:
                pair = tuple(sorted((rater, other)))
                if other != rater and pair not in counted:  # once per item
                    counted.add(pair)
                    co[pair] += 1
    unique = {(item, rater) for rater, item, _ in reports}
    items = defaultdict(int)
    for _, rater in unique:
        items[rater] += 1
    n = len(unique)
    flagged = []
    for (a, b), together in co.items():
        if npmi_only:
            if together < min_items:
                continue
        elif items[a] < min_items or items[b] < min_items:
            continue
        npmi = np.log(together * n / ((items[a] + pmi_pseudocounts) * (items[b] + pmi_pseudocounts))) / -np.log(together / n)
        similarity = together / (min(items[a], items[b]) + sim_pseudocounts)
        if npmi >= min_npmi or (not npmi_only and similarity >= min_sim):
            flagged.append((a, b))
    return flagged


def cliques(pairs) -> list[set]:
    """Flagged raters merged into cliques: the connected components of the flagged pairs."""
    return [set(c) for c in nx.connected_components(nx.Graph(pairs))]


def one_vote_per_clique(reports, groups) -> dict:
    """Reports counted per item with each clique's reports counted once."""
    clique_of = {rater: i for i, group in enumerate(groups) for rater in group}
    votes = defaultdict(set)
    for rater, item, _ in reports:
        votes[item].add(("clique", clique_of[rater]) if rater in clique_of else ("rater", rater))
    return {item: len(voters) for item, voters in votes.items()}


@pytest.fixture(scope="module")
def report_log():
    rng = np.random.default_rng(5)
    rows, created = [], {}

    def report(reporter, target, seconds, reason):
        rows.append((reporter, target, START + timedelta(seconds=float(seconds)), reason))

    casual, serial = [f"user{i}" for i in range(3000)], [f"serial{i}" for i in range(40)]
    farm, brigade = [f"farm{i}" for i in range(12)], [f"fresh{i}" for i in range(30)]
    for account in casual + serial:
        created[account] = START - timedelta(days=int(rng.integers(400, 4000)))
    created |= {a: START - timedelta(days=800) for a in farm} | {a: START + timedelta(days=5) for a in brigade}
    for k in range(40):
        start = rng.uniform(0, 29 * 86_400)
        for account in rng.choice(casual, 150, replace=False):
            report(account, f"trend{k}", start + rng.exponential(900),
                   rng.choice(["hate_speech", "misinformation", "harassment", "other"], p=[0.4, 0.3, 0.2, 0.1]))
        for account in serial:
            if rng.random() < 0.8:
                report(account, f"trend{k}", start + rng.exponential(900), rng.choice(["hate_speech", "misinformation", "harassment"]))
    for k in range(100):
        for account in rng.choice(casual, 30, replace=False):
            report(account, f"spammer{k}", rng.uniform(0, 30 * 86_400), rng.choice(["spam", "scam", "other"], p=[0.6, 0.3, 0.1]))
    for k in range(12):
        start = rng.uniform(0, 29 * 86_400)
        for account in farm:
            report(account, f"activist{k}", start + rng.uniform(0, 180), "harassment")
    for account in brigade:
        report(account, "journalist", 20 * 86_400 + rng.uniform(0, 3600), rng.choice(["Hate speech", "hate_speech", "hate speech!!"]))
    return rows, created, {"casual": set(casual), "serial": set(serial), "farm": set(farm), "brigade": set(brigade)}


@pytest.fixture(scope="module")
def mobtrace_flags(report_log):
    rows, created, _ = report_log
    con = connect(":memory:")
    frame = pd.DataFrame(rows, columns=["account_id", "target_account_id", "ts", "text"])
    frame["event_id"] = [f"r{i}" for i in range(len(frame))]
    con.register("log", frame)
    con.execute("""INSERT INTO interactions (platform, event_id, account_id, action, ts, target_account_id, text, source_file, source_line)
                   SELECT 'p', event_id, account_id, 'report', ts, target_account_id, text, 'log', row_number() OVER () FROM log""")
    con.executemany("INSERT INTO accounts (platform, account_id, created_at) VALUES ('p', ?, ?)", list(created.items()))
    build_coaction_edges(con, CoactionParams(behaviours=("co_report",)))
    build_account_clusters(con, ClusterParams())
    build_mass_reporting(con, MassReportingParams())
    flags = con.execute("SELECT signal, account_id FROM account_signals").fetchall()
    waves = con.execute("SELECT target_id, coordinated FROM mass_report_waves").fetchall()
    con.close()
    return flags, dict(waves)


def test_the_log_is_mostly_illegitimate_but_uncoordinated_reports(report_log):
    rows, _, groups = report_log
    trending = sum(1 for _, target, _, _ in rows if target.startswith("trend"))
    assert 0.6 <= trending / len(rows) <= 0.72  # about two thirds, as Reddit reports of the reports reaching its admins


@pytest.fixture(scope="module")
def baseline(report_log):
    reports = [(reporter, target, ts) for reporter, target, ts, _ in report_log[0]]
    return reports, post_selection_similarity(reports)


def test_the_baseline_flags_the_farm_and_every_serial_reporter_and_misses_the_brigade(report_log, baseline):
    _, _, groups = report_log
    reports, pairs = baseline
    flagged = {rater for pair in pairs for rater in pair}
    assert groups["farm"] <= flagged
    assert len(flagged & groups["serial"]) >= 30  # uncoordinated: they report what trends (measured: 40 of 40)
    assert not flagged & groups["brigade"]       # one report each: below the 10 items a rater needs
    votes = one_vote_per_clique(reports, cliques(pairs))
    assert votes["journalist"] == 30             # the brigade keeps every vote against the journalist
    assert votes["activist0"] == 1               # the farm's twelve reports count once


def test_as_the_issue_reads_it_the_npmi_alone_flags_nobody_on_a_log_this_size(report_log):
    rows, _, _ = report_log
    # with 500 pseudo-items per rater the smoothed NPMI is negative for every pair of ~10,000 (item, rater) pairs
    assert post_selection_similarity([(r, t, ts) for r, t, ts, _ in rows], npmi_only=True) == []


def test_mobtrace_flags_the_farm_and_the_brigade_and_almost_no_uncoordinated_reporter(report_log, mobtrace_flags):
    _, _, groups = report_log
    flags, waves = mobtrace_flags
    mass = {account for signal, account in flags if signal == "mass_reporting"}
    everyone = {account for _, account in flags}
    assert groups["farm"] <= mass and groups["brigade"] <= mass
    assert mass <= groups["farm"] | groups["brigade"]  # no serial or ordinary reporter carries mass_reporting
    # the co_report ties also form coordination clusters; chance co-reports of the trending bursts leave a few
    # (measured: 1 serial reporter and 2 ordinary users, against the baseline's 40 serial reporters)
    uncoordinated = everyone & (groups["serial"] | groups["casual"])
    assert len(uncoordinated) <= 5
    assert waves["journalist"] and all(waves[f"activist{k}"] for k in range(12))
    trending = [coordinated for target, coordinated in waves.items() if target.startswith("trend")]
    assert len(trending) >= 30 and not any(trending)  # surges, no coordination found
