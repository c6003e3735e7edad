"""The HTML campaign report: one folder that opens from disk with no network.

``write_report(con, out_dir)`` writes ``report.html`` with ``report.css`` and ``plotly.min.js`` beside it
(never a CDN, no web fonts). The page is rendered from the Jinja2 templates in ``templates/``
(``report.html`` and the ``report_*.html`` it includes) with the data gathered here. It has

- an overview: what was analysed (input files with SHA-256, rows, time span), the parameters of every
  step, the campaigns ranked by score, accounts per signal, and the quarantined rows per reason;
- one section per campaign (the ``max_campaign_sections`` best-scored): why these accounts form a
  campaign, the activity aimed at its targets by members against everyone else, each signal's own part
  (its ``SignalReport.section``, see ``dashboards.signals``; for coordination the account network, the
  reaction-time histogram and the strongest ties), the posts behind the campaign, the sortable account
  table with every account's evidence, and when the accounts were created;
- the methods: each signal's definition and parameters in plain language (its ``SignalReport.methods``),
  how groups become campaigns, and what the tool cannot tell.

Safety: see ``dashboards.html``; every data value is escaped by the templates and the page's
Content-Security-Policy lets no injected script run; every user string is isolated (``<bdi>``) and no bidi
control from the data reaches the page unshown (``dashboards.safety``). The output is deterministic: the
same database gives the same bytes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from mobtrace.analysis.campaigns.links import chosen_rules, describe_rule
from mobtrace.analysis.campaigns.params import FusionParams
from mobtrace.analysis.provenance import provenance
from mobtrace.dashboards.html import (
    BOOT_SCRIPT, CONTENT_SECURITY_POLICY, MEMBER_COLOUR, OTHER_COLOUR, PALETTE, STATIC, Column, Figures, FigureSlot,
    Markup, Table, clip, render, table, timestamp, user,
)
from mobtrace.dashboards.safety import show_bidi
from mobtrace.dashboards.signals import SignalReport, signal_reports

MAX_CAMPAIGN_SECTIONS = 25
HOURLY_UP_TO_DAYS = 45


def write_report(con: duckdb.DuckDBPyConnection, out_dir: Path, max_campaign_sections: int = MAX_CAMPAIGN_SECTIONS) -> Path:
    """Write ``report.html``, ``report.css`` and ``plotly.min.js`` into ``out_dir``; return the page's path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = Figures()
    run = provenance(con)
    reports = signal_reports()
    ranked = _ranked_campaigns(con)
    targets = _targets_by_campaign(con)
    detailed = ranked[:max_campaign_sections]
    # Building the context adds every figure, in page order, before the page writes their JSON blocks.
    page = render(
        "report.html",
        content_security_policy=CONTENT_SECURITY_POLICY,
        boot_script=Markup(BOOT_SCRIPT),
        overview=overview(con, run),
        ranked=campaigns_table(ranked, targets, len(detailed)),
        campaigns=[campaign(con, row, targets.get(row[0], []), figures, reports) for row in detailed],
        methods=methods(con, run["parameters"], reports),
        figures=figures,
    )
    (out_dir / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    shutil.copyfile(STATIC / "report.css", out_dir / "report.css")
    path = out_dir / "report.html"
    path.write_text(show_bidi(page), encoding="utf-8")  # the templates hold no bidi control: any left came from data
    return path


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> object:
    return con.execute(sql, params or []).fetchall()[0][0]


def _ranked_campaigns(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        """SELECT campaign_id, n_accounts, platforms, signals, score, first_ts, last_ts, reasons
           FROM campaigns ORDER BY score DESC, n_accounts DESC, campaign_id"""
    ).fetchall()


def _targets_by_campaign(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    grouped: dict[str, list[tuple]] = {}
    for row in con.execute(
        "SELECT campaign_id, platform, account_id, handle, members_engaged, actions, share_of_members FROM campaign_targets "
        "ORDER BY campaign_id, members_engaged DESC, actions DESC, platform, account_id"
    ).fetchall():
        grouped.setdefault(row[0], []).append(row[1:])
    return grouped


def _account(handle: str | None, account: str) -> Markup:
    """An account on the page: @handle (else the id), isolated, the full text in the tooltip when shortened."""
    return user(f"@{handle}" if handle else account)


def _targets(targets: list[tuple]) -> Markup:
    """The targets as "@handle (platform)", each isolated, comma-separated."""
    return Markup(", ").join(Markup("{} ({})").format(_account(handle, account), user(platform))
                             for platform, account, handle, *_ in targets)


# --- overview -----------------------------------------------------------------------------------------


def overview(con: duckdb.DuckDBPyConnection, run: dict) -> dict[str, object]:
    numbers = {
        "interactions analysed": _scalar(con, "SELECT count(*) FROM interactions"),
        "accounts active": _scalar(con, "SELECT count(DISTINCT (platform, account_id)) FROM interactions"),
        "rows quarantined": _scalar(con, "SELECT count(*) FROM quarantine"),
        "campaigns": _scalar(con, "SELECT count(*) FROM campaigns"),
        "accounts flagged": _scalar(con, "SELECT count(*) FROM flagged_accounts"),
    }
    singular = {"interactions analysed": "interaction analysed", "accounts active": "account active", "rows quarantined": "row quarantined",
                "campaigns": "campaign", "accounts flagged": "account flagged"}
    first, last = con.execute("SELECT min(ts), max(ts) FROM interactions").fetchall()[0]
    platforms = [p for (p,) in con.execute("SELECT DISTINCT platform FROM interactions ORDER BY 1").fetchall()]
    return {
        "numbers": numbers,
        "labels": {label: singular[label] if value == 1 else label for label, value in numbers.items()},
        "span": f"from {timestamp(first)} to {timestamp(last)} UTC" if first else None,
        "platforms": Markup(", ").join(user(platform) for platform in platforms),
        "signal_counts": signal_counts_table(con),
        "inputs": table(
            [Column("file"), Column("format"), Column("rows read", True), Column("ingested", True), Column("quarantined", True),
             Column("bytes", True), Column("SHA-256")],
            [[item["source_file"], item["format"], item["rows_read"], item["ingested"], item["quarantined"], item["bytes"],
              _code(item["sha256"])] for item in run["inputs"]],
        ),
        "quarantine": quarantine_table(con),
        "parameters": table(
            [Column("step"), Column("parameter"), Column("value")],
            [[step, name, _code(json.dumps(value, sort_keys=True, ensure_ascii=False))]
             for step, values in run["parameters"].items() for name, value in values.items()],
        ),
        "software": run["software"],
    }


def _code(text: str) -> Markup:
    """Text as code, whole (checksums, parameter values): bidi controls shown, isolated, wrapped by the CSS."""
    return Markup("<code><bdi>{}</bdi></code>").format(show_bidi(text))


def signal_counts_table(con: duckdb.DuckDBPyConnection) -> Table:
    rows = con.execute(
        """SELECT s.signal, count(*) AS accounts, count(DISTINCT s.group_key) AS groups,
                  count(DISTINCT c.campaign_id) AS campaigns, avg(s.score) AS mean_score
           FROM account_signals AS s LEFT JOIN campaign_accounts AS c USING (platform, account_id)
           GROUP BY ALL ORDER BY s.signal"""
    ).fetchall()
    return table(
        [Column("signal"), Column("accounts flagged", True), Column("groups", True), Column("campaigns", True), Column("mean score", True)],
        rows,
    )


def quarantine_table(con: duckdb.DuckDBPyConnection) -> Table:
    """Quarantined rows per kind of reason (the values quoted in a reason are blanked to group them)."""
    rows = con.execute(
        r"""SELECT kind, count(*) AS n, count(DISTINCT source_file) AS files, min(reason) AS example FROM (
                SELECT source_file, reason,
                       regexp_replace(regexp_replace(regexp_replace(regexp_replace(reason,
                           '"[^"]*"', '"…"', 'g'),
                           'event \S+', 'event …', 'g'),
                           'from \S+:[0-9]+', 'from …', 'g'),
                           'timestamp [0-9][0-9:. T-]* is', 'timestamp … is', 'g') AS kind
                FROM quarantine)
            GROUP BY kind ORDER BY n DESC, kind"""
    ).fetchall()
    return table(
        [Column("reason"), Column("rows", True), Column("files", True), Column("example", css="evidence")],
        [[kind, n, files, example[:200]] for kind, n, files, example in rows],
    )


def campaigns_table(ranked: list[tuple], targets: dict[str, list[tuple]], detailed: int) -> Table:
    """Every campaign by rank; the ``detailed`` first link to their sections."""
    rows = []
    for rank, (campaign_id, n, platforms, signals, score, first, last, _) in enumerate(ranked, start=1):
        name = Markup('<a href="#campaign-{0}">{0}</a>').format(campaign_id) if rank <= detailed else campaign_id
        rows.append([(rank, rank), (name, campaign_id), n, platforms, signals, (f"{score:.2f}", score),
                     _targets(targets.get(campaign_id, [])) or "none found", timestamp(first), timestamp(last)])
    return table([Column("rank", True), Column("campaign"), Column("accounts", True), Column("platforms"), Column("signals"),
                  Column("score", True), Column("targets"), Column("from (UTC)"), Column("to (UTC)")], rows, sortable=True)


# --- one campaign -------------------------------------------------------------------------------------


def campaign(con: duckdb.DuckDBPyConnection, row: tuple, targets: list[tuple], figures: Figures,
             reports: dict[str, SignalReport]) -> dict[str, object]:
    """One campaign's section, its figures added to ``figures`` in page order."""
    campaign_id, n, platforms, signals, score, first, last, reasons = row
    facts = {
        "accounts": f"{n:,}",
        "platforms": ", ".join(platforms),
        "signals": ", ".join(signals),
        "score": f"{score:.2f}",
        "active (UTC)": f"{timestamp(first)} to {timestamp(last)}" if first else "unknown",
        "targets": Markup("; ").join(
            Markup("{} on {}: {} of {} members, {} actions").format(_account(handle, account), user(platform), engaged, n, actions)
            for platform, account, handle, engaged, actions, _ in targets
        ) or "no common target found",
    }
    return {
        "id": campaign_id,
        "facts": facts,
        "reasons": reasons or [],
        "timeline": timeline_figure(con, campaign_id, targets, figures),
        "signals": [_signal_part(signal, reports.get(signal), con, campaign_id, figures) for signal in signals],
        "amplified": amplified_posts_table(con, campaign_id),
        "aimed": aimed_posts_table(con, campaign_id),
        "accounts": account_table(con, campaign_id),
        "creation": creation_figure(con, campaign_id, figures),
    }


def _signal_part(signal: str, report: SignalReport | None, con: duckdb.DuckDBPyConnection, campaign_id: str,
                 figures: Figures) -> dict[str, object]:
    """A signal's title and section (None when its detector has none); the section is the detector's own HTML."""
    section = report.section if report else None
    return {
        "signal": signal,
        "title": report.title if report else signal,
        "html": Markup(section(con, campaign_id, figures)) if section else None,
    }


def timeline_figure(con: duckdb.DuckDBPyConnection, campaign_id: str, targets: list[tuple], figures: Figures) -> FigureSlot:
    """Actions aimed at the campaign's targets per hour (or day): by members against everyone else; all the
    members' actions when the campaign has no common target."""
    if not targets:
        return _members_activity_figure(con, campaign_id, figures)
    unit = _bucket_unit(con, "SELECT max(ts) - min(ts) FROM campaign_target_events WHERE campaign_id = ?", campaign_id)
    counts = con.execute(
        f"""SELECT date_trunc('{unit}', ts) AS t, by_member, count(*) FROM campaign_target_events
            WHERE campaign_id = ? GROUP BY ALL ORDER BY 1, 2""",
        [campaign_id],
    ).fetchall()
    figure = go.Figure()
    for by_member, label, colour in ((False, "everyone else", OTHER_COLOUR), (True, "campaign members", MEMBER_COLOUR)):
        points = [(t, c) for t, member, c in counts if member == by_member]
        figure.add_trace(go.Bar(x=[t for t, _ in points], y=[c for _, c in points], name=label, marker={"color": colour},
                                hovertemplate=f"%{{x}}: %{{y}} actions by {label}<extra></extra>"))
    _time_layout(figure, unit)
    figure.update_layout(barmode="stack")
    members = sum(c for _, member, c in counts if member)
    total = sum(c for *_, c in counts)
    names = _targets(targets)
    caption = (
        Markup("Replies, quotes, mentions, reports and comments aimed at {}, and reposts of posts mentioning them, per {} (UTC). "
               "Campaign members made {} of these {} actions ({}); everyone else's are the target's usual baseline.").format(
            names, unit, f"{members:,}", f"{total:,}", f"{members / total:.0%}")
        if total else Markup("No action aimed at {} was found.").format(names)
    )
    return figures.add(figure, caption=caption, height=340)


def _members_activity_figure(con: duckdb.DuckDBPyConnection, campaign_id: str, figures: Figures) -> FigureSlot:
    members = "FROM interactions AS i JOIN campaign_accounts AS c USING (platform, account_id) WHERE c.campaign_id = ?"
    unit = _bucket_unit(con, f"SELECT max(i.ts) - min(i.ts) {members}", campaign_id)
    counts = con.execute(f"SELECT date_trunc('{unit}', i.ts) AS t, count(*) {members} GROUP BY ALL ORDER BY 1", [campaign_id]).fetchall()
    figure = go.Figure(go.Bar(x=[t for t, _ in counts], y=[c for _, c in counts], marker={"color": MEMBER_COLOUR},
                              name="campaign members", hovertemplate="%{x}: %{y} actions<extra></extra>"))
    _time_layout(figure, unit)
    caption = f"No common target was found, so this shows all {sum(c for _, c in counts):,} actions of the members per {unit} (UTC)."
    return figures.add(figure, caption=caption, height=340)


def _bucket_unit(con: duckdb.DuckDBPyConnection, span_sql: str, campaign_id: str) -> str:
    span = _scalar(con, span_sql, [campaign_id])
    return "hour" if span is None or span.days <= HOURLY_UP_TO_DAYS else "day"


def _time_layout(figure: go.Figure, unit: str) -> None:
    figure.update_layout(height=340, template="plotly_white", yaxis_title=f"actions per {unit}", bargap=0,
                         legend={"orientation": "h", "y": 1.12}, margin={"l": 60, "r": 10, "t": 30, "b": 40})


def amplified_posts_table(con: duckdb.DuckDBPyConnection, campaign_id: str, limit: int = 10) -> Table:
    """The posts the members reposted, quoted, replied to or liked, by how many members did so."""
    rows = con.execute(
        f"""WITH acts AS (
                SELECT i.platform, i.target_post_id AS post_id, i.account_id, i.action
                FROM interactions AS i JOIN campaign_accounts AS c USING (platform, account_id)
                WHERE c.campaign_id = ? AND i.target_post_id IS NOT NULL AND i.action IN ('repost', 'quote', 'reply', 'like', 'comment')
            )
            SELECT coalesce(a.handle, p.account_handle), p.account_id, p.platform, p.ts, p.text,
                   count(DISTINCT acts.account_id) AS members, count(*) AS actions,
                   string_agg(DISTINCT acts.action, ', ' ORDER BY acts.action) AS how
            FROM acts JOIN interactions AS p ON p.platform = acts.platform AND p.event_id = acts.post_id
            LEFT JOIN accounts AS a ON a.platform = p.platform AND a.account_id = p.account_id
            GROUP BY ALL ORDER BY members DESC, actions DESC, p.ts, p.platform, p.account_id LIMIT {limit}""",
        [campaign_id],
    ).fetchall()
    return table(
        [Column("author"), Column("posted (UTC)"), Column("text", css="evidence"), Column("members", True), Column("actions", True), Column("how")],
        [[Markup("{} ({})").format(_account(handle, account), user(platform)), timestamp(ts), clip(text), members, actions, how]
         for handle, account, platform, ts, text, members, actions, how in rows],
    )


def aimed_posts_table(con: duckdb.DuckDBPyConnection, campaign_id: str, limit: int = 10) -> Table:
    """The members' first posts with text aimed at the campaign's targets, in time order."""
    rows = con.execute(
        f"""SELECT coalesce(a.handle, i.account_handle), i.account_id, i.platform, i.ts, i.action, i.text
            FROM campaign_target_events AS e JOIN interactions AS i USING (platform, event_id)
            LEFT JOIN accounts AS a ON a.platform = i.platform AND a.account_id = i.account_id
            WHERE e.campaign_id = ? AND e.by_member AND i.text IS NOT NULL AND trim(i.text) <> ''
            ORDER BY i.ts, i.platform, i.event_id LIMIT {limit}""",
        [campaign_id],
    ).fetchall()
    return table(
        [Column("account"), Column("time (UTC)"), Column("action"), Column("text", css="evidence")],
        [[Markup("{} ({})").format(_account(handle, account), user(platform)), timestamp(ts), action, clip(text)]
         for handle, account, platform, ts, action, text in rows],
    )


def account_table(con: duckdb.DuckDBPyConnection, campaign_id: str) -> Table:
    rows = con.execute(
        """SELECT f.handle, a.display_name, f.platform, f.account_id, a.created_at, f.signals, f.score,
                  (SELECT string_agg(s.signal || ' ' || s.group_key, ', ' ORDER BY s.signal, s.group_key) FROM account_signals AS s
                   WHERE s.platform = f.platform AND s.account_id = f.account_id) AS groups,
                  (SELECT count(*) FROM interactions AS i WHERE i.platform = f.platform AND i.account_id = f.account_id) AS actions,
                  (SELECT count(*) FROM campaign_target_events AS t WHERE t.campaign_id = f.campaign_id AND t.by_member
                   AND t.platform = f.platform AND t.account_id = f.account_id) AS aimed,
                  f.evidence
           FROM flagged_accounts AS f LEFT JOIN accounts AS a USING (platform, account_id)
           WHERE f.campaign_id = ?
           ORDER BY f.score DESC, f.platform, f.account_id""",
        [campaign_id],
    ).fetchall()
    columns = [
        Column("account"), Column("created (UTC)"), Column("signals and groups"), Column("score", True),
        Column("actions in data", True), Column("aimed at targets", True), Column("evidence", css="evidence"),
    ]
    body = [
        [(_identity(handle, display, platform, account), (handle or account).lower()),
         (created.strftime("%Y-%m-%d") if created else "unknown", timestamp(created)),
         Markup('{}<br><span class="muted">{}</span>').format(signals, groups),
         (f"{score:.2f}", score), actions, aimed, evidence]
        for handle, display, platform, account, created, signals, score, groups, actions, aimed, evidence in rows
    ]
    return table(columns, body, sortable=True)


def _identity(handle: str | None, display: str | None, platform: str, account: str) -> Markup:
    """An account cell: the bold handle (or id), the display name, then platform and id in small print, each
    isolated and shortened when over-long (full text in the tooltip)."""
    name = Markup("<b>{}</b>").format(_account(handle, account))
    display_name = Markup("<br>{}").format(user(display)) if display else ""
    return Markup('{}{}<br><span class="muted">{} · {}</span>').format(name, display_name, user(platform), user(account))


def creation_figure(con: duckdb.DuckDBPyConnection, campaign_id: str, figures: Figures) -> FigureSlot | None:
    """When the members' accounts were created (None when the exports give no creation date)."""
    created = [
        ts for (ts,) in con.execute(
            """SELECT a.created_at FROM campaign_accounts AS c JOIN accounts AS a USING (platform, account_id)
               WHERE c.campaign_id = ? AND a.created_at IS NOT NULL ORDER BY 1""",
            [campaign_id],
        ).fetchall()
    ]
    if not created:
        return None
    n = _scalar(con, "SELECT count(*) FROM campaign_accounts WHERE campaign_id = ?", [campaign_id])
    densest = max(sum(1 for other in created if 0 <= (other - ts).total_seconds() <= 7 * 86400) for ts in created)
    figure = go.Figure(go.Histogram(x=created, nbinsx=40, marker={"color": PALETTE[2]}, name="accounts",
                                    hovertemplate="%{x}: %{y} accounts<extra></extra>"))
    figure.update_layout(height=300, template="plotly_white", yaxis_title="accounts", bargap=0.05,
                         margin={"l": 60, "r": 10, "t": 20, "b": 40})
    caption = (
        f"{len(created)} of {n} accounts have a known creation date, from {created[0]:%Y-%m-%d} to {created[-1]:%Y-%m-%d}; "
        f"at most {densest} were created within the same 7 days. Accounts registered together in a batch are a common "
        "sign of a purchased or scripted network, but a new platform or a news event also brings sign-up waves."
    )
    return figures.add(figure, caption=caption, height=300)


# --- methods ------------------------------------------------------------------------------------------


def methods(con: duckdb.DuckDBPyConnection, parameters: dict[str, dict[str, object]],
            reports: dict[str, SignalReport]) -> dict[str, object]:
    """Each signal that fired, with its detector's methods text (None when it has none), and the fusion
    parameters."""
    fired = [s for (s,) in con.execute("SELECT DISTINCT signal FROM account_signals ORDER BY 1").fetchall()]
    fusion = FusionParams.from_record(parameters.get(FusionParams.step, {}))
    rules = {rule: describe_rule(path, fusion.as_record()) for rule, path in chosen_rules(fusion.link_rules).items()}
    return {
        "signals": [
            {"signal": s, "title": reports[s].title if s in reports else s,
             "html": Markup(reports[s].methods(con, parameters)) if s in reports else None}
            for s in fired
        ],
        "link_rules": rules,
        "target_share_percent": round(100 * fusion.min_target_share),
    }
