"""The HTML campaign report: one folder that opens from disk with no network.

``write_report(con, out_dir)`` writes ``report.html`` and ``plotly.min.js`` beside it (never a CDN, no
web fonts). The page has

- an overview: what was analysed (input files with SHA-256, rows, time span), the parameters of every
  step, the campaigns ranked by score, accounts per signal, and the quarantined rows per reason;
- one section per campaign (the ``max_campaign_sections`` best-scored): why these accounts form a
  campaign, the activity aimed at its targets by members against everyone else, each signal's own part
  (registered in ``dashboards.signals``; for coordination the account network, the reaction-time
  histogram and the strongest ties), the sortable account table with every account's evidence, and when
  the accounts were created;
- the methods: each signal's definition and parameters in plain language, how groups become campaigns,
  and what the tool cannot tell.

Safety: see ``dashboards.html``; every data value is escaped and the page's Content-Security-Policy lets
no injected script run. The output is deterministic: the same database gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from mobtrace.analysis.provenance import provenance
from mobtrace.dashboards.html import (
    BOOT_SCRIPT, CONTENT_SECURITY_POLICY, MEMBER_COLOUR, OTHER_COLOUR, PALETTE, Column, Figures, Markup, esc, table, timestamp,
)
from mobtrace.dashboards.signals import SIGNAL_REPORTS, account_label, columns_of, unregistered_methods

MAX_CAMPAIGN_SECTIONS = 25
HOURLY_UP_TO_DAYS = 45

STYLE = """
:root{--ink:#1a1a1a;--muted:#555;--rule:#d9d9d9;--band:#f3f5f8;--accent:#0072B2}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:0;color:var(--ink);background:#fff;line-height:1.45}
header.top{background:#123;color:#fff;padding:1rem 1.5rem}
header.top h1{margin:0;font-size:1.5rem}
header.top p{margin:.25rem 0 0;color:#dde}
nav.toc{background:var(--band);border-bottom:1px solid var(--rule);padding:.5rem 1.5rem;font-size:.9rem}
nav.toc a{margin-right:1rem;color:var(--accent)}
main{max-width:1280px;margin:0 auto;padding:1rem 1.5rem 3rem}
h2{border-bottom:2px solid var(--rule);padding-bottom:.2rem;margin-top:2.2rem}
h3{margin-top:1.6rem}
h4{margin:1.2rem 0 .3rem}
a{color:var(--accent)}
.table-wrap{overflow-x:auto;margin:.5rem 0 1.2rem}
table{border-collapse:collapse;width:100%;font-size:.86rem}
caption{text-align:left;color:var(--muted);padding:.2rem 0}
th,td{border-bottom:1px solid var(--rule);padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:var(--band)}
.muted{color:var(--muted);font-size:.8rem}
td.num,th[data-type=num]{text-align:right}
td.evidence{min-width:20rem}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:inherit}
th button::after{content:" \\2195";color:#888}
th[aria-sort=ascending] button::after{content:" \\2191";color:var(--ink)}
th[aria-sort=descending] button::after{content:" \\2193";color:var(--ink)}
.numbers{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.numbers div{background:var(--band);border-radius:6px;padding:.5rem .9rem;min-width:8.5rem}
.numbers b{display:block;font-size:1.45rem}
code{font-size:.8rem;word-break:break-all}
figure{margin:.5rem 0 1.2rem}
figcaption{color:var(--muted);font-size:.86rem;margin-top:.2rem}
section.campaign{border-top:4px solid var(--accent);margin-top:2.5rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.8rem 0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
.note{background:#fff8e6;border-left:4px solid #E69F00;padding:.5rem .8rem}
ul.reasons li{margin:.25rem 0}
@media print{nav.toc{display:none}section.campaign{break-before:page}}
"""


def write_report(con: duckdb.DuckDBPyConnection, out_dir: Path, max_campaign_sections: int = MAX_CAMPAIGN_SECTIONS) -> Path:
    """Write ``report.html`` and ``plotly.min.js`` into ``out_dir``; return the page's path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = Figures()
    run = provenance(con)
    ranked = _ranked_campaigns(con)
    detailed = ranked[:max_campaign_sections]
    body = [
        overview_section(con, run),
        campaigns_section(con, ranked, len(detailed)),
        *[campaign_section(con, row, figures) for row in detailed],
        methods_section(con, run),
    ]
    page = "\n".join([
        _head(),
        _top(con, ranked, detailed),
        "<main>",
        *body,
        "</main>",
        *figures.blocks,
        f"<script>{BOOT_SCRIPT}</script>",
        "</body></html>",
    ])
    (out_dir / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    path = out_dir / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def _head() -> str:
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(CONTENT_SECURITY_POLICY)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mobtrace campaign report</title>
<script src="plotly.min.js"></script>
<style>{STYLE}</style></head><body>"""


def _top(con: duckdb.DuckDBPyConnection, ranked: list[tuple], detailed: list[tuple]) -> str:
    links = "".join(f'<a href="#campaign-{esc(row[0])}">{esc(row[0])}</a>' for row in detailed)
    return f"""<header class="top"><h1>mobtrace: coordinated campaign report</h1>
<p>{len(ranked)} campaign{'s' if len(ranked) != 1 else ''} found. Every flag is a lead to check against the evidence listed, not a verdict; see
<a href="#methods" style="color:#fff">Methods and limits</a>.</p></header>
<nav class="toc" aria-label="contents"><a href="#overview">Overview</a><a href="#campaigns">Campaigns</a>{links}<a href="#methods">Methods and limits</a></nav>"""


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> object:
    return con.execute(sql, params or []).fetchall()[0][0]


def _ranked_campaigns(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        """SELECT campaign_id, n_accounts, platforms, signals, score, first_ts, last_ts, reasons
           FROM campaigns ORDER BY score DESC, n_accounts DESC, campaign_id"""
    ).fetchall()


# --- overview -----------------------------------------------------------------------------------------


def overview_section(con: duckdb.DuckDBPyConnection, run: dict) -> str:
    numbers = {
        "interactions analysed": _scalar(con, "SELECT count(*) FROM interactions"),
        "accounts active": _scalar(con, "SELECT count(DISTINCT (platform, account_id)) FROM interactions"),
        "rows quarantined": _scalar(con, "SELECT count(*) FROM quarantine"),
        "campaigns": _scalar(con, "SELECT count(*) FROM campaigns"),
        "accounts flagged": _scalar(con, "SELECT count(*) FROM flagged_accounts"),
    }
    first, last = con.execute("SELECT min(ts), max(ts) FROM interactions").fetchall()[0]
    platforms = [p for (p,) in con.execute("SELECT DISTINCT platform FROM interactions ORDER BY 1").fetchall()]
    boxes = "".join(f'<div><b data-count="{esc(label)}">{value:,}</b>{esc(label)}</div>' for label, value in numbers.items())
    inputs = table(
        [Column("file"), Column("format"), Column("rows read", True), Column("ingested", True), Column("quarantined", True),
         Column("bytes", True), Column("SHA-256")],
        [[item["source_file"], item["format"], item["rows_read"], item["ingested"], item["quarantined"], item["bytes"],
          Markup(f"<code>{esc(item['sha256'])}</code>")] for item in run["inputs"]],
    )
    params = table(
        [Column("step"), Column("parameter"), Column("value")],
        [[step, name, Markup(f"<code>{esc(_json(value))}</code>")] for step, values in run["parameters"].items() for name, value in values.items()],
    )
    span = f"from {esc(timestamp(first))} to {esc(timestamp(last))} UTC" if first else "no interactions"
    software = run["software"]
    return f"""<section id="overview"><h2>Overview</h2>
<p>Activity {span}, on {esc(', '.join(platforms) or 'no platform')}.</p>
<div class="numbers">{boxes}</div>
<h3>Accounts flagged per signal</h3>{signal_counts_table(con)}
<h3>What was analysed</h3>
<p>Each input file is identified by its SHA-256 checksum: anyone holding the same file can check that it is the one analysed.</p>
{inputs}
<h3>Quarantined rows</h3>{quarantine_table(con)}
<h3>Parameters</h3>
<p>mobtrace {esc(software['mobtrace'])}, DuckDB {esc(software['duckdb'])}, Python {esc(software['python'])}. The same files and
parameters give the same results.</p>{params}</section>"""


def _json(value: object) -> str:
    import json

    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def signal_counts_table(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        """SELECT s.signal, count(*) AS accounts, count(DISTINCT s.group_key) AS groups,
                  count(DISTINCT c.campaign_id) AS campaigns, avg(s.score) AS mean_score
           FROM account_signals AS s LEFT JOIN campaign_accounts AS c USING (platform, account_id)
           GROUP BY ALL ORDER BY s.signal"""
    ).fetchall()
    if not rows:
        return "<p>No detector flagged any account.</p>"
    return table(
        [Column("signal"), Column("accounts flagged", True), Column("groups", True), Column("campaigns", True), Column("mean score", True)],
        [[signal, accounts, groups, campaigns, mean] for signal, accounts, groups, campaigns, mean in rows],
    )


def quarantine_table(con: duckdb.DuckDBPyConnection) -> str:
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
    if not rows:
        return "<p>No rows were quarantined: every input row was read.</p>"
    return (
        "<p>Rows that could not be read are kept aside with the reason, so nothing is dropped silently.</p>"
        + table(
            [Column("reason"), Column("rows", True), Column("files", True), Column("example", css="evidence")],
            [[kind, n, files, example[:200]] for kind, n, files, example in rows],
        )
    )


def campaigns_section(con: duckdb.DuckDBPyConnection, ranked: list[tuple], detailed: int) -> str:
    if not ranked:
        return '<section id="campaigns"><h2>Campaigns</h2><p>No campaign was found with these parameters.</p></section>'
    targets = _targets_by_campaign(con)
    rows = []
    for rank, (campaign_id, n, platforms, signals, score, first, last, _) in enumerate(ranked, start=1):
        name = Markup(f'<a href="#campaign-{esc(campaign_id)}">{esc(campaign_id)}</a>') if rank <= detailed else campaign_id
        rows.append([(rank, rank), (name, campaign_id), n, platforms, signals, (f"{score:.2f}", score),
                     ", ".join(_target_names(targets.get(campaign_id, []))) or "none found", timestamp(first), timestamp(last)])
    more = "" if detailed >= len(ranked) else f"<p>Sections below cover the {detailed} best-scored campaigns; all are listed here and in campaigns.json.</p>"
    return f"""<section id="campaigns"><h2>Campaigns, ranked by score</h2>
<p>A campaign's score is the mean of its accounts' scores (0 to 1; each signal's score is explained under Methods). Click a column
header to sort.</p>{more}
{table([Column("rank", True), Column("campaign"), Column("accounts", True), Column("platforms"), Column("signals"), Column("score", True),
        Column("targets"), Column("from (UTC)"), Column("to (UTC)")], rows, sortable=True)}</section>"""


def _targets_by_campaign(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    grouped: dict[str, list[tuple]] = {}
    for row in con.execute(
        "SELECT campaign_id, platform, account_id, handle, members_engaged, actions, share_of_members FROM campaign_targets "
        "ORDER BY campaign_id, members_engaged DESC, actions DESC, platform, account_id"
    ).fetchall():
        grouped.setdefault(row[0], []).append(row[1:])
    return grouped


def _target_names(targets: list[tuple]) -> list[str]:
    return [f"{account_label(handle, account)} ({platform})" for platform, account, handle, *_ in targets]


# --- one campaign -------------------------------------------------------------------------------------


def campaign_section(con: duckdb.DuckDBPyConnection, row: tuple, figures: Figures) -> str:
    campaign_id, n, platforms, signals, score, first, last, reasons = row
    targets = _targets_by_campaign(con).get(campaign_id, [])
    facts = {
        "accounts": f"{n:,}",
        "platforms": ", ".join(platforms),
        "signals": ", ".join(signals),
        "score": f"{score:.2f}",
        "active (UTC)": f"{timestamp(first)} to {timestamp(last)}" if first else "unknown",
        "targets": "; ".join(
            f"{account_label(handle, account)} on {platform}: {engaged} of {n} members, {actions} actions"
            for platform, account, handle, engaged, actions, _ in targets
        ) or "no common target found",
    }
    facts_html = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts.items())
    reasons_html = "".join(f"<li>{esc(reason)}</li>" for reason in reasons or [])
    parts = [
        f'<section class="campaign" id="campaign-{esc(campaign_id)}"><h2>Campaign {esc(campaign_id)}</h2>',
        f'<dl class="facts">{facts_html}</dl>',
        f'<h3>Why these accounts form a campaign</h3><ul class="reasons">{reasons_html}</ul>',
        "<h3>Activity aimed at the targets</h3>",
        timeline_block(con, campaign_id, targets, figures),
    ]
    for signal in signals:
        entry = SIGNAL_REPORTS.get(signal)
        parts.append(f"<h3>Signal: {esc(entry.title if entry else signal)}</h3>")
        if entry and entry.section:
            parts.append(entry.section(con, campaign_id, figures))
        else:
            parts.append(f"<p>The {esc(signal)} detector has no report section yet; its evidence sentences are in the account table below.</p>")
    parts += [
        "<h3>Posts behind this campaign</h3>",
        posts_block(con, campaign_id),
        "<h3>Accounts</h3>",
        account_table(con, campaign_id),
        "<h3>When the accounts were created</h3>",
        creation_block(con, campaign_id, figures),
        "</section>",
    ]
    return "\n".join(parts)


def timeline_block(con: duckdb.DuckDBPyConnection, campaign_id: str, targets: list[tuple], figures: Figures) -> str:
    """Actions aimed at the campaign's targets per hour (or day): by members against everyone else."""
    if not targets or "by_member" not in columns_of(con, "campaign_target_events"):
        rows = con.execute(
            """SELECT i.ts FROM interactions AS i JOIN campaign_accounts AS c USING (platform, account_id)
               WHERE c.campaign_id = ?""",
            [campaign_id],
        ).fetchall()
        unit = _bucket_unit(con, campaign_id, "members")
        counts = con.execute(
            f"""SELECT date_trunc('{unit}', i.ts) AS t, count(*) FROM interactions AS i
                JOIN campaign_accounts AS c USING (platform, account_id) WHERE c.campaign_id = ? GROUP BY ALL ORDER BY 1""",
            [campaign_id],
        ).fetchall()
        figure = go.Figure(go.Bar(x=[t for t, _ in counts], y=[c for _, c in counts], marker={"color": MEMBER_COLOUR},
                                  name="campaign members", hovertemplate="%{x}: %{y} actions<extra></extra>"))
        _time_layout(figure, unit)
        caption = f"No common target was found, so this shows all {len(rows):,} actions of the members per {unit} (UTC)."
        return figures.add(figure, caption=esc(caption), height=340)
    unit = _bucket_unit(con, campaign_id, "targets")
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
    names = ", ".join(_target_names(targets))
    caption = (
        f"Replies, quotes, mentions, reports and comments aimed at {names}, and reposts of posts mentioning them, per {unit} (UTC). "
        f"Campaign members made {members:,} of these {total:,} actions ({members / total:.0%}); everyone else's are the target's usual baseline."
        if total else f"No action aimed at {names} was found."
    )
    return figures.add(figure, caption=esc(caption), height=340)


def _bucket_unit(con: duckdb.DuckDBPyConnection, campaign_id: str, kind: str) -> str:
    if kind == "targets":
        span = con.execute("SELECT max(ts) - min(ts) FROM campaign_target_events WHERE campaign_id = ?", [campaign_id]).fetchall()[0][0]
    else:
        span = con.execute(
            "SELECT max(i.ts) - min(i.ts) FROM interactions AS i JOIN campaign_accounts AS c USING (platform, account_id) WHERE c.campaign_id = ?",
            [campaign_id],
        ).fetchall()[0][0]
    return "hour" if span is None or span.days <= HOURLY_UP_TO_DAYS else "day"


def _time_layout(figure: go.Figure, unit: str) -> None:
    figure.update_layout(height=340, template="plotly_white", yaxis_title=f"actions per {unit}", bargap=0,
                         legend={"orientation": "h", "y": 1.12}, margin={"l": 60, "r": 10, "t": 30, "b": 40})


def posts_block(con: duckdb.DuckDBPyConnection, campaign_id: str, limit: int = 10) -> str:
    """The posts the members amplified most, and examples of their own posts aimed at the targets."""
    amplified = con.execute(
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
    aimed = con.execute(
        f"""SELECT coalesce(a.handle, i.account_handle), i.account_id, i.platform, i.ts, i.action, i.text
            FROM campaign_target_events AS e JOIN interactions AS i USING (platform, event_id)
            LEFT JOIN accounts AS a ON a.platform = i.platform AND a.account_id = i.account_id
            WHERE e.campaign_id = ? AND e.by_member AND i.text IS NOT NULL AND trim(i.text) <> ''
            ORDER BY i.ts, i.platform, i.event_id LIMIT {limit}""",
        [campaign_id],
    ).fetchall() if "by_member" in columns_of(con, "campaign_target_events") else []
    parts = []
    if amplified:
        parts.append("<h4>Most amplified posts</h4><p>Posts the members reposted, quoted, replied to or liked, by how many members did so.</p>")
        parts.append(table(
            [Column("author"), Column("posted (UTC)"), Column("text", css="evidence"), Column("members", True), Column("actions", True), Column("how")],
            [[f"{account_label(handle, account)} ({platform})", timestamp(ts), _clip(text), members, actions, how]
             for handle, account, platform, ts, text, members, actions, how in amplified],
        ))
    if aimed:
        parts.append(f"<h4>Members' posts aimed at the targets</h4><p>The first {len(aimed)} with text, in time order; "
                     "all of them are in the evidence package.</p>")
        parts.append(table(
            [Column("account"), Column("time (UTC)"), Column("action"), Column("text", css="evidence")],
            [[f"{account_label(handle, account)} ({platform})", timestamp(ts), action, _clip(text)]
             for handle, account, platform, ts, action, text in aimed],
        ))
    return "\n".join(parts) or "<p>No post with text is linked to this campaign's actions.</p>"


def _clip(text: str | None, width: int = 280) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


def account_table(con: duckdb.DuckDBPyConnection, campaign_id: str) -> str:
    aimed = "by_member" in columns_of(con, "campaign_target_events")
    aimed_sql = (
        "(SELECT count(*) FROM campaign_target_events AS t WHERE t.campaign_id = f.campaign_id AND t.by_member "
        "AND t.platform = f.platform AND t.account_id = f.account_id)" if aimed else "NULL"
    )
    rows = con.execute(
        f"""SELECT f.handle, a.display_name, f.platform, f.account_id, a.created_at, f.signals, f.score,
                   (SELECT string_agg(s.signal || ' ' || s.group_key, ', ' ORDER BY s.signal, s.group_key) FROM account_signals AS s
                    WHERE s.platform = f.platform AND s.account_id = f.account_id) AS groups,
                   (SELECT count(*) FROM interactions AS i WHERE i.platform = f.platform AND i.account_id = f.account_id) AS actions,
                   {aimed_sql} AS aimed, f.evidence
            FROM flagged_accounts AS f LEFT JOIN accounts AS a USING (platform, account_id)
            WHERE f.campaign_id = ?
            ORDER BY f.score DESC, f.platform, f.account_id""",
        [campaign_id],
    ).fetchall()
    columns = [
        Column("account"), Column("created (UTC)"), Column("signals and groups"), Column("score", True),
        Column("actions in data", True), Column("aimed at targets", True), Column("evidence", css="evidence"),
    ]
    body = []
    for handle, display, platform, account, created, signals, score, groups, actions, aimed_count, evidence in rows:
        name = f"<b>{esc('@' + handle)}</b>" if handle else f"<b>{esc(account)}</b>"
        display_html = f"<br>{esc(display)}" if display else ""
        identity = Markup(f'{name}{display_html}<br><span class="muted">{esc(platform)} · {esc(account)}</span>')
        body.append([
            (identity, (handle or account).lower()),
            (created.strftime("%Y-%m-%d") if created else "unknown", timestamp(created)),
            Markup(f"{esc(signals)}<br><span class=\"muted\">{esc(groups)}</span>"),
            (f"{score:.2f}", score), actions, aimed_count if aimed_count is not None else "", evidence,
        ])
    return f"<p>{len(rows):,} flagged accounts. Click a column header to sort.</p>" + table(columns, body, sortable=True)


def creation_block(con: duckdb.DuckDBPyConnection, campaign_id: str, figures: Figures) -> str:
    created = [
        ts for (ts,) in con.execute(
            """SELECT a.created_at FROM campaign_accounts AS c JOIN accounts AS a USING (platform, account_id)
               WHERE c.campaign_id = ? AND a.created_at IS NOT NULL ORDER BY 1""",
            [campaign_id],
        ).fetchall()
    ]
    n = _scalar(con, "SELECT count(*) FROM campaign_accounts WHERE campaign_id = ?", [campaign_id])
    if not created:
        return "<p>The exports give no creation date for these accounts.</p>"
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
    return figures.add(figure, caption=esc(caption), height=300)


# --- methods ------------------------------------------------------------------------------------------


def methods_section(con: duckdb.DuckDBPyConnection, run: dict) -> str:
    parameters = run["parameters"]
    fired = [s for (s,) in con.execute("SELECT DISTINCT signal FROM account_signals ORDER BY 1").fetchall()]
    signals = "".join(
        f"<h3>{esc(SIGNAL_REPORTS[s].title)} (<code>{esc(s)}</code>)</h3>{SIGNAL_REPORTS[s].methods(con, parameters)}"
        if s in SIGNAL_REPORTS else f"<h3><code>{esc(s)}</code></h3>{unregistered_methods(s)}"
        for s in fired
    ) or "<p>No detector flagged any account in this run.</p>"
    fusion = parameters.get("campaigns", {})
    rules = fusion.get("link_rules", [])
    share = fusion.get("min_target_share", 0.3)
    rule_text = {
        "shared_target": f"both went after the same victim: the same account, or the same handle (case-insensitive, at least "
        f"{esc(fusion.get('min_handle_chars', 4))} characters) on another platform;",
        "shared_content": f"at least {esc(fusion.get('min_shared_content', 2))} identical texts (compared lower-case without links and "
        f"@mentions, at least {esc(fusion.get('min_text_chars', 20))} characters) or links appear in both, each used by two members of each;",
        "shared_handle": f"members on different platforms use the same handle (case-insensitive, at least {esc(fusion.get('min_handle_chars', 4))} characters).",
    }
    rules_html = "".join(f"<li><b>{esc(rule)}</b>: {rule_text.get(rule, '')}</li>" for rule in rules)
    linking = (
        f"<p>They are also joined when</p><ul>{rules_html}</ul><p>Every such join is listed in the campaign's reasons, so it can be checked; "
        "these rules can join two independent groups that attack the same person or spread the same viral link, and two people "
        "who happen to share a handle.</p>"
        if rules else "<p>Joining groups by shared targets, content or handles was switched off for this run.</p>"
    )
    return f"""<section id="methods"><h2>Methods and limits</h2>
<h3>How to read this report</h3>
<p>mobtrace reads the exported files, runs each detector, and writes every account a detector flags with a score between 0 and 1
and one evidence sentence. It then joins the detectors' groups of accounts into campaigns. Each number in this report comes from
the analysed files and the parameters listed in the overview; running mobtrace again on the same files gives the same report.</p>
{signals}
<h3>From signals to campaigns</h3>
<p>Each detector puts the accounts it flags into groups (a cluster, a burst). Groups that flag the same account are one campaign.</p>
{linking}
<p>A campaign's <b>targets</b> are the accounts that at least {esc(round(100 * float(share)))}% of its members (and at least two)
replied to, quoted, mentioned, reported or commented on, directly or by reposting a post that mentions them. Reposting or liking an
account's own posts counts as amplifying it, not targeting it. The campaign's <b>score</b> is the mean of its accounts' scores.</p>
<h3>What this tool cannot tell</h3>
<ul>
<li><b>Coordination is not proof of intent.</b> Acting in step can be organised harassment, but fan communities, activists,
news followers and people reacting to the same breaking post also act in step. Each flag is a lead to verify with the evidence
listed, not a verdict about a person.</li>
<li><b>It cannot see who is behind an account</b>, whether accounts are paid, or whether one person runs several of them.</li>
<li><b>It sees only the exported data.</b> Deleted posts, private messages and accounts outside the export are missing;
a campaign may be larger than shown, and an account's usual behaviour may look different in a fuller sample.</li>
<li><b>Thresholds are choices.</b> A shorter window or a higher minimum weight finds fewer, tighter groups; the parameters
used are listed in the overview so that any reader can rerun the analysis.</li>
</ul></section>"""
