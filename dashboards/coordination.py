"""The coordination signal's parts of the report, the evidence package and the outputs (``SIGNAL_REPORT``).

- methods: co-action, ties, Louvain groups and scores in plain language, with the time windows this run
  used (``coaction_windows_used``: fixed, or estimated per object and behaviour);
- section, in every campaign in which the signal fired (``templates/coordination.html``): the co-action
  network (colour = Louvain cluster, line width = shared objects), the reaction-time histogram of the
  matched pairs kept as evidence, and the strongest ties with their expected weight and p-value;
- evidence: both events of every matched co-action pair between two members of the campaign;
- outputs: ``coaction_edges.csv`` (every co-action edge with its behaviour, weight, timing and
  significance) and the clustered graph (significant edges, behaviours merged) as ``coaction.graphml`` /
  ``coaction.gexf`` (Gephi) and ``coordination_edges.parquet`` / ``coordination_nodes.parquet``, see
  ``analysis/coordination/export.py``; ``coordination_followings.csv`` (every cluster that only co-reposted:
  an organic following, not flagged, or not, and why).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import networkx as nx
import plotly.graph_objects as go

from mobtrace.analysis.coordination import export
from mobtrace.analysis.coordination.params import ClusterParams, CoactionParams
from mobtrace.analysis.sql import has_table
from mobtrace.dashboards.html import (
    PALETTE, SYMBOLS, Column, Figures, Markup, Table, account_label, clip, esc, hover, render_macro, table, timestamp, user,
)
from mobtrace.dashboards.evidence import csv_bytes, iso_ms
from mobtrace.dashboards.outputs import copy_csv
from mobtrace.dashboards.safety import show_bidi
from mobtrace.dashboards.signals import EvidenceRow, SignalReport

LAYOUT_SEED = 7
MAX_NETWORK_NODES = 400
STRONGEST_TIES = 15
MATCHED_OBJECTS = 15
LABELLED_ACCOUNTS = 12  # the most strongly tied accounts carry their name in the static (printed) network
EDGE_COLUMNS = [
    "behaviour", "a_platform", "a_account", "b_platform", "b_account", "weight", "matched_pairs",
    "median_dt_s", "share_within_10s", "first_ts", "last_ts", "expected_weight", "p_value", "q_value", "significant",
]
MINUTE_CAPTION = (
    "Gap between two tied accounts' actions on the same object (the matched pairs kept as evidence). The times of these "
    "accounts' exports are to the minute: a bar at 0 s means the same minute and one at 60 s the next minute, whatever the real "
    "gap; they cannot show whether the accounts reacted within seconds."
)
REACTION_TIMES_CAPTION = (
    "Gap between two tied accounts' actions on the same object (the matched pairs kept as evidence). "
    "Organic reactions spread over minutes to hours; a tall bar near zero means accounts acting on cue."
)


# --- methods ------------------------------------------------------------------------------------------


def methods(con: duckdb.DuckDBPyConnection, parameters: dict[str, dict[str, object]]) -> str:
    edges = CoactionParams.from_record(parameters.get(CoactionParams.step, {}))
    clusters = ClusterParams.from_record(parameters.get(ClusterParams.step, {}))
    minute_files = con.execute("SELECT count(*) FROM time_resolution WHERE minute_stamped").fetchall()[0][0]
    followings = []
    if has_table(con, "coordination_followings"):  # written by the clusters step
        query = "SELECT reason FROM coordination_followings WHERE is_following ORDER BY cluster_id"
        followings = [show_bidi(reason) for (reason,) in con.sql(query).fetchall()]
    return render_macro("coordination.html", "methods", window=window_phrase(con, edges), coaction=edges, clusters=clusters,
                        minute_files=minute_files, followings=followings)


def window_phrase(con: duckdb.DuckDBPyConnection, edges: CoactionParams) -> str:
    """How close in time two actions had to be in this run: the windows the co-action step used
    (``coaction_windows_used``), per behaviour when it estimated them per object; the parameters when no
    object could pair at all."""
    used = con.execute(
        "SELECT behaviour, auto, objects, min_window_s, median_window_s, max_window_s FROM coaction_windows_used ORDER BY behaviour"
    ).fetchall()
    if any(auto for _, auto, *_ in used) or (not used and edges.auto_window):
        details = "; ".join(_behaviour_window(*row) for row in used)
        return "within a window estimated per object" + (f" ({details})" if details else "")
    fixed = max((largest for *_, largest in used), default=float(edges.window_seconds))
    return f"within {_seconds(fixed)} seconds of each other, inclusive"


def _behaviour_window(behaviour: str, auto: bool, objects: int, smallest: float, median: float, largest: float) -> str:
    if not auto:
        return f"{behaviour}: {_seconds(largest)} s"
    if not objects:
        return f"{behaviour}: no objects"
    return f"{behaviour}: {_seconds(smallest)} to {_seconds(largest)} s, median {_seconds(median)} s, over {objects:,} objects"


def _seconds(value: float) -> str:
    """Seconds to one decimal, without a trailing '.0': 60.0 -> '60', 2.5 -> '2.5'."""
    return f"{value:,.1f}".removesuffix(".0")


# --- the section in a campaign --------------------------------------------------------------------------


def section(con: duckdb.DuckDBPyConnection, campaign_id: str, figures: Figures) -> str:
    edges = _campaign_edges(con, campaign_id)
    if not edges:
        return render_macro("coordination.html", "section")
    network, note = network_figure(con, campaign_id, edges)
    return render_macro(
        "coordination.html", "section",
        network=figures.add(network, caption=note, height=560),
        reaction_times=figures.add(latency_figure(con, campaign_id),
                                   caption=MINUTE_CAPTION if _minute_stamped(con, campaign_id) else REACTION_TIMES_CAPTION),
        ties=strongest_ties_table(con, campaign_id),
        pushed=matched_objects_table(con, campaign_id),
    )


def _minute_stamped(con: duckdb.DuckDBPyConnection, campaign_id: str) -> bool:
    """Whether every event of the campaign's members comes from a file with times to the minute only."""
    return bool(con.execute(
        """SELECT coalesce(bool_and(r.minute_stamped), false)
           FROM campaign_accounts AS c JOIN interactions AS i USING (platform, account_id)
           JOIN time_resolution AS r USING (source_file)
           WHERE c.campaign_id = ?""",
        [campaign_id],
    ).fetchall()[0][0])


def _campaign_edges(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[tuple]:
    return con.execute(
        """SELECT e.a_platform, e.a_account, e.b_platform, e.b_account, sum(e.weight) AS weight,
                  string_agg(e.behaviour || ': ' || e.weight, ', ' ORDER BY e.behaviour) AS behaviours,
                  min(e.median_dt_s) AS median_dt_s, max(e.p_value) AS p_value
           FROM coaction_edges AS e
           JOIN campaign_accounts AS ca ON ca.platform = e.a_platform AND ca.account_id = e.a_account
           JOIN campaign_accounts AS cb ON cb.platform = e.b_platform AND cb.account_id = e.b_account
           WHERE ca.campaign_id = ? AND cb.campaign_id = ?
           GROUP BY ALL ORDER BY ALL""",
        [campaign_id, campaign_id],
    ).fetchall()


def _node_groups(con: duckdb.DuckDBPyConnection, campaign_id: str) -> dict[tuple[str, str], str]:
    """Colour group of each member: its Louvain cluster."""
    rows = con.execute(
        """SELECT c.platform, c.account_id, coalesce('cluster ' || k.cluster_id, 'no cluster')
           FROM campaign_accounts AS c LEFT JOIN account_clusters AS k USING (platform, account_id)
           WHERE c.campaign_id = ?""",
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
    central = set(sorted(graph.nodes, key=lambda n: (-graph.degree(n, weight="weight"), n))[:LABELLED_ACCOUNTS])
    for index, group in enumerate(names):
        nodes = sorted(node for node in graph.nodes if groups.get(node, "no cluster") == group)
        figure.add_trace(go.Scatter(
            x=[positions[n][0] for n in nodes], y=[positions[n][1] for n in nodes], mode="markers+text", name=esc(group),
            text=[esc(account_label(info.get(n, (None,))[0], n[1])) if n in central else "" for n in nodes],
            textposition="top center", textfont={"size": 10},
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
        f"shared objects; the {min(LABELLED_ACCOUNTS, graph.number_of_nodes())} most strongly tied accounts are named. "
        "Hover over an account for its evidence, over the middle of a line for the tie."
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
    if data["p_value"] is not None:  # NULL when the null model did not run
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


def strongest_ties_table(con: duckdb.DuckDBPyConnection, campaign_id: str) -> Table:
    rows = con.execute(
        f"""SELECT coalesce('@' || ha.handle, e.a_account), coalesce('@' || hb.handle, e.b_account), e.behaviour, e.weight,
                   e.matched_pairs, e.median_dt_s, e.share_within_10s, e.first_ts, e.last_ts, e.expected_weight, e.p_value
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
        Column("expected weight", True), Column("p value", True),
    ]
    body = [
        [Markup("{}<br>{}").format(user(a), user(b)), behaviour, weight, pairs, (f"{median:.1f}", median), (f"{share:.0%}", share),
         (f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}", timestamp(first)),
         *[(f"{value:.3g}", value) if value is not None else "" for value in (expected, p_value)]]
        for a, b, behaviour, weight, pairs, median, share, first, last, expected, p_value in rows
    ]
    return table(columns, body, sortable=True)


def matched_objects_table(con: duckdb.DuckDBPyConnection, campaign_id: str) -> Table:
    """What the members pushed together: the objects (post, text, link, hashtag, mentioned account) of the
    matched pairs kept as evidence between two members, most members first. The object is shown as the
    data has it: for a text its normalised form, for a repost the original's text when the export has it."""
    rows = con.execute(
        f"""WITH pairs AS (
                SELECT v.* FROM coaction_evidence AS v
                JOIN campaign_accounts AS ca ON ca.platform = v.a_platform AND ca.account_id = v.a_account
                JOIN campaign_accounts AS cb ON cb.platform = v.b_platform AND cb.account_id = v.b_account
                WHERE ca.campaign_id = $1 AND cb.campaign_id = $1
            ),
            members AS (
                SELECT behaviour, object_id, a_platform AS platform, a_account AS account, a_ts AS ts FROM pairs
                UNION SELECT behaviour, object_id, b_platform, b_account, b_ts FROM pairs
            )
            SELECT m.behaviour, m.object_id, any_value(o.text) AS original, count(DISTINCT (m.platform, m.account)) AS accounts,
                   (SELECT count(*) FROM pairs AS p WHERE p.behaviour = m.behaviour AND p.object_id = m.object_id) AS pairs,
                   min(m.ts) AS first_ts
            FROM members AS m
            -- reposts and replies act on a post, whose object id is 'platform:post id' (behaviours/co_repost.sql)
            LEFT JOIN interactions AS o ON m.behaviour IN ('co_repost', 'co_reply') AND o.platform = m.platform
                                       AND m.object_id = o.platform || ':' || o.event_id
            GROUP BY ALL
            ORDER BY accounts DESC, pairs DESC, first_ts, m.behaviour, m.object_id
            LIMIT {MATCHED_OBJECTS}""",
        [campaign_id],
    ).fetchall()
    columns = [Column("behaviour"), Column("what they acted on", css="evidence"), Column("accounts", True),
               Column("matched pairs", True), Column("first (UTC)")]
    body = [
        [behaviour, user(clip(original or obj)), accounts, pairs, timestamp(first)]
        for behaviour, obj, original, accounts, pairs, first in rows
    ]
    return table(columns, body, sortable=True)


# --- evidence package and outputs ---------------------------------------------------------------------


def evidence(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[EvidenceRow]:
    """Both events of every matched co-action pair between two members of the campaign, and each originator's
    posts that its cluster reposted within the window."""
    return con.execute(
        """WITH pairs AS (
               SELECT v.* FROM coaction_evidence AS v
               JOIN campaign_accounts AS ca ON ca.platform = v.a_platform AND ca.account_id = v.a_account
               JOIN campaign_accounts AS cb ON cb.platform = v.b_platform AND cb.account_id = v.b_account
               WHERE ca.campaign_id = $1 AND cb.campaign_id = $1
           )
           SELECT a_platform, a_account, a_platform, a_event, 'coordination: ' || behaviour || ' pair' FROM pairs
           UNION
           SELECT b_platform, b_account, b_platform, b_event, 'coordination: ' || behaviour || ' pair' FROM pairs
           UNION
           SELECT o.platform, o.account_id, p.platform, p.event_id, 'coordination: its post, reposted by cluster ' || o.cluster_id
           FROM coordination_originators AS o
           JOIN campaign_accounts AS c ON c.campaign_id = $1 AND c.platform = o.platform AND c.account_id = o.account_id
           JOIN interactions AS p ON p.platform = o.platform AND p.account_id = o.account_id
           WHERE EXISTS (SELECT 1 FROM interactions AS r JOIN account_clusters AS k USING (platform, account_id)
                         WHERE r.platform = p.platform AND r.target_post_id = p.event_id AND r.action = 'repost'
                           AND k.cluster_id = o.cluster_id AND epoch(r.ts - p.ts) BETWEEN 0 AND o.window_s)""",
        [campaign_id],
    ).fetchall()


def outputs(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict[str, Path]:
    """Write coaction_edges.csv, the clustered graph's files and coordination_followings.csv (every cluster that only
    co-reposted, following or not, with the reason) into ``out_dir``; return their paths by name."""
    paths = {
        "coaction_edges": out_dir / "coaction_edges.csv",
        "graphml": out_dir / "coaction.graphml",
        "gexf": out_dir / "coaction.gexf",
        "edge_list": out_dir / "coordination_edges.parquet",
        "node_list": out_dir / "coordination_nodes.parquet",
        "followings": out_dir / "coordination_followings.csv",
    }
    copy_csv(con, f"SELECT {', '.join(EDGE_COLUMNS)} FROM coaction_edges ORDER BY ALL", paths["coaction_edges"])
    if has_table(con, "coordination_followings"):
        copy_csv(con, "SELECT * FROM coordination_followings ORDER BY cluster_id", paths["followings"])
    else:
        del paths["followings"]
    export.write_graphml(con, paths["graphml"])
    export.write_gexf(con, paths["gexf"])
    export.write_edge_list(con, paths["edge_list"])
    export.write_node_list(con, paths["node_list"])
    return paths


PAIR_COLUMNS = [
    "behaviour", "object_id", "platform_a", "account_a", "handle_a", "event_a", "time_a_utc",
    "platform_b", "account_b", "handle_b", "event_b", "time_b_utc", "gap_seconds",
]
PAIRS_README = """pairs.csv      For the coordination signal: each matched pair of actions by two accounts on the same
               object (for example two reposts of the same post) and the seconds between them: which
               posts of two accounts matched and how many seconds apart.
"""


def package_files(con: duckdb.DuckDBPyConnection, campaign_id: str) -> dict[str, bytes]:
    """``pairs.csv``: the matched co-action pairs between two members of the campaign, kept as evidence."""
    rows = con.execute(
        """SELECT v.behaviour, v.object_id, v.a_platform, v.a_account, ha.handle, v.a_event, v.a_ts,
                  v.b_platform, v.b_account, hb.handle, v.b_event, v.b_ts, v.dt_s
           FROM coaction_evidence AS v
           JOIN campaign_accounts AS ca ON ca.platform = v.a_platform AND ca.account_id = v.a_account
           JOIN campaign_accounts AS cb ON cb.platform = v.b_platform AND cb.account_id = v.b_account
           LEFT JOIN accounts AS ha ON ha.platform = v.a_platform AND ha.account_id = v.a_account
           LEFT JOIN accounts AS hb ON hb.platform = v.b_platform AND hb.account_id = v.b_account
           WHERE ca.campaign_id = $1 AND cb.campaign_id = $1
           ORDER BY v.a_platform, v.a_account, v.b_platform, v.b_account, v.behaviour, v.a_ts, v.object_id, v.a_event, v.b_event""",
        [campaign_id],
    ).fetchall()
    pairs = [
        dict(zip(PAIR_COLUMNS, [behaviour, obj, ap, aa, ha or "", ae, iso_ms(at), bp, ba, hb or "", be, iso_ms(bt), f"{dt:.3f}"]))
        for behaviour, obj, ap, aa, ha, ae, at, bp, ba, hb, be, bt, dt in rows
    ]
    return {"pairs.csv": csv_bytes(pairs, PAIR_COLUMNS)}


SIGNAL_REPORT = SignalReport(
    "coordination", "Coordinated co-action", methods=methods, section=section, evidence=evidence, outputs=outputs,
    package_files=package_files, package_readme=PAIRS_README,
)
