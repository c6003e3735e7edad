"""The burst detector in the shared end-to-end run (tests/conftest.py ``pipeline_run``: seed 11, scale 20,000):
the generator's planted pile-on is found, and its organic viral moments, one of them against the pile-on's own
victim in the same week, flag nobody."""

from __future__ import annotations

import csv

import pytest


@pytest.fixture(scope="module")
def run(pipeline_run):
    with pipeline_run.connect() as con:
        flagged = {a for (a,) in con.execute("SELECT account_id FROM account_signals WHERE signal = 'burst'").fetchall()}
        episodes = con.execute(
            "SELECT episode_id, target_id, start_ts, end_ts, participants, concerted FROM burst_episodes ORDER BY episode_id").fetchall()
        groups = dict(con.execute(
            "SELECT account_id, group_key FROM account_signals WHERE signal = 'coordination' AND group_key LIKE 'episode-%'").fetchall())
    with open(pipeline_run.folder / "hard_negatives.csv", newline="") as handle:
        viral = [row for row in csv.DictReader(handle) if row["kind"] == "viral_moment"]
    return pipeline_run, flagged, episodes, groups, viral


ATTACKS = ("pile_on", "repost_ring", "mass_report")  # the planted campaigns that go after a victim


def test_the_planted_pile_on_is_found(run):
    pipeline_run, flagged, episodes, _, _ = run
    members = pipeline_run.ground_truth("pile_on")
    (victim,) = pipeline_run.ground_truth("pile_on", role="target")
    victims = set().union(*(pipeline_run.ground_truth(kind, role="target") for kind in ATTACKS))
    attackers = set().union(*(pipeline_run.ground_truth(kind) for kind in ATTACKS))
    concerted = {target for _, target, *_, is_concerted in episodes if is_concerted}
    assert victim in concerted and concerted <= victims  # no organic target's episode is concerted
    assert len(flagged & members) >= 0.9 * len(members)  # recall
    assert flagged <= attackers  # precision: only planted attackers carry the burst signal


def test_organic_viral_moments_flag_nobody_even_against_the_same_victim_in_the_same_week(run):
    pipeline_run, flagged, episodes, groups, viral = run
    (victim,) = pipeline_run.ground_truth("pile_on", role="target")
    engagers = {row["account_id"] for row in viral if row["role"] == "engager"}
    assert {row["account_id"] for row in viral if row["role"] == "author"} == {victim}
    assert len(engagers) > 50 and not engagers & flagged and not engagers & set(groups)
    on_victim = [e for e in episodes if e[1] == victim]
    pile_on = [e for e in on_victim if e[5]]
    organic = [e for e in on_victim if not e[5]]
    assert pile_on and organic  # the viral moment is an episode of hers, reported and not concerted
    assert min(abs((o[2] - p[2]).total_seconds()) for o in organic for p in pile_on) < 4 * 86_400
    assert max(o[4] for o in organic) > max(p[4] for p in pile_on)  # it drew more people than the pile-on


def test_outputs_report_and_evidence_package(run):
    pipeline_run, flagged, *_ = run
    out = pipeline_run.options.out_dir
    for name in ("burst_targets.csv", "burst_episodes.csv", "burst_participants.csv", "burst_targets.html"):
        assert (out / name).is_file(), name
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Signal: Pile-on bursts" in page and "Flagged participants" in page
    with pipeline_run.connect() as con:
        campaigns = [c for (c,) in con.execute(
            "SELECT DISTINCT c.campaign_id FROM campaign_accounts AS c JOIN account_signals AS s USING (platform, account_id) "
            "WHERE s.signal = 'burst' ORDER BY 1").fetchall()]
    events, cited = [], []
    for campaign in campaigns:
        with open(out / "evidence" / campaign / "burst_events.csv", newline="") as handle:
            events += list(csv.DictReader(handle))
        with open(out / "evidence" / campaign / "posts.csv", newline="") as handle:
            cited += [row for row in csv.DictReader(handle) if "burst: participant" in row["cited_for"]]
    assert {row["account_id"] for row in events if row["flagged"] == "yes"} == flagged
    assert all(row["source_file"] == "interactions.csv" and int(row["source_line"]) > 1 for row in events)
    assert all(row["time_utc"].endswith("Z") for row in events)
    assert len(cited) >= len(flagged)
