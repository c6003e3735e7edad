"""Campaign fusion on the hand-made hostile data set (``hostile_con``, built by conftest.py's
``build_files``; the report, evidence and transparency tests use it too): the x and bluesky repost rings
target the same victim by handle and fuse into one cross-platform campaign, unless linking is off."""

from __future__ import annotations

import pytest

from mobtrace.analysis.campaigns import fuse_campaigns


def test_rings_are_flagged_and_cross_platform_rings_fuse_into_one_campaign(hostile_con, hostile):
    campaigns = hostile_con.sql("SELECT campaign_id, n_accounts, platforms FROM campaigns ORDER BY campaign_id").fetchall()
    # the report ring amplifies organic_0's posts, which nobody else engages with: it is that ring's originator
    assert campaigns == [("C001", 10, ["bluesky", "x"]), ("C002", 5, ["x"])]
    members = {a for (a,) in hostile_con.sql("SELECT account_id FROM campaign_accounts WHERE campaign_id = 'C001'").fetchall()}
    assert members == set(hostile.FLAGGED_X) | set(hostile.FLAGGED_BSKY)
    (rule, detail), = hostile_con.sql("SELECT rule, detail FROM campaign_links WHERE rule <> 'shared_account'").fetchall()
    assert rule == "shared_target" and ("@jane_doe (x and bluesky)" in detail or "@jane_doe (bluesky and x)" in detail)


def test_reasons_are_sentences_naming_signal_targets_and_links(hostile_con):
    (reasons,) = hostile_con.sql("SELECT reasons FROM campaigns WHERE campaign_id = 'C001'").fetchall()[0]
    assert all(reason.endswith(".") for reason in reasons)
    text = " ".join(reasons)
    assert "coordination signal" in text and "@jane_doe on x" in text and "@Jane_Doe on bluesky" in text
    assert "were joined (shared_target)" in text


def test_targets_and_target_events_cover_both_platforms(hostile_con, hostile):
    targets = hostile_con.sql("SELECT platform, account_id FROM campaign_targets WHERE campaign_id = 'C001' ORDER BY ALL").fetchall()
    assert targets == [("bluesky", hostile.BSKY_VICTIM), ("x", hostile.X_VICTIM)]
    by_member = dict(hostile_con.sql(
        "SELECT by_member, count(*) FROM campaign_target_events WHERE campaign_id = 'C001' GROUP BY ALL").fetchall())
    assert by_member[True] > 20 and by_member[False] >= 1  # the organic reply to @jane_doe is the baseline


def test_link_rules_can_be_switched_off(tmp_path, hostile, analyse, build_files):
    con = analyse(tmp_path / "db.duckdb", build_files(tmp_path / "data"), link_rules=())
    sizes = [n for (n,) in con.sql("SELECT n_accounts FROM campaigns ORDER BY campaign_id").fetchall()]
    assert sorted(sizes) == [len(hostile.FLAGGED_BSKY), len(hostile.REPORT_RING) + 1, len(hostile.FLAGGED_X)]
    assert con.sql("SELECT count(*) FROM campaign_links WHERE rule <> 'shared_account'").fetchall() == [(0,)]


def test_unknown_link_rule_is_refused(hostile_con):
    with pytest.raises(ValueError, match="unknown link rule"):
        fuse_campaigns(hostile_con, link_rules=("same_moon_phase",))
