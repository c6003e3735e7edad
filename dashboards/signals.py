"""Per-signal parts of the report: a registry keyed by the ``account_signals.signal`` name.

A detector plugs into the report by registering a ``SignalReport``: a plain-language ``methods`` text
(its definition and the parameters it ran with) and, optionally, a ``section`` drawn inside every
campaign in which the signal fired. Signals without a registered entry still appear everywhere through
their ``account_signals`` rows (counts, account table, evidence sentences), with a note that their
detector has no report section yet.

    register(SignalReport("burst", "Pile-on bursts", methods=burst_methods, section=burst_section))

``methods(con, parameters) -> str`` and ``section(con, campaign_id, figures) -> str`` return HTML built
with ``dashboards.html`` (every data value escaped).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import networkx as nx
import plotly.graph_objects as go

from mobtrace.dashboards.html import NEUTRAL_COLOUR, PALETTE, SYMBOLS, Column, Figures, Markup, esc, hover, table, timestamp

LAYOUT_SEED = 7
MAX_NETWORK_NODES = 400
STRONGEST_TIES = 15


@dataclass(frozen=True)
class SignalReport:
    signal: str
    title: str
    methods: Callable[[duckdb.DuckDBPyConnection, dict[str, dict[str, object]]], str]
    section: Callable[[duckdb.DuckDBPyConnection, str, Figures], str] | None = None


SIGNAL_REPORTS: dict[str, SignalReport] = {}


def register(report: SignalReport) -> SignalReport:
    SIGNAL_REPORTS[report.signal] = report
    return report


def columns_of(con: duckdb.DuckDBPyConnection, table_name: str) -> set[str]:
    """Column names of a table in the current database (empty when it does not exist)."""
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema()",
        [table_name],
    ).fetchall()
    return {name for (name,) in rows}


def account_label(handle: str | None, account_id: str) -> str:
    return f"@{handle}" if handle else account_id


# --- coordination -------------------------------------------------------------------------------------


def coordination_methods(con: duckdb.DuckDBPyConnection, parameters: dict[str, dict[str, object]]) -> str:
    edges = parameters.get("coaction_edges", {})
    clusters = parameters.get("account_clusters", {})
    behaviours = ", ".join(str(b) for b in edges.get("behaviours", ["co_repost"]))
    significance = ""
    if {"p_value", "expected_weight"} <= columns_of(con, "coaction_edges"):
        significance = (
            " Each tie also carries how many shared objects two accounts of the same activity would reach by chance "
            "(<i>expected weight</i>) and the probability of reaching the observed weight by chance (<i>p-value</i>); "
            "the strongest-ties tables show both."
        )
    return f"""<p>Two accounts <b>co-act</b> when they do the same thing to the same object (behaviours used in this run:
{esc(behaviours)}; for example, repost the same post) within {esc(edges.get('window_seconds', 60))} seconds of each other,
inclusive. Two accounts are <b>tied</b> when they co-acted on at least {esc(edges.get('min_weight', 3))} different objects;
the tie's <b>weight</b> is that number of objects. Tied accounts are grouped with the Louvain method (random state
{esc(clusters.get('seed', 42))}, resolution {esc(clusters.get('resolution', 1.0))}, so results repeat exactly), and groups of at
least {esc(clusters.get('min_cluster_size', 3))} accounts are kept. Every member is flagged; its <b>score</b> is the share of its
actions that an account it is tied to matched within the window. Up to {esc(edges.get('evidence_per_edge', 20))} matched
pairs per tie, closest in time first, are kept as evidence and make up the reaction-time chart.{significance}</p>"""


def coordination_section(con: duckdb.DuckDBPyConnection, campaign_id: str, figures: Figures) -> str:
    edges = _campaign_edges(con, campaign_id)
    if not edges:
        return "<p>No co-action ties inside this campaign.</p>"
    network, note = network_figure(con, campaign_id, edges)
    parts = [
        "<h4>Co-action network</h4>",
        figures.add(network, caption=esc(note), height=560),
        "<h4>Reaction times</h4>",
        figures.add(
            latency_figure(con, campaign_id),
            caption="Gap between two tied accounts' actions on the same object (the matched pairs kept as evidence). "
            "Organic reactions spread over minutes to hours; a tall bar near zero means accounts acting on cue.",
        ),
        "<h4>Strongest ties</h4>",
        strongest_ties_table(con, campaign_id),
    ]
    return "\n".join(parts)


def _campaign_edges(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[tuple]:
    extra = ", max(e.p_value) AS p_value" if "p_value" in columns_of(con, "coaction_edges") else ", NULL AS p_value"
    return con.execute(
        f"""SELECT e.a_platform, e.a_account, e.b_platform, e.b_account, sum(e.weight) AS weight,
                   string_agg(e.behaviour || ': ' || e.weight, ', ' ORDER BY e.behaviour) AS behaviours,
                   min(e.median_dt_s) AS median_dt_s {extra}
            FROM coaction_edges AS e
            JOIN campaign_accounts AS ca ON ca.platform = e.a_platform AND ca.account_id = e.a_account
            JOIN campaign_accounts AS cb ON cb.platform = e.b_platform AND cb.account_id = e.b_account
            WHERE ca.campaign_id = ? AND cb.campaign_id = ?
            GROUP BY ALL ORDER BY ALL""",
        [campaign_id, campaign_id],
    ).fetchall()


def _node_groups(con: duckdb.DuckDBPyConnection, campaign_id: str) -> dict[tuple[str, str], str]:
    """Colour group of each member: its Louvain cluster when known, else its first signal group."""
    if {"platform", "account_id", "cluster_id"} <= columns_of(con, "account_clusters"):
        rows = con.execute(
            """SELECT c.platform, c.account_id, coalesce('cluster ' || k.cluster_id, 'no cluster')
               FROM campaign_accounts AS c LEFT JOIN account_clusters AS k USING (platform, account_id)
               WHERE c.campaign_id = ?""",
            [campaign_id],
        ).fetchall()
    else:
        rows = con.execute(
            """SELECT c.platform, c.account_id, min(s.signal || ' ' || s.group_key)
               FROM campaign_accounts AS c JOIN account_signals AS s USING (platform, account_id)
               WHERE c.campaign_id = ? GROUP BY ALL""",
            [campaign_id],
        ).fetchall()
    return {(platform, account): group for platform, account, group in rows}


def network_figure(con: duckdb.DuckDBPyConnection, campaign_id: str, edges: list[tuple]) -> tuple[go.Figure, str]:
    """The campaign's accounts and their co-action ties: colour = cluster, edge width = weight."""
    graph = nx.Graph()
    for a_platform, a_account, b_platform, b_account, weight, behaviours, median_dt, p_value in edges:
        graph.add_edge((a_platform, a_account), (b_platform, b_account), weight=float(weight), behaviours=behaviours,
                       median_dt=median_dt, p_value=p_value)
    note = ""
    if graph.number_of_nodes() > MAX_NETWORK_NODES:
        keep = sorted(graph.nodes, key=lambda n: (-graph.degree(n, weight="weight"), n))[:MAX_NETWORK_NODES]
        note = f"Showing the {MAX_NETWORK_NODES} most strongly tied of {graph.number_of_nodes()} accounts. "
        graph = graph.subgraph(keep).copy()
    info = {
        (platform, account): (handle, signals, score, evidence)
        for platform, account, handle, signals, score, evidence in con.execute(
            "SELECT platform, account_id, handle, signals, score, evidence FROM flagged_accounts WHERE campaign_id = ?",
            [campaign_id],
        ).fetchall()
    }
    groups = _node_groups(con, campaign_id)
    positions = component_layout(graph)
    figure = go.Figure()
    max_weight = max(data["weight"] for _, _, data in graph.edges(data=True))
    widths: dict[float, list[tuple]] = {}
    for a, b, data in sorted(graph.edges(data=True)):
        width = round(0.6 + 4.4 * data["weight"] / max_weight)  # 1..5 px in whole steps: one trace per width
        widths.setdefault(width, []).append((a, b))
    for width, pairs in sorted(widths.items()):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for a, b in pairs:
            xs += [positions[a][0], positions[b][0], None]
            ys += [positions[a][1], positions[b][1], None]
        figure.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"width": width, "color": "#8c8c8c"}, opacity=0.55,
                                    hoverinfo="skip", showlegend=False))
    # Invisible points in the middle of each tie carry the tie's evidence on hover.
    mids = sorted(graph.edges(data=True))
    figure.add_trace(go.Scatter(
        x=[(positions[a][0] + positions[b][0]) / 2 for a, b, _ in mids],
        y=[(positions[a][1] + positions[b][1]) / 2 for a, b, _ in mids],
        mode="markers", marker={"size": 6, "color": "rgba(0,0,0,0)"}, showlegend=False, hoverinfo="text",
        hovertext=[_tie_hover(a, b, data, info) for a, b, data in mids], name="ties",
    ))
    names = sorted({groups.get(node, "no cluster") for node in graph.nodes}, key=_natural)
    for index, group in enumerate(names):
        nodes = sorted(node for node in graph.nodes if groups.get(node, "no cluster") == group)
        figure.add_trace(go.Scatter(
            x=[positions[n][0] for n in nodes], y=[positions[n][1] for n in nodes], mode="markers", name=esc(group),
            marker={"size": [9 + min(12, graph.degree(n)) for n in nodes], "color": PALETTE[index % len(PALETTE)],
                    "symbol": SYMBOLS[(index // len(PALETTE)) % len(SYMBOLS)], "line": {"width": 1, "color": "#333"}},
            hovertext=[_node_hover(n, info.get(n), graph) for n in nodes], hoverinfo="text",
        ))
    figure.update_layout(
        height=560, template="plotly_white", showlegend=True, legend={"title": {"text": "colour"}},
        xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"}, margin={"l": 10, "r": 10, "t": 20, "b": 10},
        hoverlabel={"align": "left"},
    )
    note += (
        f"{graph.number_of_nodes()} accounts, {graph.number_of_edges()} ties. Colour = cluster; a thicker line = more "
        "shared objects. Hover over an account for its evidence, over the middle of a line for the tie."
    )
    return figure, note


def component_layout(graph: nx.Graph) -> dict:
    """Spring layout of each connected component on its own, components side by side in a grid (largest
    first): a campaign joined across platforms has no ties between its groups, and one global layout
    would push them to the corners."""
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda nodes: (-len(nodes), nodes[0]))
    columns = max(1, min(3, len(components)))
    positions = {}
    for index, nodes in enumerate(components):
        sub = graph.subgraph(nodes)
        local = nx.spring_layout(sub, seed=LAYOUT_SEED, weight="weight") if len(nodes) > 1 else {nodes[0]: (0.0, 0.0)}
        scale = 0.5 + 0.5 * (len(nodes) / len(components[0])) ** 0.5  # smaller groups drawn smaller
        row, column = divmod(index, columns)
        for node, (x, y) in local.items():
            positions[node] = (column * 2.6 + x * scale, -row * 2.6 + y * scale)
    return positions


def _natural(name: str) -> tuple:
    prefix, _, number = name.rpartition(" ")
    return (prefix, int(number)) if number.isdigit() else (name, 0)


def _node_hover(node: tuple[str, str], info: tuple | None, graph: nx.Graph) -> str:
    platform, account = node
    if info is None:
        return hover(account, f"{platform}: not flagged")
    handle, signals, score, evidence = info
    return hover(
        account_label(handle, account),
        f"{platform} account {account}; signals: {signals}; score {score:.2f}; {graph.degree(node)} ties",
        evidence,
    )


def _tie_hover(a: tuple[str, str], b: tuple[str, str], data: dict, info: dict) -> str:
    name_a = account_label(info.get(a, (None,))[0], a[1])
    name_b = account_label(info.get(b, (None,))[0], b[1])
    lines = [f"shared objects per behaviour: {data['behaviours']}", f"median gap {data['median_dt']:.1f} s"]
    if data.get("p_value") is not None:
        lines.append(f"p-value {data['p_value']:.2g}")
    return hover(f"{name_a} and {name_b}", *lines)


def latency_figure(con: duckdb.DuckDBPyConnection, campaign_id: str) -> go.Figure:
    gaps = [
        dt for (dt,) in con.execute(
            """SELECT v.dt_s FROM coaction_evidence AS v
               JOIN campaign_accounts AS ca ON ca.platform = v.a_platform AND ca.account_id = v.a_account
               JOIN campaign_accounts AS cb ON cb.platform = v.b_platform AND cb.account_id = v.b_account
               WHERE ca.campaign_id = ? AND cb.campaign_id = ? ORDER BY v.dt_s""",
            [campaign_id, campaign_id],
        ).fetchall()
    ]
    largest = max(gaps, default=1.0)
    size = 1.0 if largest <= 40 else 2.0 if largest <= 80 else round(largest / 40, 1)
    figure = go.Figure(go.Histogram(x=gaps, xbins={"start": 0, "end": largest + size, "size": size}, marker={"color": PALETTE[0]},
                                    name="matched pairs", hovertemplate="%{x} s: %{y} pairs<extra></extra>"))
    figure.update_layout(height=320, template="plotly_white", xaxis_title="seconds between the two actions", xaxis_range=[0, largest + size],
                         yaxis_title="matched pairs", bargap=0.05, margin={"l": 60, "r": 10, "t": 20, "b": 50})
    return figure


def strongest_ties_table(con: duckdb.DuckDBPyConnection, campaign_id: str) -> str:
    present = columns_of(con, "coaction_edges")
    significance = [c for c in ("expected_weight", "p_value") if c in present]
    extra = "".join(f", e.{c}" for c in significance)
    rows = con.execute(
        f"""SELECT coalesce('@' || ha.handle, e.a_account), coalesce('@' || hb.handle, e.b_account), e.behaviour, e.weight,
                   e.matched_pairs, e.median_dt_s, e.share_within_10s, e.first_ts, e.last_ts {extra}
            FROM coaction_edges AS e
            JOIN campaign_accounts AS ca ON ca.platform = e.a_platform AND ca.account_id = e.a_account
            JOIN campaign_accounts AS cb ON cb.platform = e.b_platform AND cb.account_id = e.b_account
            LEFT JOIN accounts AS ha ON ha.platform = e.a_platform AND ha.account_id = e.a_account
            LEFT JOIN accounts AS hb ON hb.platform = e.b_platform AND hb.account_id = e.b_account
            WHERE ca.campaign_id = ? AND cb.campaign_id = ?
            ORDER BY e.weight DESC, e.median_dt_s, e.a_platform, e.a_account, e.b_platform, e.b_account, e.behaviour
            LIMIT {STRONGEST_TIES}""",
        [campaign_id, campaign_id],
    ).fetchall()
    columns = [
        Column("accounts"), Column("behaviour"), Column("shared objects", True), Column("matched pairs", True),
        Column("median gap (s)", True), Column("share within 10 s", True), Column("period (UTC)"),
        *[Column(c.replace("_", " "), True) for c in significance],
    ]
    body = [
        [Markup(f"{esc(a)}<br>{esc(b)}"), behaviour, weight, pairs, (f"{median:.1f}", median), (f"{share:.0%}", share),
         (f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}", timestamp(first)),
         *[(f"{value:.3g}", value) if value is not None else "" for value in extra_values]]
        for a, b, behaviour, weight, pairs, median, share, first, last, *extra_values in rows
    ]
    return (
        f"<p>The {len(rows)} ties with the most shared objects (all ties are in coaction_edges.csv).</p>"
        + table(columns, body, sortable=True)
    )


register(SignalReport("coordination", "Coordinated co-action", methods=coordination_methods, section=coordination_section))


def unregistered_methods(signal: str) -> str:
    return (
        f"<p>The detector behind <b>{esc(signal)}</b> has no description registered with the report; its flags and "
        "evidence sentences are listed with each campaign. See the detector's documentation for its definition.</p>"
    )


__all__ = ["SIGNAL_REPORTS", "SignalReport", "register", "columns_of", "account_label", "Markup"]
