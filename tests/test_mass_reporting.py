"""The mass-reporting detector on hand-made fixtures: each reporter feature with values computed by hand (at its
boundaries), the verdict rule, report reasons, the co_report behaviour's window, and the asset check passing and
failing."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from mobtrace.analysis.coordination.coaction import coaction_edges
from mobtrace.analysis.mass_reporting import MassReportingParams, build_mass_reporting
from mobtrace.analysis.mass_reporting.calls import PREFILTER, call_languages
from mobtrace.analysis.mass_reporting.features import judge
from mobtrace.analysis.mass_reporting.reasons import reason_category
from mobtrace.assets.mass_reporting import report_waves_well_formed

WAVE_START = datetime(2025, 3, 20, 12)


@pytest.fixture(scope="module")
def features(report_wave):
    """conftest's ``report_wave``: one wave against 'vic' (x, handle victim_h) by 22 reporters, each built to show one
    feature on one side of its boundary (F1-F8 there); returns the connection after the mass_reporting step."""
    con = report_wave()
    result = build_mass_reporting(con, MassReportingParams())
    yield con, result
    con.close()


def _feature(con, column: str) -> dict:
    return dict(con.execute(f"SELECT account_id, {column} FROM mass_report_participants WHERE role = 'reporter' ORDER BY 1").fetchall())


def test_one_wave_of_22_reporters_over_21_minutes(features):
    con, (waves, coordinated, _) = features
    assert (waves, coordinated) == (1, 0)
    (wave,) = con.execute("SELECT wave_id, reporters, reports, start_ts FROM mass_report_waves").fetchall()
    assert wave == ("report-wave-001", 22, 24, WAVE_START + timedelta(seconds=60))


def test_f1_prior_interaction(features):
    con, _ = features
    prior, stranger = _feature(con, "prior_contacts"), _feature(con, "stranger")
    assert (prior["r01"], prior["r02"], prior["r03"]) == (2, 1, 0)  # a reply and her mention; his mention by handle; contact after
    assert [a for a, s in stranger.items() if not s] == ["r01", "r02"]


def test_f2_account_age_at_the_report(features):
    con, _ = features
    age, new = _feature(con, "age_days"), _feature(con, "new_account")
    assert (age["r04"], age["r05"], age["r06"], age["r07"]) == (5.0, 90.0, 91.0, None)
    assert (new["r04"], new["r05"], new["r06"], new["r07"]) == (True, True, False, False)  # 90 days is new, inclusive
    assert round(age["r01"], 3) == round((datetime(2025, 3, 20, 12, 1) - datetime(2016, 1, 1)).total_seconds() / 86_400, 3)


def test_f3_many_unrelated_targets(features):
    con, _ = features
    other, serial = _feature(con, "other_targets"), _feature(con, "serial")
    assert (other["r08"], other["r09"], other["r01"]) == (5, 4, 0)  # b1, which r08 liked, is related
    assert [a for a, s in serial.items() if s] == ["r08"]


def test_f4_reason_homogeneity(features):
    con, _ = features
    (mode, share), = con.execute("SELECT reason_mode, reason_share FROM mass_report_waves").fetchall()
    # 24 reports: r01-r18 (r12 and r13 twice) in four wordings of harassment, r19 other, r20-r22 spam
    assert (mode, share) == ("harassment", 20 / 24)
    same = _feature(con, "same_reason")
    assert [a for a, s in same.items() if not s] == ["r19", "r20", "r21", "r22"]


def test_f5_faster_than_reading(features):
    con, _ = features
    unread = _feature(con, "unread_reports")
    assert (unread["r10"], unread["r11"], unread["r12"], unread["r13"]) == (1, 0, 1, 0)  # 10 s counts, 11 s does not
    assert sum(unread.values()) == 2


def test_f6_harassment_group_against_the_target(features):
    con, _ = features
    attack, group = _feature(con, "attack"), _feature(con, "attack_group")
    assert [a for a, s in attack.items() if s] == ["r14", "r15"]  # cluster-9: two members went after her; cluster-8 one
    assert group["r14"] == "coordination group cluster-9" and group["r16"] is None


def test_f7_reached_by_a_call_to_report(features):
    con, _ = features
    called, by = _feature(con, "called"), _feature(con, "call_event_id")
    assert [a for a, s in called.items() if s] == ["r17", "r18"]  # r19 liked the call only after reporting
    assert by["r17"] == by["r18"] == "call1"
    calls = con.execute("SELECT account_id, event_id, languages, how, lead_s FROM mass_report_calls").fetchall()
    assert calls == [("caller", "call1", "en", "mentions it, names its handle", 3660.0)]  # an hour before the first report


def test_f8_co_report_ties(features):
    con, _ = features
    tie, partners = _feature(con, "tie"), _feature(con, "tie_partners")
    # r20-r21: two other targets only they reported; r17-r18: one (d1), the other (c1) 2 of 7 reporters; r22's
    # partner is no reporter of the wave; the wave's own target never counts
    assert [a for a, s in tie.items() if s] == ["r20", "r21"] and partners["r20"] == 1
    assert build_mass_reporting(con, MassReportingParams(min_tie_targets=1))[0] == 1
    try:
        assert [a for a, s in _feature(con, "tie").items() if s] == ["r17", "r18", "r20", "r21"]
    finally:
        build_mass_reporting(con, MassReportingParams())


def test_a_wave_with_only_supporting_marks_is_a_surge_that_flags_nobody(features):
    con, (_, _, flagged) = features
    (coordinated, marks, score, verdict), = con.execute("SELECT coordinated, marks, score, verdict FROM mass_report_waves").fetchall()
    # 20 of 22 strangers; new 2/22, harassment group 2/22, reached 2/22, unread 2/22, ties 2/22: all below their floors
    assert (coordinated, marks, score) == (False, "one reason, synchronised", 0.45)  # 0.25 strangers + 2 x 0.1
    assert verdict.startswith("Surge, no coordination found: 22 accounts filed 24 reports against @victim_h on x")
    assert "reasons" not in verdict and "83% of the reports give one reason (harassment)" in verdict
    assert flagged == 0 and con.execute("SELECT count(*) FROM mass_report_participants WHERE flagged").fetchall() == [(0,)]


def test_a_coordinated_wave_flags_strangers_with_its_reason_or_a_mark_and_the_organiser(features):
    con, _ = features
    try:  # the reach of the call (2 of 22 reporters) made a mark
        assert build_mass_reporting(con, MassReportingParams(min_called_share=0.09))[1:] == (1, 19)
        flags = dict(con.execute("SELECT account_id, score FROM account_signals WHERE signal = 'mass_reporting'").fetchall())
        # not r01, r02 (earlier contact), r19 (other reason, no mark), r22 (spam, its tie is to no reporter)
        assert sorted(flags) == sorted(["caller", *[f"r{n:02d}" for n in range(3, 19)], "r20", "r21"])
        # 0.4 + 0.15 per own mark + 0.05 for the wave's reason
        assert (flags["caller"], flags["r03"], flags["r04"], flags["r17"], flags["r20"]) == (0.8, 0.45, 0.6, 0.6, 0.55)
        evidence = con.execute("SELECT evidence FROM account_signals WHERE account_id = 'r17'").fetchall()[0][0]
        assert evidence.startswith("Filed 1 of the 24 reports that 22 accounts sent against @victim_h on x in report-wave-001")
        assert "was reached by the call to report call1" in evidence
    finally:
        build_mass_reporting(con, MassReportingParams())


@pytest.mark.parametrize(("change", "coordinated", "strong"), [
    ({}, True, ["new accounts"]),
    ({"new_share": 0.2499}, False, []),                        # below min_new_share 0.25
    ({"new_share": 0.25, "platform_new": 0.125}, True, ["new accounts"]),  # exactly twice the platform: departs
    ({"new_share": 0.25, "platform_new": 0.1251}, False, []),
    ({"reporters": 7}, False, ["new accounts"]),               # fewer than min_reporters 8
    ({"stranger_share": 0.49}, False, ["new accounts"]),
    ({"new_share": 0.0, "attack_share": 0.2}, True, ["harassment groups"]),
    ({"new_share": 0.0, "unread_share": 0.3, "platform_unread": 0.2}, False, []),  # 0.3 < 2 x 0.2
    ({"new_share": 0.0, "tie_share": 0.2, "called_share": 0.2}, True, ["calls to report", "co-report ties"]),
])
def test_the_verdict_rule_at_its_boundaries(change, coordinated, strong):
    row = {"side": "reports", "reporters": 8, "stranger_share": 0.5, "new_share": 0.5, "platform_new": 0.05, "attack_share": 0.0,
           "called_share": 0.0, "unread_share": 0.0, "platform_unread": 0.0, "tie_share": 0.0, "serial_share": 0.0, "platform_serial": 0.0,
           "reason_share": 0.5, "sync_span_s": 7200.0}
    found = judge({**row, **change}, MassReportingParams())
    assert (found[0], found[2]) == (coordinated, strong)
    assert found[3] == ["synchronised"]  # 120 minutes, inclusive; one reason for only half of the reports is no mark


@pytest.mark.parametrize(("text", "category"), [
    ("Harassment", "harassment"), ("targeted harassment", "harassment"), ("harassment/bullying", "harassment"),
    ("Hate_speech", "hate_speech"), ("hate speech", "hate_speech"), ("whatever", "whatever"), ("spam/scam", "spam"),
    ("Spam", "spam"), ("this is a bot", "this is a bot"), ("fake account impersonation", "impersonation"),
    ("Мошенник", "scam"), ("حساب مزيف 🤖", "impersonation"), ("", "(none)"),
])
def test_reasons_fall_into_categories(text, category):
    assert reason_category(text) == category


@pytest.mark.parametrize(("gap", "pair"), [(59, True), (60, True), (61, False)])
def test_co_report_pairs_reporters_of_the_same_account_within_the_window(event, database, edge_weights, gap, pair):
    rows = [event(a, 1000 * k + (gap if a == "b" else 0), "report", target_account_id=f"victim{k}") for k in range(3) for a in "ab"]
    rows.append(event("c", 5000, "report", target_post_id="lost"))   # a post whose author is unknown: its own object
    rows.append(event("d", 5010, "report", target_post_id="p9"))    # p9's author is known: the same object as a report of her
    rows.append(event("her", 100, "post", event_id="p9"))
    rows.append(event("e", 5020, "report", target_account_id="her"))
    rows.append(event("f", 5030, "report", target_account_id="f"))  # reporting oneself is no object
    con = database(rows)
    coaction_edges(con, window_seconds=60, min_weight=1, behaviours=("co_report",), alpha=None)
    expected = {("a", "b"): 3} if pair else {}
    assert edge_weights(con) == {**expected, ("d", "e"): 1}
    objects = {o for (o,) in con.sql("SELECT DISTINCT object_id FROM coaction_evidence").fetchall()}
    assert "x:report:@her" in objects


def test_the_asset_check_passes_and_fails(features, tmp_path):
    con, _ = features
    path = tmp_path / "check.duckdb"
    build_mass_reporting(con, MassReportingParams(min_called_share=0.09))  # a coordinated wave with flags
    try:
        con.execute(f"ATTACH '{path}' AS copy")
        for table in ("mass_report_waves", "account_signals"):
            con.execute(f"CREATE TABLE copy.{table} AS SELECT * FROM {table}")
        con.execute("DETACH copy")
    finally:
        build_mass_reporting(con, MassReportingParams())
    resource = DuckDBResource(database=str(path))
    assert report_waves_well_formed(duckdb=resource).passed
    with duckdb.connect(str(path)) as tampered:
        tampered.execute("UPDATE account_signals SET group_key = 'report-wave-404' WHERE account_id = 'r03'")
        tampered.execute("UPDATE mass_report_waves SET end_ts = start_ts - INTERVAL 1 MINUTE")
    result = report_waves_well_formed(duckdb=resource)
    assert not result.passed and result.metadata["malformed"].value == 2


@pytest.mark.parametrize(("text", "language"), [
    ("Everyone report @lena_v", "en"), ("mass-report this account", "en"), ("Report her account now", "en"),
    ("Denuncien a @lena_v por odio", "es"), ("denunciem esta conta", "pt"), ("Signalez ce compte", "fr"), ("Bitte melden!", "de"),
    ("segnalate questo profilo", "it"), ("Кидайте жалобы на её аккаунт", "ru"), ("Поскаржтеся на цей акаунт", "uk"),
    ("بلغوا عن هذا الحساب", "ar"), ("این حساب را گزارش کنید", "fa"), ("इस अकाउंट को रिपोर्ट करो", "hi"), ("Şikayet edin", "tr"),
    ("大家一起举报这个账号", "zh"), ("このアカウントを通報して", "ja"),
])
def test_calls_to_report_in_every_language_pass_the_sql_prefilter(text, language):
    assert language in call_languages(text)
    assert re.search(PREFILTER, text, re.IGNORECASE)  # the SQL keeps every text Python would read as a call


@pytest.mark.parametrize("text", ["I reported it yesterday", "Read the report by @lena_v", "la denuncia fue archivada", "signal lost"])
def test_words_about_reports_are_no_calls(text):
    assert call_languages(text) == []
