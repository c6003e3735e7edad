"""Issue 18, outputs: every CSV is safe to open in a spreadsheet, bidi controls are shown and user strings
isolated, over-long handles do not push the tables sideways, and the small wording and packaging fixes.

The data set is conftest's ``bidi_con``: the hostile set with a formula handle, a handle ending in a
right-to-left override that other accounts' evidence sentences name, a spoofing handle, a 3,000-character
handle and an account id starting with "@". (The browser check of the digits is in test_report_browser.py.)
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from mobtrace.analysis.campaigns import fuse_campaigns
from mobtrace.analysis.ingest import connect
from mobtrace.analysis.provenance import provenance
from mobtrace.analysis.signals import create_signals_table
from mobtrace.dashboards.evidence import write_evidence_package
from mobtrace.dashboards.html import render
from mobtrace.dashboards.outputs import copy_csv, write_outputs
from mobtrace.dashboards.report import overview, write_report
from mobtrace.pipelines.cli import _parser, main

ROOT = Path(__file__).resolve().parents[1]
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def outputs(bidi_con, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("outputs")
    write_outputs(bidi_con, out)
    write_report(bidi_con, out)
    write_evidence_package(bidi_con, "C001", out / "evidence")
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_flagged_accounts_csv_is_protected_like_the_evidence_csvs(outputs, bidi_hostile):
    flagged = {row["account_id"]: row for row in _rows(outputs / "flagged_accounts.csv")}
    assert flagged["2002"]["handle"] == "'" + bidi_hostile.HANDLES["2002"]  # the formula is shown, not run
    assert "'" + bidi_hostile.FORMULA_ID in flagged  # an id a spreadsheet would read as a formula
    assert flagged["2005"]["handle"] == "natasha[U+202E]gnp.exe[U+202C]"
    assert flagged["2004"]["handle"] == bidi_hostile.HANDLES["2004"]  # whole in the CSV: only the page shortens
    for account in bidi_hostile.RLO_NAMED_BY:
        assert "strongest tie: @evil[U+202E], 5 shared posts, median gap 2.0 s." in flagged[account]["evidence"]
    text = (outputs / "flagged_accounts.csv").read_text(encoding="utf-8")
    assert not BIDI.search(text) and "\n=" not in text and ",=" not in text and ",@" not in text
    # The evidence package's accounts.csv says the same (csv_bytes and copy_csv follow one rule).
    package = {row["account_id"]: row for row in _rows(outputs / "evidence" / "C001" / "accounts.csv")}
    assert package["2002"]["handle"] == flagged["2002"]["handle"] and package["2005"]["handle"] == flagged["2005"]["handle"]


def test_every_csv_copy_csv_writes_is_protected(outputs, bidi_con, bidi_hostile, tmp_path):
    edges = _rows(outputs / "coaction_edges.csv")
    assert "'" + bidi_hostile.FORMULA_ID in {row["b_account"] for row in edges} | {row["a_account"] for row in edges}
    assert all(float(row["weight"]) > 0 for row in edges)  # numbers stay numbers
    # A detector's own CSV written with copy_csv is protected without doing anything.
    path = tmp_path / "detector.csv"
    copy_csv(bidi_con, "SELECT '+1 555' AS phone, '-x' AS dash, '\tTAB' AS tab, 'ok' AS fine, -3 AS negative, "
                       "['=a', 'b\u202e'] AS list, NULL AS nothing", path)
    (row,) = _rows(path)
    assert row == {"phone": "'+1 555", "dash": "'-x", "tab": "'\tTAB", "fine": "ok", "negative": "-3", "list": row["list"], "nothing": ""}
    assert row["list"].startswith("[") and "b[U+202E]" in row["list"] and not BIDI.search(row["list"])


def test_compat_csv_is_protected(tmp_path):
    rows = "".join(f"x,e{n}{a},{a},repost,{1_740_830_400 + 3600 * n + i},p{n},author\n"
                   for n in range(3) for i, a in enumerate(["=cmd", "b", "c"]))
    path = tmp_path / "ring.csv"
    path.write_text("platform,event_id,account_id,action,timestamp,target_post_id,target_account_id\n" + rows)
    assert main(["run", str(path), "--compat", "cnt", "--out", str(tmp_path / "out")]) == 0
    edges = _rows(tmp_path / "out" / "coaction_edges.csv")
    assert edges and "'=cmd" in {row["source"] for row in edges} and "=cmd" not in {row["source"] for row in edges}


def test_json_outputs_escape_bidi_controls_and_keep_the_value(outputs, bidi_hostile):
    for path in (outputs / "campaigns.json", outputs / "evidence" / "C001" / "campaign.json",
                 outputs / "evidence" / "C001" / "posts.jsonl"):
        assert not BIDI.search(path.read_text(encoding="utf-8")), path.name
    package = json.loads((outputs / "evidence" / "C001" / "campaign.json").read_text(encoding="utf-8"))
    handles = {target["handle"] for target in package["campaign"]["targets"]} | {
        member["handle"] for member in json.loads("[" + ",".join((outputs / "evidence" / "C001" / "posts.jsonl").read_text().splitlines()) + "]")}
    assert bidi_hostile.HANDLES["2003"] in handles and bidi_hostile.HANDLES["2005"] in handles  # the values as read


def test_the_page_shows_bidi_controls_isolates_user_strings_and_shortens_long_handles(outputs, bidi_hostile):
    page = (outputs / "report.html").read_text(encoding="utf-8")
    assert not BIDI.search(page)
    assert "<bdi>natasha[U+202E]gnp.exe[U+202C]</bdi>" in page.replace("@natasha", "natasha")
    assert "strongest tie: @evil[U+202E], 5 shared posts, median gap 2.0 s." in page
    long_handle = bidi_hostile.HANDLES["2004"]
    accounts = page.split("flagged accounts. Click a column header to sort.</p>")[1].split("</table>")[0]
    assert long_handle not in re.sub(r'[a-z-]+="[^"]*"', "", accounts)  # the account table shows it short ...
    assert f'<bdi title="@{long_handle}">@{"l" * 46}…</bdi>' in accounts  # ... and whole in the tooltip
    figures = "".join(re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', page))
    assert figures and long_handle[:100] not in figures and "@" + "l" * 46 + "…" in figures  # chart labels: short


def test_numbers_read_well_in_the_singular_and_with_no_interactions(bidi_con):
    con = connect(":memory:")
    create_signals_table(con)
    fuse_campaigns(con)
    empty = render("report_overview.html", overview=overview(con, provenance(con)))
    assert "No interaction was analysed" in empty and "Activity no interactions" not in empty and "on no platform" not in empty
    page = render("report_overview.html", overview=overview(bidi_con, provenance(bidi_con)))
    assert bidi_con.sql("SELECT count(*) FROM quarantine").fetchall() == [(1,)]
    assert '<b data-count="rows quarantined">1</b>row quarantined</div>' in page


def test_small_fixes_gitignore_seed_help_and_licence():
    if (ROOT / ".git").exists():  # a checkout (CI's is one), not an unpacked sdist
        paths = [".tmp_dagster_home_abc123/storage", "data/x.duckdb.lock"]
        ignored = subprocess.run(["git", "check-ignore", *paths], cwd=ROOT, capture_output=True, text=True)
        assert ignored.stdout.split() == paths, "an interrupted make dev's .tmp_dagster_home_* and a run's lock file are git-ignored"
    generate = _parser()._subparsers._group_actions[0].choices["generate"].format_help()
    assert re.search(r"--seed SEED\s+random seed", generate)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert isinstance(project["license"], str)  # an SPDX string: setuptools warns about a table
