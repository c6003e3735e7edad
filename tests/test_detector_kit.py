"""A new detector is one library package plus one asset module and one dashboards module, and nothing else.

The fixture drops a tiny detector, ``dummy_signal``, into the three packages (on their ``__path__``, as a
folder of a clone would be) and the whole pipeline picks it up: its flag, its campaign, its report section,
its evidence rows and its command-line flag, with no other edit.
"""

from __future__ import annotations

import csv
import json
import sys
import textwrap
from pathlib import Path

import pytest

import mobtrace.analysis
import mobtrace.assets
import mobtrace.dashboards
from mobtrace.pipelines.cli import _parser, step_params
from mobtrace.pipelines.run import RunOptions, execute

DETECTOR = {
    "analysis/dummy_signal/__init__.py": '''
        """The dummy detector: accounts that posted the word DUMMY at least ``min_posts`` times."""
        from mobtrace.analysis.sql import run_script
        from pathlib import Path

        def flag_dummies(con, params):
            run_script(con, Path(__file__).parent / "signal.sql", min_posts=params.min_posts)
    ''',
    "analysis/dummy_signal/params.py": '''
        from dataclasses import dataclass
        from mobtrace.analysis.params import Params, param

        @dataclass(frozen=True)
        class DummyParams(Params):
            step = "dummy_signal"
            min_posts: int = param(2, "Fewest DUMMY posts that flag an account.", flag="--dummy-min-posts")
    ''',
    "analysis/dummy_signal/signal.sql": '''
        DELETE FROM account_signals WHERE signal = 'dummy';
        INSERT INTO account_signals (signal, platform, account_id, group_key, score, evidence, first_ts, last_ts)
        SELECT 'dummy', platform, account_id, 'dummies', 0.5, format('posted DUMMY {} times.', count(*)), min(ts), max(ts)
        FROM interactions WHERE text LIKE '%DUMMY%' GROUP BY ALL HAVING count(*) >= $min_posts;
    ''',
    "assets/dummy_signal.py": '''
        import dagster as dg
        from dagster_duckdb import DuckDBResource
        from mobtrace.analysis.dummy_signal import flag_dummies
        from mobtrace.analysis.dummy_signal.params import DummyParams
        from mobtrace.analysis.signals import create_signals_table
        from mobtrace.assets.kit import config_from, signal_tags, use_params

        DummyConfig = config_from(DummyParams)

        @dg.asset(deps=["interactions"], tags=signal_tags("dummy"), description="Accounts that posted DUMMY.")
        def dummy_signal(config: DummyConfig, duckdb: DuckDBResource) -> dg.MaterializeResult:
            with duckdb.get_connection() as con:
                create_signals_table(con)
                flag_dummies(con, use_params(con, config))
            return dg.MaterializeResult()
    ''',
    "dashboards/dummy_signal.py": '''
        from mobtrace.dashboards.signals import SignalReport

        def _evidence(con, campaign_id):
            return con.execute(
                """SELECT i.platform, i.account_id, i.platform, i.event_id, 'dummy: a DUMMY post'
                   FROM interactions AS i JOIN campaign_accounts AS c USING (platform, account_id)
                   WHERE c.campaign_id = ? AND i.text LIKE '%DUMMY%'""", [campaign_id]).fetchall()

        SIGNAL_REPORT = SignalReport(
            "dummy", "Dummy posts", methods=lambda con, parameters: "<p>DUMMY-METHODS</p>",
            section=lambda con, campaign_id, figures: "<p>DUMMY-SECTION</p>", evidence=_evidence,
        )
    ''',
}
PACKAGES = {"analysis": mobtrace.analysis, "assets": mobtrace.assets, "dashboards": mobtrace.dashboards}


@pytest.fixture
def dummy_detector(tmp_path, monkeypatch):
    root = tmp_path / "detector"
    for name, code in DETECTOR.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(code).lstrip(), encoding="utf-8")
    for folder, package in PACKAGES.items():
        monkeypatch.setattr(package, "__path__", [*package.__path__, str(root / folder)])
    yield
    for name in [name for name in sys.modules if "dummy_signal" in name]:
        del sys.modules[name]


def test_a_detector_dropped_in_runs_end_to_end(dummy_detector, write_csv, tmp_path):
    rows = [{"platform": "x", "event_id": f"{account}{n}", "account_id": account, "action": "reply",
             "timestamp": f"2025-03-01T10:{n:02d}:00Z", "target_account_id": "victim", "text": "DUMMY says hi"}
            for account in ("a1", "a2", "a3") for n in range(3)]
    rows.append({"platform": "x", "event_id": "o1", "account_id": "onlooker", "action": "post",
                 "timestamp": "2025-03-01T10:00:00Z", "text": "one DUMMY post is not enough"})
    out = tmp_path / "out"
    result = execute(RunOptions(inputs=[str(write_csv(rows))], out_dir=out, database=out / "mobtrace.duckdb"))
    assert result.success

    with open(out / "flagged_accounts.csv", newline="") as handle:
        flagged = {row["account_id"]: row for row in csv.DictReader(handle)}
    assert set(flagged) == {"a1", "a2", "a3"}
    assert {row["signals"] for row in flagged.values()} == {"dummy"}
    assert flagged["a1"]["evidence"] == "posted DUMMY 3 times."
    (campaign,) = json.loads((out / "campaigns.json").read_text())
    assert campaign["signals"] == ["dummy"] and campaign["accounts"] == ["a1", "a2", "a3"]
    assert campaign["parameters"]["dummy_signal"] == {"min_posts": 2}
    assert campaign["start"].startswith("2025-03-01")

    page = (out / "report.html").read_text(encoding="utf-8")
    assert "DUMMY-SECTION" in page and "DUMMY-METHODS" in page and "Dummy posts" in page
    with open(out / "evidence" / campaign["id"] / "posts.csv", newline="") as handle:
        cited = [row for row in csv.DictReader(handle) if "dummy: a DUMMY post" in str(row)]
    assert len(cited) == 9


def test_a_detector_parameter_with_a_flag_is_on_the_command_line(dummy_detector):
    from mobtrace.analysis.dummy_signal.params import DummyParams

    args = _parser().parse_args(["run", "input.csv", "--dummy-min-posts", "5"])
    assert step_params(args, DummyParams) == DummyParams(min_posts=5)
    assert step_params(_parser().parse_args(["run", "input.csv"]), DummyParams) == DummyParams()


def test_without_the_detector_nothing_of_it_remains():
    assert "dummy" not in " ".join(_parser()._subparsers._group_actions[0].choices["run"].format_help().split())
