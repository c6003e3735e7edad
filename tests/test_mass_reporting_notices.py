"""The victim's side: the ``notices`` input format (every record stored or quarantined with its line and a reason),
and a case of notices plus calls to report in two languages (tests/fixtures/notices/): the organisers and those
who amplified them are named, and joined to the campaign of the repost ring that went after the same woman."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from mobtrace.analysis.campaigns import fuse_campaigns
from mobtrace.analysis.coordination import build_account_clusters, build_coaction_edges
from mobtrace.analysis.coordination.params import ClusterParams, CoactionParams
from mobtrace.analysis.ingest import connect, ingest_paths
from mobtrace.analysis.ingest.registry import detect_format
from mobtrace.analysis.mass_reporting import MassReportingParams, build_mass_reporting

FIXTURES = Path(__file__).parent / "fixtures" / "notices"
VICTIM = "1790000001"


def test_notices_are_detected_and_stored_apart_from_interactions(con):
    assert detect_format(FIXTURES / "notices.csv") == "notices" and detect_format(FIXTURES / "notices.ndjson") == "notices"
    assert detect_format(FIXTURES / "exports.csv") == "generic"
    (summary,) = ingest_paths(con, [FIXTURES / "notices.csv"])
    assert (summary.format, summary.rows_read, summary.ingested, summary.quarantined) == ("notices", 6, 6, 0)
    assert con.sql("SELECT count(*) FROM interactions").fetchall() == [(0,)]
    rows = con.sql("SELECT notice_id, action, source_line FROM notices ORDER BY ts").fetchall()
    assert rows == [("n-0001", "warning", 2), ("n-0002", "post_removed", 3), ("n-0003", "post_removed", 4),
                    ("n-0004", "account_locked", 5), ("n-0005", "account_suspended", 6), ("n-0006", "appeal_granted", 7)]
    # the account the notices were sent to is known, by platform and id only
    assert con.sql("SELECT platform, account_id, handle FROM accounts").fetchall() == [("x", VICTIM, None)]
    assert ingest_paths(con, [FIXTURES / "notices.csv"])[0].skipped  # the same bytes again: nothing added


def test_every_bad_notice_is_quarantined_with_its_line_and_reason(con):
    ingest_paths(con, [FIXTURES / "exports.csv"])  # knows @lena_v's id, so a notice naming only her handle is read
    (summary,) = ingest_paths(con, [FIXTURES / "bad_notices.csv"])
    assert (summary.rows_read, summary.ingested, summary.quarantined) == (10, 3, 7)
    reasons = dict(con.sql("SELECT source_line, reason FROM quarantine ORDER BY source_line").fetchall())
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 10]
    assert reasons[2].startswith("notice names no platform")
    assert reasons[3] == 'unreadable timestamp "yesterday": use ISO-8601 or Unix seconds/milliseconds'
    assert reasons[4].startswith("timestamp 1990-01-01 00:00:00 is outside 1995-2099")
    assert reasons[5].startswith("missing notice_action")
    assert reasons[6].startswith("notice names no account")
    assert reasons[7].startswith("notice names its account only by the handle @nobody_knows_me, which no export read before knows on x")
    assert reasons[10] == "duplicate of notice b-08 earlier in this file"
    stored = con.sql("SELECT source_line, account_id, action FROM notices ORDER BY source_line").fetchall()
    assert stored == [(8, VICTIM, "account_locked"), (9, VICTIM, "account_suspended"), (11, VICTIM, "post_removed")]
    raw = con.sql("SELECT raw FROM quarantine WHERE source_line = 3").fetchall()[0][0]
    assert "yesterday" in raw


def test_json_lines_notices_with_a_handle_unix_time_and_hostile_text(con):
    ingest_paths(con, [FIXTURES / "exports.csv"])
    (summary,) = ingest_paths(con, [FIXTURES / "notices.ndjson"])
    assert (summary.rows_read, summary.ingested, summary.quarantined) == (2, 2, 0)
    rows = con.sql("SELECT platform, account_id, handle, ts, action, text FROM notices ORDER BY ts").fetchall()
    assert [r[:3] for r in rows] == [("x", VICTIM, "lena_v"), ("x", VICTIM, None)]
    assert str(rows[1][3]) == "2025-04-10 09:20:00" and rows[1][4] == "account_locked"
    assert rows[0][5] == "<script>alert('notice')</script> removed"  # stored as given, never evaluated


@pytest.fixture(scope="module")
def victim_case(tmp_path_factory):
    """The fixture case analysed as the pipeline does: co-action (reposts), clusters, mass reporting, fusion."""
    def analyse(exports: Path):
        con = connect(":memory:")
        ingest_paths(con, [exports, FIXTURES / "notices.csv"])
        build_coaction_edges(con, CoactionParams(behaviours=("co_repost",)))
        build_account_clusters(con, ClusterParams())
        result = build_mass_reporting(con, MassReportingParams())
        fuse_campaigns(con)
        return con, result

    # the same case where the ring did not repost the Spanish call: it shares no account with the organisers
    folder = tmp_path_factory.mktemp("victim")
    with open(FIXTURES / "exports.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames, [r for r in reader if r["target_post_id"] != "1790000000000000777"]
    apart = folder / "exports.csv"
    with open(apart, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return analyse(FIXTURES / "exports.csv"), analyse(apart)


def test_the_notices_after_calls_in_two_languages_name_the_organisers(victim_case):
    (con, (waves, coordinated, flagged)), _ = victim_case
    assert (waves, coordinated, flagged) == (1, 1, 6)
    (wave,) = con.execute("SELECT wave_id, side, notices, calls, organisers, amplifiers, reversals, coordinated, score, verdict "
                          "FROM mass_report_waves").fetchall()
    # four enforcement notices 09:14 on the 10th to 16:30 on the 11th (the February warning stands alone); an appeal granted
    assert wave[:9] == ("notice-wave-001", "notices", 4, 2, 2, 4, 1, True, 1.0)
    assert wave[9] == (
        "Notice wave after calls to report: 4 enforcement notices to @lena_v on x from 2025-04-10 09:14 to 2025-04-11 16:30 UTC "
        "(post_removed ×2, account_locked, account_suspended) came after 2 call(s) to report naming it (es, ru) by 2 account(s), "
        "posted 12.7 hours to 15.2 hours before the first notice, amplified by 4 account(s); 1 of the platform's actions was reversed "
        "(appeal granted or restored).")
    calls = con.execute("SELECT platform, account_id, languages, how FROM mass_report_calls ORDER BY ts").fetchall()
    assert calls == [("telegram", "channel777", "ru", "links to it"), ("x", "2005", "es", "mentions it, names its handle")]
    roles = dict(con.execute("SELECT account_id, role FROM mass_report_participants WHERE flagged").fetchall())
    assert roles == {"channel777": "organiser", "2005": "organiser", "user11": "amplifier", "user12": "amplifier",
                     "2002": "amplifier", "2003": "amplifier"}
    # "Read the report by @lena_v" names her but asks for nothing
    assert "3002" not in roles
    evidence = con.execute("SELECT evidence FROM account_signals WHERE account_id = 'channel777'").fetchall()[0][0]
    assert evidence == ("Posted 1 call(s) to report @lena_v (telegram:chat55/901 at 2025-04-09 18:00 UTC, in ru) 15.2 hours before "
                        "notice-wave-001 began: 4 moderation notices to it on x.")


@pytest.mark.parametrize("case", ["ring amplified a call", "no account in common"])
def test_the_organisers_join_the_campaign_against_her(victim_case, case):
    con, _ = victim_case[0 if case == "ring amplified a call" else 1]
    campaigns = con.execute("SELECT campaign_id, accounts FROM (SELECT campaign_id, list(account_id ORDER BY account_id) AS accounts "
                            "FROM campaign_accounts GROUP BY ALL)").fetchall()
    ring_and_callers = {"2001", "2002", "2003", "2004", "channel777", "2005"}
    (campaign,) = [c for c, accounts in campaigns if ring_and_callers <= set(accounts)]
    links = con.execute("SELECT rule, detail FROM campaign_links WHERE campaign_id = ? AND rule = 'report_wave'", [campaign]).fetchall()
    (rule, detail), = links
    if case == "ring amplified a call":
        assert detail == ("went after the same account, @lena_v on x, with the same accounts: 2 of the 6 accounts flagged for "
                          "notice-wave-001 also carry coordination in group cluster-1")
    else:
        assert detail == ("went after the same account, @lena_v on x: the calls to report before notice-wave-001 (4 moderation "
                          "notices) named it, and coordination group cluster-1 went after it")
        assert not con.execute("SELECT count(*) FROM campaign_links WHERE rule = 'shared_account'").fetchall()[0][0]
    reasons = con.execute("SELECT reasons FROM campaigns WHERE campaign_id = ?", [campaign]).fetchall()[0][0]
    assert any("(report_wave)" in reason for reason in reasons)


def test_the_notice_wave_is_in_the_report_and_the_evidence_package(victim_case, tmp_path):
    from mobtrace.analysis.provenance import record_parameters
    from mobtrace.dashboards.evidence import write_evidence_package
    from mobtrace.dashboards.html import Figures
    from mobtrace.dashboards.mass_reporting import SIGNAL_REPORT

    con, _ = victim_case[0]
    record_parameters(con, "mass_reporting", MassReportingParams().as_record())
    (campaign,) = con.execute("SELECT DISTINCT campaign_id FROM campaign_accounts WHERE account_id = 'channel777'").fetchall()[0]
    html = str(SIGNAL_REPORT.section(con, campaign, Figures()))
    assert "notice-wave-001" in html and "Reporter cluster graph" in html and "Reasons given" not in html  # no report log
    # the evidence rows: notices with the stated reason, and the calls with their text
    assert "notice: account_suspended, stated reason: Hateful conduct" in html and "Кидайте жалобы на её аккаунт" in html
    folder = write_evidence_package(con, campaign, tmp_path)
    with open(folder / "report_wave_events.csv", newline="", encoding="utf-8") as handle:
        events = list(csv.DictReader(handle))
    assert [e["kind"] for e in events].count("notice") == 4 and [e["kind"] for e in events].count("call to report") == 2
    notice = next(e for e in events if e["kind"] == "notice")
    assert (notice["source_file"], notice["source_line"]) == ("notices.csv", "3")
    document = json.loads((folder / "campaign.json").read_text(encoding="utf-8"))
    assert "mass_reporting" in json.dumps(document)


def test_hostile_notice_text_is_escaped_on_the_page(con):
    from mobtrace.dashboards.html import Figures, render_macro
    from mobtrace.dashboards.mass_reporting import target_part

    ingest_paths(con, [FIXTURES / "exports.csv", FIXTURES / "notices.csv", FIXTURES / "notices.ndjson"])
    build_mass_reporting(con, MassReportingParams())
    html = str(render_macro("mass_reporting.html", "target", part=target_part(con, "x", "account", VICTIM, Figures())))
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;notice&#39;)&lt;/script&gt; removed" in html
