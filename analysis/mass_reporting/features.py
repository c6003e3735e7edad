"""The features of every wave's reporters (``features.sql``) and each wave's verdict, score and sentence.

``wave_features`` prepares what the SQL reads from other detectors (their absence is no error: burst episodes
by target, significant co_report ties), maps the report reasons to categories (``reasons.py``), runs
``features.sql``, and judges every wave with ``judge`` (the rule is in the package docstring).

>>> from mobtrace.analysis.mass_reporting.params import MassReportingParams
>>> row = {"side": "reports", "reporters": 30, "stranger_share": 1.0, "new_share": 0.5, "platform_new": 0.05, "attack_share": 0.0,
...        "called_share": 0.0, "unread_share": 0.0, "platform_unread": 0.0, "tie_share": 0.0, "serial_share": 0.0,
...        "platform_serial": 0.0, "reason_share": 0.97, "sync_span_s": 3600.0}
>>> judge(row, MassReportingParams())
(True, 0.65, ['new accounts'], ['one reason', 'synchronised'])
>>> judge({**row, "new_share": 0.06}, MassReportingParams())
(False, 0.45, [], ['one reason', 'synchronised'])
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from mobtrace.analysis.mass_reporting.params import MassReportingParams
from mobtrace.analysis.mass_reporting.reasons import reason_category
from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent
STRONG = ("new accounts", "harassment groups", "calls to report", "faster than reading", "co-report ties")
WEAK = ("one reason", "synchronised", "serial reporters")


def wave_features(con: duckdb.DuckDBPyConnection, params: MassReportingParams) -> int:
    """Write ``mass_report_participants``, ``mass_report_wave_features`` and the verdict columns of
    ``mass_report_waves``; return the number of coordinated waves."""
    _reason_map(con)
    _attack_sources(con)
    _report_only_groups(con)
    _ties(con)
    run_script(con, HERE / "features.sql", read_seconds=params.read_seconds, new_account_days=params.new_account_days,
               many_targets=params.many_targets, min_tie_targets=params.min_tie_targets)
    return _judge_waves(con, params)


def _reason_map(con) -> None:
    texts = [text for (text,) in con.execute("SELECT DISTINCT coalesce(reason_text, '') FROM mass_report_reports").fetchall()]
    frame = pd.DataFrame({"reason_text": texts, "category": [reason_category(t) for t in texts]}, dtype="string")
    con.register("mass_report_reason_rows", frame)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE mass_report_reason_map AS SELECT * FROM mass_report_reason_rows")
    finally:
        con.unregister("mass_report_reason_rows")


def _report_only_groups(con) -> None:
    """Coordination groups whose ties inside the group are all co_report (a group that only reports together: a
    report farm, which F8 reads, is no harassment cluster). Empty without the coordination graph."""
    con.execute("CREATE OR REPLACE TEMP TABLE mass_report_report_only_groups (platform VARCHAR, group_key VARCHAR)")
    if "coordination_graph" in table_names(con):
        con.execute(
            """INSERT INTO mass_report_report_only_groups
               WITH members AS (
                   SELECT platform, account_id, group_key FROM account_signals
                   WHERE signal = 'coordination' AND group_key NOT LIKE 'episode-%'
               )
               SELECT a.platform, a.group_key
               FROM coordination_graph AS g
               JOIN members AS a ON a.platform = g.a_platform AND a.account_id = g.a_account
               JOIN members AS b ON b.platform = g.b_platform AND b.account_id = g.b_account AND b.group_key = a.group_key
               GROUP BY ALL HAVING bool_and(g.behaviours = ['co_report'])""")


def table_names(con) -> set[str]:
    """The tables of a DuckDB connection, or of a Spark engine (which keeps its own list)."""
    if hasattr(con, "tables"):
        return con.tables()
    return {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def _attack_sources(con) -> None:
    """Burst episodes against an account (pile-ons), with the groups of their flagged accounts that did more than
    report in them: the burst detector counts reports as inbound events, and a report wave must not count as a
    pile-on against its own target. Empty without the burst step."""
    if {"burst_episodes", "burst_events"} <= table_names(con):
        con.execute(
            """CREATE OR REPLACE TEMP TABLE mass_report_attack_sources AS
               SELECT DISTINCT s.platform, s.account_id, s.group_key, s.signal, e.target_id
               FROM account_signals AS s JOIN burst_episodes AS e ON e.episode_id = s.group_key AND e.platform = s.platform
               WHERE s.signal IN ('burst', 'coordination') AND e.target_kind = 'account'
                 AND EXISTS (SELECT 1 FROM burst_events AS v WHERE v.episode_id = e.episode_id AND v.platform = s.platform
                             AND v.account_id = s.account_id AND v.action <> 'report')""")
    else:
        con.execute("""CREATE OR REPLACE TEMP TABLE mass_report_attack_sources (platform VARCHAR, account_id VARCHAR, group_key VARCHAR,
                       signal VARCHAR, target_id VARCHAR)""")


def _ties(con) -> None:
    """Significant co_report ties, both directions, and the targets each tied pair matched on (empty when the
    co-action step did not run co_report)."""
    con.execute("CREATE OR REPLACE TABLE mass_report_ties (platform VARCHAR, a_account VARCHAR, b_account VARCHAR)")
    con.execute("""CREATE OR REPLACE TEMP TABLE mass_report_tie_objects
                   (platform VARCHAR, a_account VARCHAR, b_account VARCHAR, object_id VARCHAR)""")
    tables = table_names(con)
    if "coaction_edges" in tables:
        con.execute(
            """INSERT INTO mass_report_ties
               SELECT a_platform, a_account, b_account FROM coaction_edges
               WHERE behaviour = 'co_report' AND coalesce(significant, FALSE) AND a_platform = b_platform
               UNION
               SELECT a_platform, b_account, a_account FROM coaction_edges
               WHERE behaviour = 'co_report' AND coalesce(significant, FALSE) AND a_platform = b_platform""")
    if {"coaction_edges", "coaction_pairs"} <= tables:  # the pairs of the significant edges (coaction.py)
        con.execute(
            """INSERT INTO mass_report_tie_objects
               SELECT DISTINCT p.a_platform, p.a_account, p.b_account, p.object_id FROM coaction_pairs AS p
               SEMI JOIN mass_report_ties AS t ON t.platform = p.a_platform AND t.a_account = p.a_account AND t.b_account = p.b_account
               WHERE p.behaviour = 'co_report'
               UNION
               SELECT DISTINCT p.a_platform, p.b_account, p.a_account, p.object_id FROM coaction_pairs AS p
               SEMI JOIN mass_report_ties AS t ON t.platform = p.a_platform AND t.a_account = p.a_account AND t.b_account = p.b_account
               WHERE p.behaviour = 'co_report'""")


def judge(row: dict, params: MassReportingParams) -> tuple[bool, float, list[str], list[str]]:
    """(coordinated, score, coordination marks, supporting marks) of a report wave's features."""
    ratio = params.departure_ratio
    strong = [name for name, holds in zip(STRONG, (
        row["new_share"] >= params.min_new_share and row["new_share"] >= ratio * row["platform_new"],
        row["attack_share"] >= params.min_attack_share,
        row["called_share"] >= params.min_called_share,
        row["unread_share"] >= params.min_unread_share and row["unread_share"] >= ratio * row["platform_unread"],
        row["tie_share"] >= params.min_tie_share,
    )) if holds]
    weak = [name for name, holds in zip(WEAK, (
        row["reporters"] >= 2 and row["reason_share"] >= params.min_reason_share,
        row["reporters"] >= 2 and row["sync_span_s"] is not None and row["sync_span_s"] <= params.sync_minutes * 60,
        row["serial_share"] >= params.min_serial_share and row["serial_share"] >= ratio * row["platform_serial"],
    )) if holds]
    strangers = row["stranger_share"] >= params.min_stranger_share
    coordinated = row["reporters"] >= params.min_reporters and strangers and bool(strong)
    score = round(min(1.0, 0.25 * strangers + 0.2 * len(strong) + 0.1 * len(weak)), 4)
    return coordinated, score, strong, weak


def _judge_waves(con, params: MassReportingParams) -> int:
    waves = con.execute(
        """SELECT w.*, f.* EXCLUDE (wave_id), coalesce('@' || a.handle, n.handle, w.target_id) AS target_label
           FROM mass_report_waves AS w JOIN mass_report_wave_features AS f USING (wave_id)
           LEFT JOIN accounts AS a ON a.platform = w.platform AND a.account_id = w.target_id AND w.target_kind = 'account'
           LEFT JOIN (SELECT platform, account_id, '@' || max(handle) AS handle FROM notices GROUP BY ALL) AS n
             ON n.platform = w.platform AND n.account_id = w.target_id
           ORDER BY w.wave_id""").df()
    actions = {wave: text for wave, text in con.execute(
        """SELECT wave_id, string_agg(action || CASE WHEN n > 1 THEN ' ×' || n ELSE '' END, ', ' ORDER BY first_ts) FROM (
               SELECT m.wave_id, n.action, count(*) AS n, min(n.ts) AS first_ts
               FROM mass_report_wave_notices AS m JOIN notices AS n USING (platform, notice_id) GROUP BY ALL)
           GROUP BY ALL""").fetchall()}
    verdicts = []
    for row in waves.to_dict("records"):
        row = {k: (None if pd.isna(v) else v) if not isinstance(v, (list, dict)) else v for k, v in row.items()}
        if row["side"] == "notices":
            coordinated = row["calls"] > 0
            score = round(0.6 + 0.2 * (row["amplifiers"] > 0) + 0.2 * (row["reversals"] > 0), 4) if coordinated else 0.0
            marks, verdict = ("calls to report" if coordinated else ""), _notice_verdict(row, actions.get(row["wave_id"], ""))
        else:
            coordinated, score, strong, weak = judge(row, params)
            marks, verdict = ", ".join(strong + weak), _report_verdict(row, coordinated, strong, weak, params)
        verdicts.append((row["wave_id"], row["target_label"], coordinated, score, marks, verdict))
    frame = pd.DataFrame(verdicts, columns=["wave_id", "target_label", "coordinated", "score", "marks", "verdict"])
    frame = frame.astype({"wave_id": "string", "target_label": "string", "coordinated": "bool", "score": "float64", "marks": "string",
                          "verdict": "string"})
    con.register("mass_report_verdicts", frame)
    try:
        con.execute(
            """CREATE OR REPLACE TABLE mass_report_waves AS
               SELECT w.*, f.* EXCLUDE (wave_id), v.target_label, v.coordinated, v.score, v.marks, v.verdict
               FROM mass_report_waves AS w JOIN mass_report_wave_features AS f USING (wave_id)
               JOIN mass_report_verdicts AS v USING (wave_id)
               ORDER BY w.wave_id""")
    finally:
        con.unregister("mass_report_verdicts")
    return int(frame.coordinated.sum())


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def duration(seconds: float) -> str:
    """A span in words: '45 seconds', '61 minutes', '20.3 hours', '3.2 days'.

    >>> duration(45), duration(3660), duration(73_000), duration(280_000)
    ('45 seconds', '61 minutes', '20.3 hours', '3.2 days')
    """
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    if seconds < 3 * 3600:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 86400:.1f} days"


def _report_verdict(row: dict, coordinated: bool, strong: list[str], weak: list[str], params: MassReportingParams) -> str:
    span = (row["end_ts"] - row["start_ts"]).total_seconds()
    head = (f"{row['reporters']} accounts filed {row['reports']} reports against {row['target_label']} on {row['platform']} from "
            f"{row['start_ts']:%Y-%m-%d %H:%M} to {row['end_ts']:%Y-%m-%d %H:%M} UTC ({duration(span)}), against "
            f"{row['expected']:.1f} expected from its own past (p = {row['p_value']:.1e}; Kleinberg level {row['kleinberg_level']} "
            f"on its share of the platform's reports)")
    levels = {
        "new accounts": f"{_percent(row['new_share'])} new accounts, at most {params.new_account_days} days old (platform "
                        f"{_percent(row['platform_new'])})",
        "harassment groups": f"{_percent(row['attack_share'])} in a harassment group against it ({row['attack_group']})"
        if row["attack_group"] else f"{_percent(row['attack_share'])} in a harassment group against it",
        "calls to report": f"{_percent(row['called_share'])} reached by a call to report ({row['calls']} call(s) by "
                           f"{row['organisers']} account(s))",
        "faster than reading": f"{_percent(row['unread_share'])} with a report faster than reading (platform "
                               f"{_percent(row['platform_unread'])})",
        "co-report ties": f"{_percent(row['tie_share'])} with a significant co-report tie to another reporter",
        "one reason": f"{_percent(row['reason_share'])} of the reports give one reason ({row['reason_mode']})",
        "synchronised": f"the middle 80% of reporters came within {duration(row['sync_span_s'] or 0)}",
        "serial reporters": f"{_percent(row['serial_share'])} serial reporters (platform {_percent(row['platform_serial'])})",
    }
    strangers = f"{_percent(row['stranger_share'])} had no earlier contact with it"
    if coordinated:
        also = f"; also: {', '.join(levels[m] for m in weak)}" if weak else ""
        return f"Coordinated report wave: {head}; {strangers}; coordination: {', '.join(levels[m] for m in strong)}{also}."
    if row["reporters"] < params.min_reporters:
        why = f"only {row['reporters']} reporters (fewer than {params.min_reporters})"
    elif row["stranger_share"] < params.min_stranger_share:
        why = f"only {strangers} (fewer than {_percent(params.min_stranger_share)})"
    else:
        why = (f"{strangers}, but no mark of coordination reaches its floor ({', '.join(levels[m] for m in STRONG)})")
    reasons = (f"; {levels['one reason']}" if "one reason" in weak else
               f"; reasons varied (the most common, {row['reason_mode']}, in {_percent(row['reason_share'])} of the reports)")
    return f"Surge, no coordination found: {head}; {why}{reasons}. Nobody is flagged for it."


def _notice_verdict(row: dict, actions: str) -> str:
    head = (f"{row['notices']} enforcement notices to {row['target_label']} on {row['platform']} from {row['start_ts']:%Y-%m-%d %H:%M} "
            f"to {row['end_ts']:%Y-%m-%d %H:%M} UTC ({actions})")
    reversed_ = (f"; {row['reversals']} of the platform's actions {'was' if row['reversals'] == 1 else 'were'} reversed (appeal granted "
                 "or restored)") if row["reversals"] else ""
    reports = f"; the report log holds {row['reports']} reports against it by {row['reporters']} accounts" if row["reports"] else ""
    if row["calls"] == 0:
        return (f"Notices cluster, no call to report found: {head}; no post naming it asked for reports beforehand{reversed_}{reports}. "
                "Nobody is flagged for it.")
    lead = (f"{duration(row['max_lead_s'])} before the first notice" if row["min_lead_s"] == row["max_lead_s"] or row["min_lead_s"] < 0
            else f"{duration(row['min_lead_s'])} to {duration(row['max_lead_s'])} before the first notice")
    amplified = f", amplified by {row['amplifiers']} account(s)" if row["amplifiers"] else ""
    return (f"Notice wave after calls to report: {head} came after {row['calls']} call(s) to report naming it ({row['call_languages']}) "
            f"by {row['organisers']} account(s), posted {lead}{amplified}{reversed_}{reports}.")
