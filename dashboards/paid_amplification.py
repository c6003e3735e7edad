"""The paid-amplification signal's parts of the report, the evidence package and the outputs (``SIGNAL_REPORT``).

- methods: features, jobs, clients, pools, scores, the hard negatives and what the detector cannot tell, in
  plain language, with the parameters the run used (``templates/paid_amplification.html``);
- section, in every campaign with a for-hire pool: per pool, why it is one, its clients (the beneficiaries,
  not flagged), the reaction latency of its job reactions against organic reposters, its members' creation
  dates against everyone else's, the client-by-amplifier matrix, each client's timeline of boosted posts
  (and its other posts), and the flagged members with their evidence;
- evidence: every reaction of a flagged member to one of its pool's jobs;
- outputs: ``amplification_pools.csv`` (every cluster with clients, pool or not, with its score and reason);
- package: ``beneficiaries.csv`` and ``amplification_jobs.csv`` for the campaign's pools.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import plotly.graph_objects as go

from mobtrace.analysis.paid_amplification.params import PaidAmplificationParams
from mobtrace.analysis.sql import has_table
from mobtrace.dashboards.evidence import csv_bytes, iso_ms
from mobtrace.dashboards.html import (
    MEMBER_COLOUR, NEUTRAL_COLOUR, OTHER_COLOUR, Column, Figures, account_label, hover, render_macro, table, timestamp,
)
from mobtrace.dashboards.outputs import copy_csv
from mobtrace.dashboards.signals import EvidenceRow, SignalReport

ORGANIC_SAMPLE = 50_000      # other accounts' creation dates drawn (by hash: reproducible) for the comparison histogram
MATRIX_MEMBERS = 80          # columns of the client-by-amplifier matrix (the most active members)
MEMBERS_LISTED = 200         # flagged members listed per pool (all are in flagged_accounts.csv)
# Latency bins (seconds): fine where bots live, coarse where people do.
LATENCY_EDGES = [0, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1_800, 3_600, 3 * 3_600, 12 * 3_600, 86_400]
POOL_COLUMNS = ["cluster_id", "group_key", "is_pool", "score", "size", "clients", "client_groups", "jobs", "flagged_members",
                "median_participation", "fast_share", "median_latency_s", "max_overlap", "client_names", "first_ts", "last_ts", "reason"]
BENEFICIARY_COLUMNS = ["platform", "account_id", "handle", "pool", "boosted_posts", "posts_in_export", "fewest_amplifiers",
                       "most_amplifiers", "pool_share_of_amplifiers", "outside_audience", "client_group", "first_utc", "last_utc", "reason"]
JOB_COLUMNS = ["pool", "platform", "client", "client_handle", "post_id", "posted_utc", "pool_amplifiers", "all_amplifiers",
               "pool_share", "median_latency_s", "first_reaction_utc", "last_reaction_utc"]
PACKAGE_README = """beneficiaries.csv      For the paid_amplification signal: the accounts the campaign's for-hire pools
               boosted (their clients), with how many of their posts were boosted and by how many pool
               accounts. Clients are not flagged: a client may be the customer or a victim of fake
               engagement.
amplification_jobs.csv Every post the pools boosted: its client, when it was posted, how many pool accounts
               and how many accounts in all amplified it, and the pool's median reaction time.
"""


# --- methods ------------------------------------------------------------------------------------------


def methods(con: duckdb.DuckDBPyConnection, parameters: dict[str, dict[str, object]]) -> str:
    params = PaidAmplificationParams.from_record(parameters.get(PaidAmplificationParams.step, {}))
    return render_macro("paid_amplification.html", "methods", p=params)


# --- the section in a campaign --------------------------------------------------------------------------


def section(con: duckdb.DuckDBPyConnection, campaign_id: str, figures: Figures) -> str:
    pools = con.execute(
        """SELECT p.cluster_id, p.reason, p.score, count(*) AS flagged_here
           FROM amplification_pools AS p
           JOIN account_signals AS s ON s.signal = 'paid_amplification' AND s.group_key = p.group_key
           JOIN campaign_accounts AS c ON c.platform = s.platform AND c.account_id = s.account_id AND c.campaign_id = ?
           GROUP BY ALL ORDER BY p.cluster_id""",
        [campaign_id],
    ).fetchall()
    parts = [
        {
            "cluster": cluster, "reason": reason, "score": score, "flagged": flagged,
            "clients": clients_table(con, cluster),
            "latency": figures.add(latency_figure(con, cluster), caption=LATENCY_CAPTION),
            "created": figures.add(creation_figure(con, cluster), caption=CREATION_CAPTION),
            "matrix": figures.add(*matrix_figure(con, cluster)),
            "timeline": figures.add(*timeline_figure(con, cluster)),
            "members": members_table(con, cluster),
        }
        for cluster, reason, score, flagged in pools
    ]
    return render_macro("paid_amplification.html", "section", pools=parts)


def clients_table(con: duckdb.DuckDBPyConnection, cluster: int):
    rows = con.execute(
        """SELECT a.handle, c.account_id, c.jobs, c.posts, c.fewest_members, c.most_members, c.member_share, c.audience,
                  c.client_group, c.first_ts, c.last_ts
           FROM amplification_clients AS c LEFT JOIN accounts AS a USING (platform, account_id)
           WHERE c.cluster_id = ? ORDER BY c.client_group, c.jobs DESC, c.account_id""",
        [cluster],
    ).fetchall()
    columns = [Column("client (not flagged)"), Column("boosted posts", True), Column("its posts", True),
               Column("pool accounts per post"), Column("pool share of amplifiers", True), Column("audience outside the pool", True),
               Column("client group", True), Column("period (UTC)")]
    body = [
        [account_label(handle, account), jobs, posts, f"{fewest}" if fewest == most else f"{fewest} to {most}",
         (f"{share:.0%}", share), audience, group, f"{first:%Y-%m-%d} to {last:%Y-%m-%d}"]
        for handle, account, jobs, posts, fewest, most, share, audience, group, first, last in rows
    ]
    return table(columns, body, sortable=True)


def members_table(con: duckdb.DuckDBPyConnection, cluster: int):
    rows = con.execute(
        f"""SELECT m.handle, m.account_id, m.score, m.jobs_joined, m.pool_jobs, m.groups_served, m.median_latency_s, m.fast_share,
                   array_to_string(m.trait_words, '; ')
            FROM amplification_members AS m WHERE m.cluster_id = ? AND m.flagged
            ORDER BY m.score DESC, m.account_id LIMIT {MEMBERS_LISTED}""",
        [cluster],
    ).fetchall()
    columns = [Column("account"), Column("score", True), Column("jobs joined", True), Column("client groups", True),
               Column("median reaction (s)", True), Column("fast reactions", True), Column("traits", css="evidence")]
    body = [
        [account_label(handle, account), (f"{score:.2f}", score), (f"{joined} of {jobs}", joined), groups,
         (f"{median:.1f}", median) if median is not None else "", (f"{fast:.0%}", fast) if fast is not None else "", traits]
        for handle, account, score, joined, jobs, groups, median, fast, traits in rows
    ]
    return table(columns, body, sortable=True)


LATENCY_CAPTION = (
    "Time from the original post to the amplification: the pool's reactions to its jobs against the reposts, likes and "
    "quotes of accounts in no co-action cluster (a sample of 50,000 where there are more; shares of each group). Only "
    "amplifications whose original is in the export have a known time."
)
CREATION_CAPTION = ("When the pool's accounts were created, against every other account with a creation date (a sample of "
                    f"{ORGANIC_SAMPLE:,} where there are more; shares of each group).")


def _latency_shares(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[float]:
    cases = " ".join(f"WHEN latency_s < {high} THEN {i}" for i, high in enumerate(LATENCY_EDGES[1:]))
    rows = dict(con.execute(
        f"SELECT CASE {cases} ELSE {len(LATENCY_EDGES) - 1} END AS bin, count(*) FROM ({sql}) GROUP BY ALL", params
    ).fetchall())
    total = sum(rows.values()) or 1
    return [rows.get(i, 0) / total for i in range(len(LATENCY_EDGES))]


def _bin_label(i: int) -> str:
    def words(seconds: int) -> str:
        return f"{seconds // 3600} h" if seconds >= 3600 else f"{seconds // 60} min" if seconds >= 60 else f"{seconds} s"
    return f"≥ {words(LATENCY_EDGES[i])}" if i == len(LATENCY_EDGES) - 1 else f"{words(LATENCY_EDGES[i])}–{words(LATENCY_EDGES[i + 1])}"


def latency_figure(con: duckdb.DuckDBPyConnection, cluster: int) -> go.Figure:
    pool = _latency_shares(con, "SELECT latency_s FROM amplification_reactions WHERE cluster_id = ? AND latency_s IS NOT NULL", [cluster])
    organic = _latency_shares(con, "SELECT latency_s FROM amplification_organic_latency", [])
    labels = [_bin_label(i) for i in range(len(LATENCY_EDGES))]
    figure = go.Figure([
        go.Bar(x=labels, y=pool, name=f"pool {cluster}", marker={"color": MEMBER_COLOUR},
               hovertemplate="%{x}: %{y:.1%} of the pool's reactions<extra></extra>"),
        go.Bar(x=labels, y=organic, name="organic reposters", marker={"color": OTHER_COLOUR},
               hovertemplate="%{x}: %{y:.1%} of organic amplifications<extra></extra>"),
    ])
    figure.update_layout(height=340, template="plotly_white", barmode="group", yaxis_tickformat=".0%",
                         xaxis_title="time from the original post", yaxis_title="share", margin={"l": 60, "r": 10, "t": 20, "b": 60})
    return figure


def creation_figure(con: duckdb.DuckDBPyConnection, cluster: int) -> go.Figure:
    pool = [created for (created,) in con.execute(
        """SELECT a.created_at FROM account_clusters AS k JOIN accounts AS a USING (platform, account_id)
           WHERE k.cluster_id = ? AND a.created_at IS NOT NULL ORDER BY 1""", [cluster]).fetchall()]
    others = [created for (created,) in con.execute(
        f"""SELECT created_at FROM (
                SELECT a.created_at FROM accounts AS a
                ANTI JOIN account_clusters AS k ON k.platform = a.platform AND k.account_id = a.account_id AND k.cluster_id = ?
                WHERE a.created_at IS NOT NULL
                ORDER BY hash(a.platform, a.account_id), a.account_id LIMIT {ORGANIC_SAMPLE}
            ) ORDER BY 1""", [cluster]).fetchall()]
    figure = go.Figure([
        go.Histogram(x=pool, name=f"pool {cluster} ({len(pool)} accounts)", histnorm="probability", marker={"color": MEMBER_COLOUR},
                     xbins={"size": "M1"}, hovertemplate="%{x}: %{y:.1%}<extra></extra>"),
        go.Histogram(x=others, name=f"everyone else ({len(others)} sampled)", histnorm="probability", marker={"color": OTHER_COLOUR},
                     xbins={"size": "M1"}, opacity=0.6, hovertemplate="%{x}: %{y:.1%}<extra></extra>"),
    ])
    figure.update_layout(height=320, template="plotly_white", barmode="overlay", yaxis_tickformat=".0%",
                         xaxis_title="account created (month, UTC)", yaxis_title="share", margin={"l": 60, "r": 10, "t": 20, "b": 50})
    if not pool:
        figure.add_annotation(text="The export has no creation dates for these accounts.", showarrow=False, x=0.5, y=0.5,
                              xref="paper", yref="paper")
    return figure


def matrix_figure(con: duckdb.DuckDBPyConnection, cluster: int) -> tuple[go.Figure, str]:
    """Clients (rows) by the pool's accounts (columns): how many of the client's boosted posts each amplified."""
    clients = con.execute(
        """SELECT c.account_id, a.handle, c.jobs FROM amplification_clients AS c LEFT JOIN accounts AS a USING (platform, account_id)
           WHERE c.cluster_id = ? ORDER BY c.client_group, c.jobs DESC, c.account_id""", [cluster]).fetchall()
    members = con.execute(
        f"""SELECT account_id, handle FROM amplification_members WHERE cluster_id = ?
            ORDER BY jobs_joined DESC, account_id LIMIT {MATRIX_MEMBERS}""", [cluster]).fetchall()
    joined = {(client, member): n for client, member, n in con.execute(
        """SELECT client, account_id, count(DISTINCT post_id) FROM amplification_reactions WHERE cluster_id = ? GROUP BY ALL""",
        [cluster]).fetchall()}
    z = [[joined.get((client, member), 0) for member, _ in members] for client, _, _ in clients]
    names = [account_label(handle, member) for member, handle in members]
    rows = [account_label(handle, client) for client, handle, _ in clients]
    text = [[hover(f"{names[j]} and {rows[i]}", f"amplified {z[i][j]} of its {jobs} boosted posts")
             for j in range(len(members))] for i, (_, _, jobs) in enumerate(clients)]
    figure = go.Figure(go.Heatmap(z=z, x=list(range(len(members))), y=list(range(len(clients))), colorscale="Oranges", zmin=0,
                                  hovertext=text, hoverinfo="text", colorbar={"title": {"text": "posts"}}))
    figure.update_layout(height=max(220, 60 + 28 * len(clients)), template="plotly_white", margin={"l": 140, "r": 10, "t": 20, "b": 60},
                         xaxis={"title": "pool accounts (hover for names)", "showticklabels": False},
                         yaxis={"tickmode": "array", "tickvals": list(range(len(clients))), "ticktext": rows, "autorange": "reversed"})
    note = (f"Each row a client, each column one of the {len(members)} most active accounts of the pool: how many of the client's "
            "boosted posts it amplified. A full matrix means the same accounts work for every client.")
    return figure, note


def timeline_figure(con: duckdb.DuckDBPyConnection, cluster: int) -> tuple[go.Figure, str]:
    """Each client's posts over time: the boosted ones sized by the pool's amplifiers, the others as small grey marks."""
    clients = con.execute(
        """SELECT c.platform, c.account_id, a.handle FROM amplification_clients AS c LEFT JOIN accounts AS a USING (platform, account_id)
           WHERE c.cluster_id = ? ORDER BY c.client_group, c.jobs DESC, c.account_id""", [cluster]).fetchall()
    order = {(platform, account): i for i, (platform, account, _) in enumerate(clients)}
    names = [account_label(handle, account) for _, account, handle in clients]
    posts = con.execute(
        """SELECT i.platform, i.account_id, i.event_id, i.ts, j.members, j.amplifiers, j.median_latency_s
           FROM interactions AS i
           JOIN amplification_clients AS c ON c.platform = i.platform AND c.account_id = i.account_id AND c.cluster_id = $1
           LEFT JOIN amplification_jobs AS j ON j.cluster_id = $1 AND j.platform = i.platform AND j.post_id = i.event_id
           WHERE i.action IN ('post', 'quote', 'reply', 'comment')
           ORDER BY i.ts, i.event_id""", [cluster]).fetchall()
    boosted = [row for row in posts if row[4] is not None]
    other = [row for row in posts if row[4] is None]
    figure = go.Figure([
        go.Scatter(x=[ts for *_, ts, _, _, _ in other], y=[order[(p, a)] for p, a, *_ in other], mode="markers", name="not boosted",
                   marker={"color": NEUTRAL_COLOUR, "size": 6, "symbol": "line-ns-open"}, hoverinfo="text",
                   hovertext=[hover(names[order[(p, a)]], f"post {e} at {timestamp(ts)}", "not boosted by the pool")
                              for p, a, e, ts, *_ in other]),
        go.Scatter(x=[ts for *_, ts, _, _, _ in boosted], y=[order[(p, a)] for p, a, *_ in boosted], mode="markers",
                   name=f"boosted by pool {cluster}",
                   marker={"color": MEMBER_COLOUR, "size": [8 + min(22, m / 2) for *_, m, _, _ in boosted], "line": {"width": 1, "color": "#333"}},
                   hoverinfo="text",
                   hovertext=[hover(names[order[(p, a)]], f"post {e} at {timestamp(ts)}",
                                    f"amplified by {m} pool accounts of {n} amplifiers; median reaction "
                                    + (f"{lat:.1f} s" if lat is not None else "unknown"))
                              for p, a, e, ts, m, n, lat in boosted]),
    ])
    figure.update_layout(height=max(220, 80 + 36 * len(clients)), template="plotly_white", margin={"l": 140, "r": 10, "t": 20, "b": 50},
                         xaxis_title="time (UTC)",
                         yaxis={"tickmode": "array", "tickvals": list(range(len(clients))), "ticktext": names, "autorange": "reversed"})
    note = ("Every post of each client in the export: large marks were boosted by the pool (size = pool accounts), grey marks were "
            "not. Customers mix bought and organic engagement, so not every post is boosted.")
    return figure, note


# --- evidence package and outputs ---------------------------------------------------------------------


def evidence(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[EvidenceRow]:
    """Every reaction of a flagged member of the campaign to one of its pool's jobs."""
    return con.execute(
        """SELECT r.platform, r.account_id, r.platform, r.event_id,
                  'paid_amplification: ' || r.action || ' of a post by ' || coalesce('@' || a.handle, r.client) || ' boosted by pool '
                  || r.cluster_id || coalesce(', ' || printf('%.1f', r.latency_s) || ' s after it', '')
           FROM amplification_reactions AS r
           JOIN account_signals AS s ON s.signal = 'paid_amplification' AND s.platform = r.platform AND s.account_id = r.account_id
                                    AND s.group_key = 'pool-' || r.cluster_id
           JOIN campaign_accounts AS c ON c.platform = r.platform AND c.account_id = r.account_id AND c.campaign_id = ?
           LEFT JOIN accounts AS a ON a.platform = r.platform AND a.account_id = r.client
           ORDER BY r.platform, r.account_id, r.ts, r.event_id""",
        [campaign_id],
    ).fetchall()


def outputs(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict[str, Path]:
    """``amplification_pools.csv``: every co-action cluster with clients, pool or not, with its score and reason."""
    if not has_table(con, "amplification_pools"):
        return {}
    path = out_dir / "amplification_pools.csv"
    copy_csv(con, f"SELECT {', '.join(POOL_COLUMNS)} FROM amplification_pools ORDER BY cluster_id", path)
    return {"amplification_pools": path}


def package_files(con: duckdb.DuckDBPyConnection, campaign_id: str) -> dict[str, bytes]:
    """``beneficiaries.csv`` and ``amplification_jobs.csv`` of the campaign's pools (none for a campaign without one,
    or a database this detector did not run on)."""
    if not has_table(con, "amplification_pools"):
        return {}
    clusters = [cluster for (cluster,) in con.execute(
        """SELECT DISTINCT p.cluster_id FROM amplification_pools AS p
           JOIN account_signals AS s ON s.signal = 'paid_amplification' AND s.group_key = p.group_key
           JOIN campaign_accounts AS c ON c.platform = s.platform AND c.account_id = s.account_id AND c.campaign_id = ?
           ORDER BY 1""", [campaign_id]).fetchall()]
    if not clusters:
        return {}
    clients = con.execute(
        """SELECT c.platform, c.account_id, a.handle, c.cluster_id, c.jobs, c.posts, c.fewest_members, c.most_members, c.member_share,
                  c.audience, c.client_group, c.first_ts, c.last_ts, b.reason
           FROM amplification_clients AS c
           JOIN signal_beneficiaries AS b ON b.signal = 'paid_amplification' AND b.group_key = 'pool-' || c.cluster_id
                                         AND b.platform = c.platform AND b.account_id = c.account_id
           LEFT JOIN accounts AS a ON a.platform = c.platform AND a.account_id = c.account_id
           WHERE list_contains($1, c.cluster_id) ORDER BY c.cluster_id, c.platform, c.account_id""", [clusters]).fetchall()
    jobs = con.execute(
        """SELECT j.cluster_id, j.platform, j.author, a.handle, j.post_id, j.posted_ts, j.members, j.amplifiers, j.member_share,
                  j.median_latency_s, j.first_ts, j.last_ts
           FROM amplification_jobs AS j
           JOIN amplification_clients AS c ON c.cluster_id = j.cluster_id AND c.platform = j.platform AND c.account_id = j.author
           LEFT JOIN accounts AS a ON a.platform = j.platform AND a.account_id = j.author
           WHERE list_contains($1, j.cluster_id) ORDER BY j.cluster_id, j.platform, j.author, j.posted_ts, j.post_id""", [clusters]).fetchall()
    beneficiary_rows = [
        dict(zip(BENEFICIARY_COLUMNS, [platform, account, handle or "", f"pool-{cluster}", boosted, posts, fewest, most, f"{share:.4f}",
                                       audience, group, iso_ms(first), iso_ms(last), reason]))
        for platform, account, handle, cluster, boosted, posts, fewest, most, share, audience, group, first, last, reason in clients
    ]
    job_rows = [
        dict(zip(JOB_COLUMNS, [f"pool-{cluster}", platform, client, handle or "", post, iso_ms(posted) if posted else "", members,
                               amplifiers, f"{share:.4f}", "" if latency is None else f"{latency:.3f}", iso_ms(first), iso_ms(last)]))
        for cluster, platform, client, handle, post, posted, members, amplifiers, share, latency, first, last in jobs
    ]
    return {"beneficiaries.csv": csv_bytes(beneficiary_rows, BENEFICIARY_COLUMNS),
            "amplification_jobs.csv": csv_bytes(job_rows, JOB_COLUMNS)}


SIGNAL_REPORT = SignalReport(
    "paid_amplification", "Paid amplification", methods=methods, section=section, evidence=evidence, outputs=outputs,
    package_files=package_files, package_readme=PACKAGE_README,
)
