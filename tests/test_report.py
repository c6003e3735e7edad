"""Structural tests of the HTML report on the hand-made hostile data set (conftest.py's ``hostile_con``),
and of how a detector's report module plugs in."""

from __future__ import annotations

import csv
import html
import json
import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from markupsafe import escape

import mobtrace.dashboards
from mobtrace.analysis.ingest import connect
from mobtrace.analysis.campaigns import fuse_campaigns
from mobtrace.dashboards import coordination
from mobtrace.dashboards.evidence import write_evidence_package
from mobtrace.dashboards.html import BOOT_SCRIPT, STATIC, script_hash
from mobtrace.dashboards.outputs import write_outputs
from mobtrace.dashboards.report import write_report
from mobtrace.dashboards.signals import signal_reports


class PageParser(HTMLParser):
    """Collects ids, script elements, start-tag attributes and table rows of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.scripts: list[tuple[dict, str]] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.metas: list[dict] = []
        self._script: dict | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.attributes += [(tag, name, value) for name, value in attrs]
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "meta":
            self.metas.append(attributes)
        if tag == "script":
            self._script, self._script_text = attributes, []

    def handle_data(self, data):
        if self._script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None


@pytest.fixture(scope="module")
def report(hostile_con, tmp_path_factory) -> tuple[str, PageParser, Path]:
    folder = tmp_path_factory.mktemp("report")
    path = write_report(hostile_con, folder)
    page = path.read_text(encoding="utf-8")
    parser = PageParser()
    parser.feed(page)
    return page, parser, folder


def _section(page: str, section_id: str) -> str:
    start = page.index(f'id="{section_id}"')
    end = page.find("<section", start)
    return page[start:end if end > 0 else len(page)]


def test_every_section_is_there(report, hostile_con):
    page, parser, _ = report
    campaigns = [c for (c,) in hostile_con.sql("SELECT campaign_id FROM campaigns").fetchall()]
    assert {"overview", "campaigns", "methods", *[f"campaign-{c}" for c in campaigns]} <= parser.ids
    for heading in ("What was analysed", "Parameters", "Quarantined rows", "Accounts flagged per signal", "Campaigns, ranked by score",
                    "Why these accounts form a campaign", "Activity aimed at the targets", "Co-action network", "Reaction times",
                    "Strongest ties", "Most amplified posts", "Members' posts aimed at the targets", "When the accounts were created",
                    "Methods and limits", "What this tool cannot tell"):
        assert heading in page, heading
    campaign = _section(page, "campaign-C001")
    assert campaign.count('class="plot"') == 4  # timeline, network, reaction times, creation dates
    assert "<th scope=\"col\" data-type=\"num\"><button type=\"button\">p value</button></th>" in campaign


def test_numbers_match_the_database(report, hostile_con):
    page, _, _ = report
    expected = {
        "interactions analysed": "SELECT count(*) FROM interactions",
        "rows quarantined": "SELECT count(*) FROM quarantine",
        "campaigns": "SELECT count(*) FROM campaigns",
        "accounts flagged": "SELECT count(*) FROM flagged_accounts",
    }
    for label, sql in expected.items():
        value = hostile_con.sql(sql).fetchall()[0][0]
        assert f'data-count="{label}">{value:,}<' in page, label
    for campaign_id, flagged in hostile_con.sql("SELECT campaign_id, count(*) FROM flagged_accounts GROUP BY ALL").fetchall():
        assert f"<p>{flagged:,} flagged accounts." in _section(page, f"campaign-{campaign_id}")
    ranked = _section(page, "campaigns")
    assert ranked.count("<tr>") - 1 == hostile_con.sql("SELECT count(*) FROM campaigns").fetchall()[0][0]
    for (sha,) in hostile_con.sql("SELECT sha256 FROM sources").fetchall():
        assert sha in page
    (reason,) = hostile_con.sql("SELECT reasons[1] FROM campaigns WHERE campaign_id = 'C001'").fetchall()[0]
    assert escape(reason) in page


def test_quarantine_summary_counts_per_reason_and_escapes_the_example(report, hostile):
    page, _, _ = report
    quarantine = _section(page, "overview")
    assert "unreadable timestamp" in quarantine
    assert hostile.HOSTILE_QUARANTINE not in page and escape(hostile.HOSTILE_QUARANTINE) in quarantine


def test_hostile_text_is_escaped_everywhere(report, hostile):
    page, parser, _ = report
    for text in [*hostile.HOSTILE_TEXTS, hostile.HOSTILE_QUARANTINE]:
        assert text not in page, text
    assert escape("@" + hostile.HOSTILE_HANDLE) in page
    assert escape(hostile.HOSTILE_DISPLAY) in page
    # No element of the page carries an inline event handler.
    assert [a for a in parser.attributes if a[1].startswith("on")] == []


def test_scripts_are_plotly_the_boot_script_and_inert_json(report, hostile):
    page, parser, folder = report
    sources = [attrs.get("src") for attrs, _ in parser.scripts if "src" in attrs]
    assert sources == ["plotly.min.js"]
    assert (folder / "plotly.min.js").stat().st_size > 1_000_000
    inline = [text for attrs, text in parser.scripts if "src" not in attrs and attrs.get("type") != "application/json"]
    assert inline == [BOOT_SCRIPT]
    blocks = [text for attrs, text in parser.scripts if attrs.get("type") == "application/json"]
    assert len(blocks) == page.count('class="plot"') > 0
    hover_texts = []
    for block in blocks:
        assert "<" not in block and ">" not in block
        spec = json.loads(block)
        for trace in spec["data"]:
            hover_texts += trace.get("hovertext") or []
    # Plotly labels get the escaped text (drawn as text after entity decoding), never raw markup.
    assert any(html.escape("@" + hostile.HOSTILE_HANDLE) in text for text in hover_texts)
    assert not any(hostile.HOSTILE_HANDLE in text for text in hover_texts)


def test_content_security_policy_allows_only_local_plotly_and_the_boot_script(report):
    page, parser, _ = report
    (policy,) = [m["content"] for m in parser.metas if m.get("http-equiv") == "Content-Security-Policy"]
    assert f"'{script_hash(BOOT_SCRIPT)}'" in policy
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "the page must not load anything from the network"


def test_style_is_the_stylesheet_beside_the_page(report):
    page, parser, folder = report
    assert [(tag, value) for tag, name, value in parser.attributes if name == "href" and tag == "link"] == [("link", "report.css")]
    assert "<style" not in page
    assert (folder / "report.css").read_bytes() == (STATIC / "report.css").read_bytes()
    assert "section.campaign{" in (folder / "report.css").read_text(encoding="utf-8")


def test_methods_state_the_parameters_and_limits(report):
    page, _, _ = report
    methods = _section(page, "methods")
    assert "within 60 seconds of each other, inclusive" in methods and "at least 3" in methods
    assert "shared_target" in methods and "Coordination is not proof of intent" in methods


WINDOWS_USED = ("CREATE TABLE coaction_windows_used (behaviour VARCHAR, auto BOOLEAN, objects BIGINT, min_window_s DOUBLE, "
                "median_window_s DOUBLE, max_window_s DOUBLE)")


@pytest.mark.parametrize("rows, parameters, expected", [
    pytest.param(
        [("co_repost", True, 1234, 5.0, 42.0, 300.0), ("co_link", True, 310, 2.5, 30.25, 120.0), ("co_text", True, 0, None, None, None)],
        {"window_seconds": 60, "auto_window": True},
        "within a window estimated per object (co_link: 2.5 to 120 s, median 30.2 s, over 310 objects; "
        "co_repost: 5 to 300 s, median 42 s, over 1,234 objects; co_text: no objects).",
        id="estimated per object",
    ),
    pytest.param([("co_repost", False, 80, 30.0, 30.0, 30.0)], {"window_seconds": 60},
                 "within 30 seconds of each other, inclusive.", id="fixed, as the table says"),
    pytest.param([], {"window_seconds": 45.0}, "within 45 seconds of each other, inclusive.", id="no object paired: the parameter"),
    pytest.param([], {"window_seconds": 60, "auto_window": True}, "within a window estimated per object.", id="no object paired: auto"),
])
def test_methods_state_the_windows_the_run_used(rows, parameters, expected):
    con = connect(":memory:")  # the canonical tables, time_resolution among them
    con.execute(WINDOWS_USED)
    if rows:
        con.executemany("INSERT INTO coaction_windows_used VALUES (?, ?, ?, ?, ?, ?)", rows)
    text = coordination.SIGNAL_REPORT.methods(con, {"coaction_edges": {**parameters, "behaviours": ["all"]}})
    assert expected in " ".join(text.split())
    assert ("60 seconds" in text) == ("60 seconds" in expected)


def test_report_is_deterministic(hostile_con, tmp_path):
    write_report(hostile_con, tmp_path / "a")
    write_report(hostile_con, tmp_path / "b")
    names = sorted(path.name for path in (tmp_path / "a").iterdir())
    assert names == ["plotly.min.js", "report.css", "report.html"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_signal_reports_are_found_in_the_package():
    reports = signal_reports()
    assert reports["coordination"] is coordination.SIGNAL_REPORT
    assert all(name == report.signal for name, report in reports.items())


PLUGGED_IN = """
    from mobtrace.dashboards.signals import SignalReport


    def outputs(con, out_dir):
        path = out_dir / "burst_test.csv"
        path.write_text("burst\\n", encoding="utf-8")
        return {"burst_test": path}


    def evidence(con, campaign_id):
        return con.execute(
            "SELECT i.platform, i.account_id, i.platform, i.event_id, 'burst_test: a report in a burst' FROM interactions AS i "
            "JOIN campaign_accounts AS c USING (platform, account_id) WHERE c.campaign_id = ? AND i.action = 'report'",
            [campaign_id],
        ).fetchall()


    SIGNAL_REPORT = SignalReport(
        "burst_test", "Test bursts", methods=lambda con, parameters: "<p>burst methods here</p>",
        section=lambda con, campaign, figures: f"<p>burst section for {campaign}</p>", evidence=evidence, outputs=outputs,
    )
"""


def plugged_in_signal(tmp_path, monkeypatch):
    """A report module, burst_test's, in a folder added to the package's path: found by discovery alone."""
    folder = tmp_path / "plugin"
    folder.mkdir()
    (folder / "plugged_in_signal.py").write_text(textwrap.dedent(PLUGGED_IN), encoding="utf-8")
    # discovery walks __path__: once monkeypatch restores it, the module is no longer found
    monkeypatch.setattr(mobtrace.dashboards, "__path__", [*mobtrace.dashboards.__path__, str(folder)])


def test_a_signal_plugs_in_by_its_module_alone_and_unknown_signals_still_show(tmp_path, analyse, build_files, monkeypatch):
    shipped = set(signal_reports())
    plugged_in_signal(tmp_path, monkeypatch)
    con = analyse(tmp_path / "db.duckdb", build_files(tmp_path / "data"))
    con.execute("""INSERT INTO account_signals (signal, platform, account_id, group_key, score, evidence)
                   SELECT 'burst_test', platform, account_id, 'burst-1', 0.5, 'Replied in a burst.'
                   FROM campaign_accounts WHERE campaign_id = 'C002'""")
    con.execute("""INSERT INTO account_signals (signal, platform, account_id, group_key, score, evidence)
                   SELECT 'unregistered_test', platform, account_id, 'u-1', 0.4, 'Something else.'
                   FROM campaign_accounts WHERE campaign_id = 'C002' LIMIT 1""")
    fuse_campaigns(con)
    assert set(signal_reports()) == shipped | {"burst_test"}

    page = write_report(con, tmp_path / "report").read_text(encoding="utf-8")
    campaign = next(c for (c,) in con.sql("SELECT campaign_id FROM campaigns WHERE list_contains(signals, 'burst_test')").fetchall())
    assert f"burst section for {campaign}" in page and "burst methods here" in page
    assert "The unregistered_test detector has no report section yet" in page
    assert "Replied in a burst." in page

    outputs = write_outputs(con, tmp_path / "out")
    assert list(outputs)[:3] == ["flagged_accounts", "campaigns", "burst_test"]  # the core files, then each signal's
    assert outputs["burst_test"].read_text(encoding="utf-8") == "burst\n"
    assert {"coaction_edges", "graphml", "gexf", "edge_list", "node_list"} <= set(outputs)

    with open(write_evidence_package(con, campaign, tmp_path / "evidence") / "posts.csv", newline="", encoding="utf-8") as handle:
        cited = [post for post in csv.DictReader(handle) if "burst_test: a report in a burst" in post["cited_for"]]
    assert {post["action"] for post in cited} == {"report"}
