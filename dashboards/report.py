"""The HTML campaign report: one folder that opens from disk with no network.

``write_report(con, out_dir)`` writes ``report.html`` and ``plotly.min.js`` beside it (never a CDN).
Every piece of user-supplied text is escaped with ``html.escape`` before it reaches the page or a
Plotly hover label.
"""

from __future__ import annotations

import html
from pathlib import Path

import duckdb
import networkx as nx
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from analysis.provenance import provenance

# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
LAYOUT_SEED = 7


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def write_report(con: duckdb.DuckDBPyConnection, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = [network_figure(con), timeline_figure(con)]
    parts = [
        _head(),
        overview_section(con),
        campaigns_section(con),
        *[_figure_html(figure) for figure in figures],
        flagged_section(con),
        methods_section(con),
        "</main></body></html>",
    ]
    (out_dir / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    path = out_dir / "report.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _head() -> str:
    return """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mobtrace report</title>
<script src="plotly.min.js"></script>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}
main{max-width:1200px;margin:0 auto;padding:1rem 1.5rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
.numbers{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}
.numbers div{background:#f3f6fa;border-radius:6px;padding:.6rem 1rem;min-width:8rem}
.numbers b{display:block;font-size:1.5rem}
code{font-size:.85rem;word-break:break-all}
</style></head><body><main>
<h1>mobtrace: coordinated campaign report</h1>"""


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    return con.sql(sql).fetchall()[0][0]


def overview_section(con: duckdb.DuckDBPyConnection) -> str:
    numbers = {
        "interactions": _scalar(con, "SELECT count(*) FROM interactions"),
        "accounts": _scalar(con, "SELECT count(DISTINCT (platform, account_id)) FROM interactions"),
        "quarantined rows": _scalar(con, "SELECT count(*) FROM quarantine"),
        "campaigns": _scalar(con, "SELECT count(*) FROM campaigns"),
        "flagged accounts": _scalar(con, "SELECT count(*) FROM flagged_accounts"),
    }
    span = con.sql("SELECT min(ts), max(ts) FROM interactions").fetchall()[0]
    per_signal = con.sql("SELECT signal, count(*) FROM account_signals GROUP BY ALL ORDER BY ALL").fetchall()
    boxes = "".join(f"<div><b>{value:,}</b>{esc(label)}</div>" for label, value in numbers.items())
    run = provenance(con)
    sources = "".join(
        f"<tr><td>{esc(item['source_file'])}</td><td>{esc(item['format'])}</td><td>{item['rows_read']:,}</td>"
        f"<td>{item['ingested']:,}</td><td>{item['quarantined']:,}</td><td><code>{esc(item['sha256'])}</code></td></tr>"
        for item in run["inputs"]
    )
    params = "".join(
        f"<tr><td>{esc(step)}</td><td>{esc(name)}</td><td><code>{esc(value)}</code></td></tr>"
        for step, values in run["parameters"].items()
        for name, value in values.items()
    )
    signals = ", ".join(f"{esc(signal)}: {count:,} accounts" for signal, count in per_signal) or "none"
    return f"""<section id="overview"><h2>Overview</h2>
<p>Activity from {esc(span[0])} to {esc(span[1])} UTC. Accounts flagged per signal: {signals}.</p>
<div class="numbers">{boxes}</div>
<h3>Inputs</h3><table><tr><th>file</th><th>format</th><th>rows read</th><th>ingested</th><th>quarantined</th><th>SHA-256</th></tr>{sources}</table>
<h3>Parameters</h3><table><tr><th>step</th><th>parameter</th><th>value</th></tr>{params}</table>
<p>mobtrace {esc(run['software']['mobtrace'])}, DuckDB {esc(run['software']['duckdb'])}.</p></section>"""


def campaigns_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.sql(
        """SELECT c.campaign_id, c.n_accounts, array_to_string(c.signals, ', '), c.score, c.first_ts, c.last_ts,
                  coalesce(string_agg(coalesce('@' || t.handle, t.account_id) || ' (' || t.members_engaged || ' members)', ', '
                           ORDER BY t.members_engaged DESC, t.account_id), '')
           FROM campaigns AS c LEFT JOIN campaign_targets AS t USING (campaign_id)
           GROUP BY ALL ORDER BY c.score DESC, c.n_accounts DESC, c.campaign_id"""
    ).fetchall()
    body = "".join(
        f"<tr><td>{esc(cid)}</td><td>{n}</td><td>{esc(signals)}</td><td>{score:.2f}</td><td>{esc(first)}</td>"
        f"<td>{esc(last)}</td><td>{esc(targets)}</td></tr>"
        for cid, n, signals, score, first, last, targets in rows
    )
    return f"""<section id="campaigns"><h2>Campaigns, ranked by score</h2>
<table><tr><th>campaign</th><th>accounts</th><th>signals</th><th>score</th><th>from (UTC)</th><th>to (UTC)</th><th>targets</th></tr>{body}</table></section>"""


def network_figure(con: duckdb.DuckDBPyConnection) -> go.Figure:
    """Flagged accounts and their co-action ties, coloured by campaign; hover shows the evidence."""
    rows = con.sql(
        """SELECT e.a_platform, e.a_account, e.b_platform, e.b_account, sum(e.weight) AS weight
           FROM coaction_edges AS e
           SEMI JOIN flagged_accounts AS fa ON fa.platform = e.a_platform AND fa.account_id = e.a_account
           SEMI JOIN flagged_accounts AS fb ON fb.platform = e.b_platform AND fb.account_id = e.b_account
           GROUP BY ALL ORDER BY ALL"""
    ).fetchall()
    graph = nx.Graph()
    graph.add_weighted_edges_from(((ap, aa), (bp, ba), w) for ap, aa, bp, ba, w in rows)
    flagged = {
        (platform, account): (campaign, handle, evidence)
        for platform, account, campaign, handle, evidence in con.sql(
            "SELECT platform, account_id, campaign_id, handle, evidence FROM flagged_accounts"
        ).fetchall()
    }
    positions = nx.spring_layout(graph, seed=LAYOUT_SEED, weight="weight") if graph.number_of_nodes() else {}
    figure = go.Figure()
    edge_x: list[float | None] = []
    edge_y: list[float | None] = []
    for a, b in graph.edges():
        edge_x += [positions[a][0], positions[b][0], None]
        edge_y += [positions[a][1], positions[b][1], None]
    figure.add_trace(go.Scatter(x=edge_x, y=edge_y, mode="lines", line={"width": 0.6, "color": "#999"}, hoverinfo="skip", showlegend=False))
    campaigns = sorted({flagged[node][0] for node in graph.nodes if node in flagged})
    for index, campaign in enumerate(campaigns):
        nodes = sorted(node for node in graph.nodes if flagged.get(node, ("",))[0] == campaign)
        figure.add_trace(
            go.Scatter(
                x=[positions[node][0] for node in nodes],
                y=[positions[node][1] for node in nodes],
                mode="markers",
                name=campaign,
                marker={"size": 10, "color": PALETTE[index % len(PALETTE)], "line": {"width": 0.5, "color": "#fff"}},
                hovertext=[_hover(node, flagged[node]) for node in nodes],
                hoverinfo="text",
            )
        )
    figure.update_layout(
        title="Co-action network of flagged accounts (colour = campaign)", height=600,
        xaxis={"visible": False}, yaxis={"visible": False}, plot_bgcolor="#fff", margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure


def _hover(node: tuple[str, str], info: tuple[str, str | None, str]) -> str:
    campaign, handle, evidence = info
    name = f"@{handle}" if handle else node[1]
    return f"<b>{esc(name)}</b> ({esc(node[0])}, {esc(campaign)})<br>{'<br>'.join(_wrap(esc(evidence)))}"


def _wrap(text: str, width: int = 90) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) > width:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    return [*lines, line]


def timeline_figure(con: duckdb.DuckDBPyConnection) -> go.Figure:
    """Hourly actions of each campaign's members."""
    rows = con.sql(
        """SELECT c.campaign_id, date_trunc('hour', i.ts) AS hour, count(*) AS actions
           FROM interactions AS i JOIN campaign_accounts AS c USING (platform, account_id)
           GROUP BY ALL ORDER BY ALL"""
    ).fetchall()
    figure = go.Figure()
    campaigns = sorted({row[0] for row in rows})
    for index, campaign in enumerate(campaigns):
        points = [(hour, actions) for cid, hour, actions in rows if cid == campaign]
        figure.add_trace(
            go.Scatter(
                x=[hour for hour, _ in points], y=[actions for _, actions in points], mode="lines+markers",
                name=campaign, line={"color": PALETTE[index % len(PALETTE)]},
            )
        )
    figure.update_layout(title="Campaign members' actions per hour (UTC)", height=380, yaxis_title="actions", margin={"l": 50, "r": 10, "t": 50, "b": 40})
    return figure


def _figure_html(figure: go.Figure) -> str:
    return "<section>" + pio.to_html(figure, include_plotlyjs=False, full_html=False, config={"responsive": True}) + "</section>"


def flagged_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.sql(
        "SELECT campaign_id, platform, account_id, handle, signals, score, evidence FROM flagged_accounts "
        "ORDER BY campaign_id, score DESC, platform, account_id"
    ).fetchall()
    body = "".join(
        f"<tr><td>{esc(cid)}</td><td>{esc(platform)}</td><td>{esc(account)}</td><td>{esc(handle)}</td>"
        f"<td>{esc(signals)}</td><td>{score:.2f}</td><td>{esc(evidence)}</td></tr>"
        for cid, platform, account, handle, signals, score, evidence in rows
    )
    return f"""<section id="flagged"><h2>Flagged accounts and why</h2>
<table><tr><th>campaign</th><th>platform</th><th>account id</th><th>handle</th><th>signals</th><th>score</th><th>evidence</th></tr>{body}</table></section>"""


def methods_section(con: duckdb.DuckDBPyConnection) -> str:
    params = provenance(con)["parameters"].get("coaction_edges", {})
    window = esc(params.get("window_seconds", 60))
    min_weight = esc(params.get("min_weight", 3))
    return f"""<section id="methods"><h2>Methods and limits</h2>
<p><b>Coordination.</b> Two accounts co-act when they act on the same object (for example repost the same post)
within {window} seconds of each other, inclusive. Two accounts are tied when they co-acted on at least {min_weight}
different objects. Tied accounts are grouped with the Louvain method (fixed seed, so results repeat exactly).
An account's score is the share of its actions that an account it is tied to matched within the window.</p>
<p><b>What this cannot tell.</b> Coordination is not proof of intent: fan communities, news followers and
people reacting to the same breaking post can act in step. Each flag is a lead to verify with the evidence
listed, not a verdict.</p></section>"""
