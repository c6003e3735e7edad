"""The mass_reporting signal's parts of the report, the evidence package and the outputs (``SIGNAL_REPORT``).

- methods: waves, the two measures, calls to report, the eight reporter features and the verdict rule in plain
  language, with the parameters the run used, and every wave of the run with its verdict (surges included:
  "no coordination found");
- section, in every campaign with mass_reporting flags (``templates/mass_reporting.html``): one part per
  target of the campaign's waves: the timeline of reports per bin (with the baseline's expectation) or of
  notices, with the calls to report marked; the reasons given; the reporter cluster graph (co-report ties,
  co-action ties and who was reached by which call); and the evidence rows (reports, notices, calls);
- evidence: the reports of the flagged reporters, the organisers' calls and the amplifiers' reposts; the
  package's ``report_wave_events.csv`` has every report, notice, call and amplification of the campaign's
  waves, flagged or not, with the UTC time and the source file and line;
- outputs: ``mass_reporting_waves.csv``, ``mass_reporting_participants.csv`` and ``mass_reporting.html``, a
  page with the part of every target with a wave, coordinated or not.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import networkx as nx
import plotly.graph_objects as go

from mobtrace.analysis.mass_reporting.calls import REPORT_WORDS
from mobtrace.analysis.mass_reporting.params import MassReportingParams
from mobtrace.analysis.sql import has_table
from mobtrace.dashboards.coordination import component_layout
from mobtrace.dashboards.evidence import csv_bytes, iso_ms, post_url, profile_url
from mobtrace.dashboards.html import (
    BOOT_SCRIPT, CONTENT_SECURITY_POLICY, MEMBER_COLOUR, NEUTRAL_COLOUR, OTHER_COLOUR, PALETTE, Column, Figures, Markup,
    account_label, clip, hover, render_macro, table, timestamp,
)
from mobtrace.dashboards.outputs import copy_csv
from mobtrace.dashboards.signals import EvidenceRow, SignalReport

MAX_EVENTS_SHOWN = 200      # evidence rows listed per target (all are in report_wave_events.csv)
MAX_GRAPH_NODES = 300
MAX_PAGE_TARGETS = 60
WAVE_COLUMNS = [
    "wave_id", "side", "platform", "target_kind", "target_id", "target_label", "start_ts", "peak_ts", "end_ts", "reports", "reporters",
    "notices", "expected", "p_value", "kleinberg_level", "stranger_share", "new_share", "platform_new", "attack_share", "called_share",
    "unread_share", "platform_unread", "tie_share", "serial_share", "platform_serial", "reason_mode", "reason_share", "sync_span_s",
    "calls", "organisers", "amplifiers", "reversals", "coordinated", "score", "marks", "verdict",
]
PARTICIPANT_COLUMNS = [
    "wave_id", "platform", "account_id", "role", "first_ts", "last_ts", "events", "reason", "same_reason", "prior_contacts", "stranger",
    "created_at", "age_days", "new_account", "other_targets", "serial", "unread_reports", "attack_group", "attack", "call_event_id",
    "called", "tie_partners", "tie", "flagged",
]
EVENT_COLUMNS = ["wave_id", "kind", "time_utc", "platform", "id", "account_id", "handle", "role", "flagged", "what", "text", "link",
                 "source_file", "source_line"]
EVENTS_README = """report_wave_events.csv  For the mass_reporting signal: every report, moderation notice, call to report and
               amplification of the report waves behind this campaign (flagged or not), with the UTC time, the
               reason or text, and the source file and line it was read from.
"""
ROLE_COLOURS = {"organiser": PALETTE[3], "amplifier": PALETTE[1], "reporter": OTHER_COLOUR}


def _has_tables(con) -> bool:
    """Whether the mass_reporting step ran on this database."""
    found = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return {"mass_report_waves", "mass_report_participants", "mass_report_calls", "mass_report_series", "mass_report_wave_reports"} <= found


# --- methods ------------------------------------------------------------------------------------------


def methods(con: duckdb.DuckDBPyConnection, parameters: dict[str, dict[str, object]]) -> str:
    params = MassReportingParams.from_record(parameters.get(MassReportingParams.step, {}))
    waves = con.execute("SELECT wave_id, verdict FROM mass_report_waves ORDER BY wave_id").fetchall() if _has_tables(con) else []
    return render_macro("mass_reporting.html", "methods", params=params, waves=waves, languages=", ".join(REPORT_WORDS))


# --- the section in a campaign --------------------------------------------------------------------------


def section(con: duckdb.DuckDBPyConnection, campaign_id: str, figures: Figures) -> str:
    if not _has_tables(con):
        return render_macro("mass_reporting.html", "section", targets=[])
    targets = con.execute(
        """SELECT DISTINCT w.platform, w.target_kind, w.target_id
           FROM account_signals AS s JOIN campaign_accounts AS c USING (platform, account_id)
           JOIN mass_report_waves AS w ON w.wave_id = s.group_key
           WHERE c.campaign_id = ? AND s.signal = 'mass_reporting' ORDER BY ALL""", [campaign_id]).fetchall()
    return render_macro("mass_reporting.html", "section", targets=[target_part(con, *target, figures) for target in targets])


def target_part(con: duckdb.DuckDBPyConnection, platform: str, kind: str, target_id: str, figures: Figures) -> dict[str, object]:
    """One target's part: its waves and verdicts, timeline, reasons, reporter graph and evidence rows."""
    waves = con.execute(
        """SELECT wave_id, side, coordinated, score, verdict, target_label FROM mass_report_waves
           WHERE platform = ? AND target_kind = ? AND target_id = ? ORDER BY start_ts""", [platform, kind, target_id]).fetchall()
    wave_ids = [w[0] for w in waves]
    label = waves[0][5] if waves else target_id
    handle = label[1:] if label.startswith("@") else None
    anchor = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in f"reports-{platform}-{kind}-{target_id}")[:120]
    graph = reporter_graph(con, wave_ids)
    return {
        "anchor": anchor, "label": label, "platform": platform,
        "profile": profile_url(platform, target_id, handle) if kind == "account" else post_url(platform, target_id),
        "waves": [{"id": w, "side": side, "coordinated": bool(c), "score": f"{score:.2f}", "verdict": verdict}
                  for w, side, c, score, verdict, _ in waves],
        "timeline": figures.add(*timeline_figure(con, platform, kind, target_id, wave_ids, label), height=360),
        "reasons": reasons_table(con, wave_ids),
        "graph": figures.add(*graph, height=480) if graph else None,
        "events": events_table(con, wave_ids),
    }


def timeline_figure(con, platform: str, kind: str, target_id: str, wave_ids: list[str], label: str) -> tuple[go.Figure, str]:
    """Reports per bin with the baseline's expectation, notices and calls to report marked, waves shaded."""
    series = con.execute(
        """SELECT bin_start, reports, expected FROM mass_report_series
           WHERE platform = ? AND target_kind = ? AND target_id = ? ORDER BY bin_start""", [platform, kind, target_id]).fetchall()
    notices = con.execute(
        "SELECT ts, action, reason FROM notices WHERE platform = ? AND account_id = ? ORDER BY ts, notice_id", [platform, target_id]
    ).fetchall() if kind == "account" else []
    calls = con.execute(
        """SELECT c.ts, c.platform, c.event_id, coalesce('@' || a.handle, c.account_id), c.languages, i.text
           FROM mass_report_calls AS c JOIN interactions AS i USING (platform, event_id)
           LEFT JOIN accounts AS a ON a.platform = c.platform AND a.account_id = c.account_id
           WHERE list_contains(?, c.wave_id) ORDER BY c.ts, c.event_id""", [wave_ids]).fetchall()
    waves = con.execute("SELECT wave_id, start_ts, end_ts, coordinated FROM mass_report_waves WHERE list_contains(?, wave_id)",
                        [wave_ids]).fetchall()
    top = max([r[1] for r in series] + [1])
    figure = go.Figure()
    if series:
        figure.add_trace(go.Bar(x=[r[0] for r in series], y=[r[1] for r in series], name="reports", marker={"color": OTHER_COLOUR},
                                hovertemplate="%{x|%Y-%m-%d %H:%M} UTC: %{y} reports<extra></extra>"))
        figure.add_trace(go.Scatter(x=[r[0] for r in series], y=[round(r[2], 2) for r in series], name="expected (baseline)", mode="lines",
                                    line={"color": "#000000", "width": 1.5, "dash": "dot"},
                                    hovertemplate="%{x|%Y-%m-%d %H:%M} UTC: %{y} expected<extra></extra>"))
    if notices:
        figure.add_trace(go.Scatter(
            x=[n[0] for n in notices], y=[0] * len(notices), mode="markers", name="moderation notice",
            marker={"symbol": "x", "size": 12, "color": PALETTE[5]}, hoverinfo="text",
            hovertext=[hover(f"notice: {action}", f"{timestamp(ts)} UTC", f"stated reason: {reason or 'none'}")
                       for ts, action, reason in notices],
        ))
    if calls:
        figure.add_trace(go.Scatter(
            x=[c[0] for c in calls], y=[top * 1.1] * len(calls), mode="markers", name="call to report",
            marker={"symbol": "triangle-down", "size": 12, "color": PALETTE[3]}, hoverinfo="text",
            hovertext=[hover(f"call to report by {author} on {p}", f"{timestamp(ts)} UTC, {languages}", text or "")
                       for ts, p, _, author, languages, text in calls],
        ))
    for wave_id, start, end, coordinated in waves:
        figure.add_vrect(x0=start, x1=end, fillcolor=MEMBER_COLOUR if coordinated else NEUTRAL_COLOUR, opacity=0.25, line_width=0,
                         annotation_text=wave_id, annotation_position="top left", annotation_font_size=10)
    figure.update_layout(height=360, template="plotly_white", yaxis_title="reports per bin", bargap=0,
                         legend={"orientation": "h", "y": 1.15}, margin={"l": 60, "r": 10, "t": 40, "b": 40})
    caption = (f"Reports against {label} per bin (UTC) with the count its own past leads one to expect, the moderation notices it "
               f"received (crosses) and the calls to report naming it (triangles, on any platform); {len(waves)} wave(s) shaded, "
               "coordinated ones in orange.")
    return figure, caption


def reasons_table(con, wave_ids: list[str]):
    rows = con.execute(
        """WITH counted AS (
               SELECT wave_id, reason, count(*) AS reports,
                      string_agg(DISTINCT left(coalesce(reason_text, ''), 60), ' | ' ORDER BY left(coalesce(reason_text, ''), 60)) AS wordings
               FROM mass_report_wave_reports WHERE list_contains(?, wave_id) GROUP BY wave_id, reason
           )
           SELECT wave_id, reason, reports, reports / sum(reports) OVER (PARTITION BY wave_id) AS share, wordings
           FROM counted ORDER BY wave_id, reports DESC, reason""", [wave_ids]).fetchall()
    columns = [Column("wave"), Column("reason (category)"), Column("reports", True), Column("share", True),
               Column("as written", css="evidence")]
    return table(columns, [[w, reason, n, (f"{share:.0%}", share), wordings] for w, reason, n, share, wordings in rows], sortable=True)


def reporter_graph(con, wave_ids: list[str]) -> tuple[go.Figure, str] | None:
    """The waves' reporters, organisers and amplifiers with their ties: significant co-report ties, other
    significant co-action ties (the coordination graph), and a call's reach (its organiser to each account it
    reached or that amplified it). None when no tie joins two of them."""
    people = {(p, a): (role, flagged, handle, marks) for p, a, role, flagged, handle, marks in con.execute(
        """SELECT p.platform, p.account_id, min(p.role), bool_or(p.flagged), any_value(a.handle),
                  concat_ws(', ', CASE WHEN bool_or(p.new_account) THEN 'new account' END,
                            CASE WHEN bool_or(p.attack) THEN 'harassment group' END,
                            CASE WHEN bool_or(p.called) THEN 'reached by a call' END, CASE WHEN bool_or(p.tie) THEN 'co-report tie' END)
           FROM mass_report_participants AS p LEFT JOIN accounts AS a USING (platform, account_id)
           WHERE list_contains(?, p.wave_id) GROUP BY ALL""", [wave_ids]).fetchall()}
    graph = nx.Graph()
    ties = con.execute("SELECT platform, a_account, b_account FROM mass_report_ties").fetchall() if has_table(con, "mass_report_ties") else []
    for platform, a, b in ties:
        if (platform, a) in people and (platform, b) in people:
            graph.add_edge((platform, a), (platform, b), kind="co-report tie")
    if has_table(con, "coordination_graph"):
        for ap, a, bp, b in con.execute("SELECT a_platform, a_account, b_platform, b_account FROM coordination_graph").fetchall():
            if (ap, a) in people and (bp, b) in people and not graph.has_edge((ap, a), (bp, b)):
                graph.add_edge((ap, a), (bp, b), kind="co-action tie")
    for platform, account, organiser in con.execute(
            """SELECT p.platform, p.account_id, c.account_id FROM mass_report_participants AS p
               JOIN mass_report_calls AS c ON c.wave_id = p.wave_id AND c.event_id = p.call_event_id AND c.platform = p.platform
               WHERE list_contains(?, p.wave_id) AND p.role <> 'organiser'""", [wave_ids]).fetchall():
        if (platform, organiser) in people and not graph.has_edge((platform, account), (platform, organiser)):
            graph.add_edge((platform, account), (platform, organiser), kind="reached by the call")
    if graph.number_of_edges() == 0:
        return None
    note = ""
    if graph.number_of_nodes() > MAX_GRAPH_NODES:
        keep = sorted(graph.nodes, key=lambda n: (-graph.degree(n), n))[:MAX_GRAPH_NODES]
        note = f"Showing the {MAX_GRAPH_NODES} most tied of {graph.number_of_nodes()} accounts. "
        graph = graph.subgraph(keep).copy()
    positions = component_layout(graph)
    figure = go.Figure()
    for kind, dash in (("co-report tie", "solid"), ("co-action tie", "dot"), ("reached by the call", "dash")):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for a, b, data in sorted(graph.edges(data=True)):
            if data["kind"] == kind:
                xs += [positions[a][0], positions[b][0], None]
                ys += [positions[a][1], positions[b][1], None]
        if xs:
            figure.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=kind, line={"width": 1.5, "color": "#8c8c8c", "dash": dash},
                                        hoverinfo="skip"))
    for role, colour in ROLE_COLOURS.items():
        nodes = sorted(n for n in graph.nodes if people[n][0] == role)
        if not nodes:
            continue
        figure.add_trace(go.Scatter(
            x=[positions[n][0] for n in nodes], y=[positions[n][1] for n in nodes], mode="markers", name=role,
            marker={"size": 11, "color": colour, "symbol": ["circle" if people[n][1] else "circle-open" for n in nodes],
                    "line": {"width": 1, "color": "#333"}},
            hovertext=[hover(account_label(people[n][2], n[1]), f"{n[0]}, {role}", "flagged" if people[n][1] else "not flagged",
                             people[n][3] or "no mark of its own") for n in nodes],
            hoverinfo="text",
        ))
    figure.update_layout(height=480, template="plotly_white", xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"},
                         legend={"orientation": "h", "y": 1.08}, margin={"l": 10, "r": 10, "t": 30, "b": 10})
    note += (f"{graph.number_of_nodes()} accounts, {graph.number_of_edges()} ties: significant co-report ties (solid), other co-action "
             "ties (dotted), and a call to report's organiser to the accounts it reached (dashed). Filled: flagged.")
    return figure, note


def _event_rows(con, wave_ids: list[str], limit: int | None = None) -> list[tuple]:
    """(wave, kind, ts, platform, id, account, handle, role, flagged, what, text, conversation, source file, line) of every report,
    notice, call and amplification of the waves, by time."""
    return con.execute(
        f"""WITH rows AS (
                SELECT r.wave_id, 'report' AS kind, r.ts, r.platform, r.event_id AS id, r.account_id, 'reporter' AS role,
                       'report: ' || r.reason || coalesce(' (post ' || r.post_id || ')', '') AS what, r.reason_text AS text
                FROM mass_report_wave_reports AS r WHERE list_contains($1, r.wave_id)
                UNION ALL
                SELECT c.wave_id, 'call to report', c.ts, c.platform, c.event_id, c.account_id, 'organiser',
                       'call to report (' || c.languages || '; ' || c.how || ')', NULL
                FROM mass_report_calls AS c WHERE list_contains($1, c.wave_id)
                UNION ALL
                SELECT a.wave_id, 'amplification', a.ts, a.platform, a.event_id, a.account_id, 'amplifier',
                       a.action || ' of the call ' || a.call_event_id, NULL
                FROM mass_report_amplifications AS a WHERE list_contains($1, a.wave_id)
                UNION ALL
                SELECT m.wave_id, 'notice', n.ts, n.platform, n.notice_id, n.account_id, 'target',
                       'notice: ' || n.action || coalesce(' (' || n.post_id || ')', '') || coalesce(', stated reason: ' || n.reason, ''), n.text
                FROM mass_report_wave_notices AS m JOIN notices AS n USING (platform, notice_id) WHERE list_contains($1, m.wave_id)
            )
            SELECT r.wave_id, r.kind, r.ts, r.platform, r.id, r.account_id, coalesce(a.handle, i.account_handle), r.role,
                   coalesce(p.flagged, FALSE), r.what, coalesce(r.text, i.text), i.conversation_id,
                   coalesce(i.source_file, n.source_file), coalesce(i.source_line, n.source_line)
            FROM rows AS r
            LEFT JOIN interactions AS i ON r.kind <> 'notice' AND i.platform = r.platform AND i.event_id = r.id
            LEFT JOIN notices AS n ON r.kind = 'notice' AND n.platform = r.platform AND n.notice_id = r.id
            LEFT JOIN accounts AS a ON a.platform = r.platform AND a.account_id = r.account_id
            LEFT JOIN mass_report_participants AS p
              ON p.wave_id = r.wave_id AND p.platform = r.platform AND p.account_id = r.account_id AND p.role = r.role
            ORDER BY r.ts, r.wave_id, r.kind, r.platform, r.id
            {'' if limit is None else f'LIMIT {int(limit)}'}""", [wave_ids]).fetchall()


def events_table(con, wave_ids: list[str]):
    rows = _event_rows(con, wave_ids, MAX_EVENTS_SHOWN)
    columns = [Column("time (UTC)"), Column("wave"), Column("account"), Column("flagged"), Column("what"), Column("text", css="evidence"),
               Column("source")]
    body = [[timestamp(ts), wave, _linked(f"{platform}: {account_label(handle, account)}", profile_url(platform, account, handle)),
             "yes" if flagged else "", what, clip(text), f"{Path(source).name}:{line}" if source else ""]
            for wave, _kind, ts, platform, _id, account, handle, _role, flagged, what, text, _conv, source, line in rows]
    return table(columns, body, sortable=True)


def _linked(text: str, url: str | None) -> Markup:
    """``text`` as a link to ``url`` (a URL built from ids by dashboards.evidence, never one read from the data)."""
    if not url:
        return Markup("{}").format(text)
    return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(url, text)


# --- evidence package and outputs ---------------------------------------------------------------------


def _campaign_waves(con, campaign_id: str) -> list[str]:
    if not _has_tables(con):
        return []
    return [w for (w,) in con.execute(
        """SELECT DISTINCT s.group_key FROM account_signals AS s JOIN campaign_accounts AS c USING (platform, account_id)
           WHERE c.campaign_id = ? AND s.signal = 'mass_reporting' ORDER BY 1""", [campaign_id]).fetchall()]


def evidence(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[EvidenceRow]:
    """The reports of the flagged reporters, the organisers' calls and the amplifiers' reposts and quotes."""
    waves = _campaign_waves(con, campaign_id)
    if not waves:
        return []
    return con.execute(
        """SELECT r.platform, r.account_id, r.platform, r.event_id, 'mass_reporting: report in ' || r.wave_id
           FROM mass_report_wave_reports AS r
           JOIN mass_report_participants AS p ON p.wave_id = r.wave_id AND p.platform = r.platform AND p.account_id = r.account_id
                                             AND p.role = 'reporter' AND p.flagged
           WHERE list_contains($1, r.wave_id)
           UNION
           SELECT c.platform, c.account_id, c.platform, c.event_id, 'mass_reporting: call to report before ' || c.wave_id
           FROM mass_report_calls AS c WHERE list_contains($1, c.wave_id)
           UNION
           SELECT a.platform, a.account_id, a.platform, a.event_id, 'mass_reporting: amplified a call to report before ' || a.wave_id
           FROM mass_report_amplifications AS a WHERE list_contains($1, a.wave_id)
           ORDER BY ALL""", [waves]).fetchall()


def package_files(con: duckdb.DuckDBPyConnection, campaign_id: str) -> dict[str, bytes]:
    """``report_wave_events.csv``: every report, notice, call and amplification of the campaign's waves (no file
    for a campaign without a wave)."""
    waves = _campaign_waves(con, campaign_id)
    if not waves:
        return {}
    rows = _event_rows(con, waves)
    events = [
        dict(zip(EVENT_COLUMNS, [wave, kind, iso_ms(ts), platform, id_, account, handle or "", role, "yes" if flagged else "no", what,
                                 text or "", (post_url(platform, id_, handle, conversation) or "") if kind != "notice" else "",
                                 Path(source).name if source else "", line if line is not None else ""]))
        for wave, kind, ts, platform, id_, account, handle, role, flagged, what, text, conversation, source, line in rows
    ]
    return {"report_wave_events.csv": csv_bytes(events, EVENT_COLUMNS)}


def outputs(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict[str, Path]:
    """Write the wave and participant tables as CSV and ``mass_reporting.html``; return their paths by name."""
    if not _has_tables(con):
        return {}
    paths = {"mass_reporting_waves": out_dir / "mass_reporting_waves.csv",
             "mass_reporting_participants": out_dir / "mass_reporting_participants.csv",
             "mass_reporting_page": out_dir / "mass_reporting.html"}
    copy_csv(con, f"SELECT {', '.join(WAVE_COLUMNS)} FROM mass_report_waves ORDER BY wave_id", paths["mass_reporting_waves"])
    copy_csv(con, f"SELECT {', '.join(PARTICIPANT_COLUMNS)} FROM mass_report_participants ORDER BY ALL", paths["mass_reporting_participants"])
    paths["mass_reporting_page"].write_text(targets_page(con), encoding="utf-8")
    return paths


def targets_page(con: duckdb.DuckDBPyConnection) -> str:
    """The page of every target with a wave: coordinated ones first, then by reports."""
    figures = Figures()
    targets = con.execute(
        f"""SELECT platform, target_kind, target_id FROM mass_report_waves GROUP BY ALL
            ORDER BY bool_or(coordinated) DESC, sum(reports) DESC, platform, target_kind, target_id LIMIT {MAX_PAGE_TARGETS}""").fetchall()
    parts = [target_part(con, *target, figures) for target in targets]
    return str(render_macro("mass_reporting.html", "page", content_security_policy=CONTENT_SECURITY_POLICY, boot_script=Markup(BOOT_SCRIPT),
                            targets=parts, figures=figures))


SIGNAL_REPORT = SignalReport(
    "mass_reporting", "Mass reporting", methods=methods, section=section, evidence=evidence, outputs=outputs,
    package_files=package_files, package_readme=EVENTS_README,
)
