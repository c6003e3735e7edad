"""End to end: the Dagster asset graph on a tmp DuckDB with a small generated data set."""

from __future__ import annotations

import csv
import json

import dagster as dg
import duckdb
import pytest

from mobtrace.assets import discover
from mobtrace.assets.ingest import rows_accounted_for, unique_events
from mobtrace.assets.resources import resources
from mobtrace.pipelines.run import run_config


@pytest.fixture(scope="module")
def materialized(pipeline_run):
    return pipeline_run.result, pipeline_run.options


def test_every_asset_and_check_succeeds(materialized):
    result, _ = materialized
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    _, checks = discover()
    expected = {key.name for check in checks for key in check.check_keys}
    assert {"interactions_schema", "unique_events", "rows_accounted_for", "edges_well_formed", "flags_have_evidence"} <= expected
    assert {evaluation.asset_check_key.name for evaluation in evaluations} == expected  # every discovered check ran
    assert all(evaluation.passed for evaluation in evaluations)


def test_planted_repost_ring_is_found_and_viral_reposters_are_not(pipeline_run):
    options = pipeline_run.options
    ring = pipeline_run.ground_truth("repost_ring")
    planted = set().union(*(pipeline_run.ground_truth(kind) for kind in ("repost_ring", "pile_on", "mass_report", "paid_amplifier")))
    with duckdb.connect(str(options.database), read_only=True) as con:
        flagged = {account for (account,) in con.sql("SELECT account_id FROM flagged_accounts").fetchall()}
        viral_reposters = {account for (account,) in con.sql(
            """SELECT DISTINCT account_id FROM interactions WHERE action = 'repost' AND target_post_id IN
               (SELECT target_post_id FROM interactions WHERE action = 'repost' GROUP BY ALL HAVING count(*) >= 100)"""
        ).fetchall()}
        ring_campaigns = con.sql(
            "SELECT DISTINCT campaign_id FROM flagged_accounts WHERE account_id IN (SELECT unnest($1))", params=[sorted(ring)]
        ).fetchall()
    assert len(ring & flagged) >= 0.8 * len(ring), "most of the planted repost ring must be flagged"
    assert len(ring_campaigns) == 1, "the ring must be one campaign"
    organic_viral = viral_reposters - planted
    assert len(organic_viral) > 50, "the generated set must contain organic viral reposters to test against"
    assert not (organic_viral & flagged), "organic accounts that reposted viral posts must not be flagged"


def test_outputs_follow_the_contract(materialized):
    _, options = materialized
    out = options.out_dir
    for name in ("report.html", "plotly.min.js", "flagged_accounts.csv", "campaigns.json", "coaction_edges.csv", "coaction.graphml"):
        assert (out / name).is_file(), name
    with open(out / "flagged_accounts.csv", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == ["account_id", "platform", "handle", "campaign_id", "signals", "score", "evidence"]
    assert rows and all(row["evidence"] and 0 <= float(row["score"]) <= 1 for row in rows)
    assert all(set(row["signals"].split(";")) <= {"coordination", "burst", "mass_reporting", "paid_amplification"} for row in rows)
    campaigns = json.loads((out / "campaigns.json").read_text())
    assert {"id", "accounts", "targets", "start", "end", "signals", "parameters"} <= set(campaigns[0])
    assert campaigns[0]["parameters"]["coaction_edges"]["window_seconds"] == 60
    assert "cdn.plot.ly" not in (out / "report.html").read_text()


def test_rematerializing_is_idempotent(materialized):
    result, options = materialized
    with duckdb.connect(str(options.database), read_only=True) as con:
        before = con.sql("SELECT (SELECT count(*) FROM interactions), (SELECT count(*) FROM flagged_accounts)").fetchall()
    assets, checks = discover()
    again = dg.materialize([*assets, *checks], resources=resources(options.database, options.out_dir), run_config=run_config(options, assets))
    assert again.success
    with duckdb.connect(str(options.database), read_only=True) as con:
        assert con.sql("SELECT (SELECT count(*) FROM interactions), (SELECT count(*) FROM flagged_accounts)").fetchall() == before


@pytest.mark.parametrize("check, tampering, key, expected", [
    (rows_accounted_for, "DELETE FROM interactions WHERE rowid IN (SELECT rowid FROM interactions LIMIT 3)",
     "mismatches", "events recorded vs"),
    (unique_events, "INSERT INTO interactions SELECT * FROM interactions LIMIT 1", "duplicates", "is stored 2 times"),
], ids=["rows_accounted_for", "unique_events"])
def test_blocking_ingest_checks_fail_on_tampered_tables(materialized, tmp_path, check, tampering, key, expected):
    _, options = materialized
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(options.database.read_bytes())
    with duckdb.connect(str(broken)) as con:
        con.execute(tampering)
    result = dg.materialize(
        [*discover()[0], check], resources=resources(broken, tmp_path / "out"),
        selection=dg.AssetSelection.checks(check), raise_on_error=False,
    )
    assert not result.success  # the check is blocking
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert expected in str(evaluation.metadata[key].value)


def test_definitions_load_with_every_asset_and_check():
    from mobtrace.pipelines.definitions import defs

    keys = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
    assert {"interactions", "accounts", "quarantine", "coaction_edges", "account_clusters", "campaigns", "flagged_accounts", "report"} <= keys
    assert defs.resolve_job_def("mobtrace") is not None
