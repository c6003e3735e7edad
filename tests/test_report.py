"""Structural tests of the HTML report on the hand-made hostile data set (see test_report_data.py)."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mobtrace.dashboards.html import BOOT_SCRIPT, script_hash
from mobtrace.dashboards.report import write_report
from mobtrace.dashboards.signals import SIGNAL_REPORTS, SignalReport, register
from tests.test_report_data import (  # noqa: F401  (hostile_con is a fixture)
    HOSTILE_DISPLAY, HOSTILE_HANDLE, HOSTILE_QUARANTINE, HOSTILE_TEXTS, analyse, build_files, hostile_con,
)


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
                    "Strongest ties", "When the accounts were created", "Methods and limits", "What this tool cannot tell"):
        assert heading in page, heading
    campaign = _section(page, "campaign-C001")
    assert campaign.count('class="plot"') == 4  # timeline, network, reaction times, creation dates


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
    assert html.escape(reason) in page


def test_quarantine_summary_counts_per_reason_and_escapes_the_example(report, hostile_con):
    page, _, _ = report
    quarantine = _section(page, "overview")
    assert "unreadable timestamp" in quarantine
    assert HOSTILE_QUARANTINE not in page and html.escape(HOSTILE_QUARANTINE) in quarantine


def test_hostile_text_is_escaped_everywhere(report):
    page, parser, _ = report
    for text in [*HOSTILE_TEXTS, HOSTILE_QUARANTINE]:
        assert text not in page, text
    assert html.escape("@" + HOSTILE_HANDLE) in page
    assert html.escape(HOSTILE_DISPLAY) in page
    # No element of the page carries an inline event handler.
    assert [a for a in parser.attributes if a[1].startswith("on")] == []


def test_scripts_are_plotly_the_boot_script_and_inert_json(report):
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
    assert any(html.escape("@" + HOSTILE_HANDLE) in text for text in hover_texts)
    assert not any(HOSTILE_HANDLE in text for text in hover_texts)


def test_content_security_policy_allows_only_local_plotly_and_the_boot_script(report):
    page, parser, _ = report
    (policy,) = [m["content"] for m in parser.metas if m.get("http-equiv") == "Content-Security-Policy"]
    assert f"'{script_hash(BOOT_SCRIPT)}'" in policy
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "the page must not load anything from the network"


def test_methods_state_the_parameters_and_limits(report):
    page, _, _ = report
    methods = _section(page, "methods")
    assert "within 60 seconds" in methods and "at least 3" in methods
    assert "shared_target" in methods and "Coordination is not proof of intent" in methods


def test_report_is_deterministic(hostile_con, tmp_path):
    first = write_report(hostile_con, tmp_path / "a").read_bytes()
    second = write_report(hostile_con, tmp_path / "b").read_bytes()
    assert first == second


def test_a_detector_plugs_in_its_section_and_unknown_signals_still_show(tmp_path):
    con = analyse(tmp_path / "db.duckdb", build_files(tmp_path / "data"))
    con.execute("""INSERT INTO account_signals SELECT 'burst_test', platform, account_id, 'burst-1', 0.5, 'Replied in a burst.'
                   FROM campaign_accounts WHERE campaign_id = 'C002'""")
    con.execute("""INSERT INTO account_signals SELECT 'unregistered_test', platform, account_id, 'u-1', 0.4, 'Something else.'
                   FROM campaign_accounts WHERE campaign_id = 'C002' LIMIT 1""")
    from mobtrace.analysis.campaigns import fuse_campaigns

    fuse_campaigns(con)
    register(SignalReport("burst_test", "Test bursts", methods=lambda c, p: "<p>burst methods here</p>",
                          section=lambda c, campaign, figures: f"<p>burst section for {campaign}</p>"))
    try:
        page = write_report(con, tmp_path / "report").read_text(encoding="utf-8")
    finally:
        SIGNAL_REPORTS.pop("burst_test")
    campaign = next(c for (c,) in con.sql("SELECT campaign_id FROM campaigns WHERE list_contains(signals, 'burst_test')").fetchall())
    assert f"burst section for {campaign}" in page and "burst methods here" in page
    assert "The unregistered_test detector has no report section yet" in page
    assert "Replied in a burst." in page
