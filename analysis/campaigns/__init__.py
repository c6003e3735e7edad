"""Campaign fusion: join the detectors' signals into campaigns.

Definition
----------
Each detector writes the accounts it flags into ``account_signals`` with a ``group_key`` (a cluster,
a burst): a *signal group* is one ``(signal, group_key)``. Groups are joined into one campaign when

- ``shared_account`` (always on): they flag the same account; so one account never sits in two campaigns;
- ``shared_target``: both went after the same victim: an account that at least ``min_target_share`` of
  each group's members (and at least two) replied to, quoted, mentioned, reported or commented on,
  directly or through the post they reposted. The same victim is the same platform account, or the same
  handle compared case-insensitively on any platform (``@Jane`` on x and ``@jane`` on bluesky), which is
  how one campaign that spans platforms stays one campaign;
- ``shared_content``: at least ``min_shared_content`` identical items appear in both groups, each used by
  at least two members of each: a normalised text (lower-cased, links and @mentions removed, whitespace
  collapsed, at least ``min_text_chars`` characters) or a link (lower-cased, trailing slash removed);
- ``shared_handle``: members of the two groups on different platforms use the same handle
  (case-insensitive, at least ``min_handle_chars`` characters).

A campaign is a connected component of the graph of groups and accounts with those links. Campaign ids are
``C001``, ``C002``, ... by size (largest first), ties broken by the smallest member. Each link rule is one
SQL file (``link_<rule>.sql``) returning the linked group pairs with a plain-language ``detail``; the links
that joined each campaign are kept in ``campaign_links`` and quoted in its ``reasons``.

For each campaign, ``campaign_targets`` lists the accounts its members went after (same rule as above,
over the whole campaign), and ``campaign_target_events`` every event by anyone aimed at those targets,
marked ``by_member``: the attack against the target's baseline.

Parameters
----------
min_target_share : float, default 0.3
min_target_lift : float, default 5
    How much more often than everyone a group must engage a target for ``shared_target`` to join through it.
max_targets : int, default 5
link_rules : tuple of str, default ("all",)
    Which cross-group link rules to apply: ``all`` (every ``link_<rule>.sql`` found, see ``link_rules``), some
    of them by name, or ``()`` to switch linking off (only shared accounts join groups).
min_shared_content : int, default 2
min_text_chars : int, default 20
min_handle_chars : int, default 4

Outputs (DuckDB tables): ``campaign_accounts``, ``campaign_links`` (campaign_id, rule, group_a, group_b,
detail), ``campaign_targets``, ``campaign_target_events``, ``flagged_accounts`` (account_id, platform,
handle, campaign_id, signals, score, evidence) and ``campaigns`` (..., ``reasons``: plain sentences).

Ranking
-------
A campaign's ``score`` is the strength of its evidence, from 0 to 1, and campaigns are ranked by it::

    score = mean member score * n / (n + 5) * e / (e + 20) * k / (k + 0.5)

with ``n`` its accounts, ``e`` the events its flags rest on (``account_signals.events``: matched actions,
reports, ...; a flag without a count counts 1) and ``k`` the number of different signals. Each factor is
half-way at 5 accounts, 20 events and with one signal two thirds (independent detectors agreeing is
stronger). A 3-account group with 13 matched actions scores 0.09 at a mean member score of 0.9; a
26-account group with 1,525 scores 0.44 at 0.8. ``mean_account_score`` and ``evidence_events`` are kept
beside it.

Hubs: ``shared_target`` joins two groups only through a target their members engage at least
``min_target_lift`` times as often as accounts outside every group do (``target_reach``), so a president or a video
site that half the platform mentions is no shared victim. A campaign still lists such an account among its
targets, with its ``lift`` (an export collected around one victim engages her everywhere: lift alone must
not hide her). "... via @site" share-button text is not a mention.

Known false positives
---------------------
A popular account that many members engage with for ordinary reasons can appear as a target; read
``members_engaged`` and the evidence. The link rules can join groups that are not one operation:
``shared_target`` joins two independent mobs that attack the same person (one campaign from the victim's
side, but not necessarily one operator) and, across platforms, two different people who happen to use the
same handle; ``shared_content`` joins groups that spread the same viral link or slogan; ``shared_handle``
joins unrelated people with a common handle. The minimum lengths and counts limit this; every link is
listed with its reason in ``campaign_links`` so a reader can judge it, and ``link_rules=()`` turns linking off.

Example
-------
>>> fused_groups([("cluster", "c1", "x", "a"), ("cluster", "c1", "x", "b"),
...               ("burst", "b1", "x", "b"), ("burst", "b2", "x", "c"), ("burst", "b3", "bluesky", "d")],
...              links=[(("burst", "b2"), ("burst", "b3"))])
[[('bluesky', 'd'), ('x', 'c')], [('x', 'a'), ('x', 'b')]]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import networkx as nx
import pandas as pd
import pyarrow as pa

from mobtrace.analysis.campaigns.links import chosen_rules
from mobtrace.analysis.campaigns.params import FusionParams
from mobtrace.analysis.signals import create_signals_table
from mobtrace.analysis.sql import first_row, query, run_script

HERE = Path(__file__).parent
DEFAULTS = FusionParams()
MAX_JOIN_REASONS = 5

Group = tuple[str, str]  # (signal, group_key)


def fused_groups(
    signal_rows: Iterable[tuple[str, str, str, str]], links: Iterable[tuple[Group, Group]] = ()
) -> list[list[tuple[str, str]]]:
    """Components of (signal, group_key) groups joined by shared accounts and by ``links``.

    ``signal_rows`` are ``(signal, group_key, platform, account_id)``; returns each component's
    ``(platform, account_id)`` members sorted, largest component first.
    """
    graph = nx.Graph()
    for signal, group_key, platform, account_id in sorted(signal_rows):
        graph.add_edge(("group", signal, group_key), ("account", platform, account_id))
    for a, b in sorted(links):
        if graph.has_node(("group", *a)) and graph.has_node(("group", *b)):
            graph.add_edge(("group", *a), ("group", *b))
    campaigns = [
        sorted((node[1], node[2]) for node in component if node[0] == "account")
        for component in nx.connected_components(graph)
    ]
    return sorted((members for members in campaigns if members), key=lambda members: (-len(members), members[0]))


def group_links(
    con: duckdb.DuckDBPyConnection,
    link_rules: Sequence[str] = DEFAULTS.link_rules,
    min_target_share: float = DEFAULTS.min_target_share,
    min_shared_content: int = DEFAULTS.min_shared_content,
    min_text_chars: int = DEFAULTS.min_text_chars,
    min_handle_chars: int = DEFAULTS.min_handle_chars,
) -> list[tuple[str, Group, Group, str]]:
    """Every (rule, group_a, group_b, detail) the chosen link rules find. Needs ``group_targets``."""
    params = {
        "min_target_share": min_target_share, "min_shared_content": min_shared_content,
        "min_text_chars": min_text_chars, "min_handle_chars": min_handle_chars,
    }
    links = []
    for rule, path in chosen_rules(link_rules).items():
        try:
            found = query(con, path, **params).fetchall()
        except duckdb.CatalogException:  # a detector's rule reads its own tables: that detector did not run
            continue
        for signal_a, group_a, signal_b, group_b, detail in found:
            links.append((rule, (signal_a, group_a), (signal_b, group_b), detail))
    return links


def fuse_campaigns(
    con: duckdb.DuckDBPyConnection,
    min_target_share: float = DEFAULTS.min_target_share,
    min_target_lift: float = DEFAULTS.min_target_lift,
    max_targets: int = DEFAULTS.max_targets,
    link_rules: Sequence[str] = DEFAULTS.link_rules,
    min_shared_content: int = DEFAULTS.min_shared_content,
    min_text_chars: int = DEFAULTS.min_text_chars,
    min_handle_chars: int = DEFAULTS.min_handle_chars,
) -> int:
    """Write the campaign tables; return the number of campaigns."""
    create_signals_table(con)
    run_script(con, HERE / "touches.sql", min_target_share=min_target_share, min_target_lift=min_target_lift)
    rows = con.sql("SELECT signal, group_key, platform, account_id FROM account_signals").fetchall()
    links = group_links(con, link_rules, min_target_share, min_shared_content, min_text_chars, min_handle_chars)
    components = fused_groups(rows, [(a, b) for _, a, b, _ in links])
    members = [
        (f"C{number:03d}", platform, account_id)
        for number, accounts in enumerate(components, start=1)
        for platform, account_id in accounts
    ]
    _write_table(con, "campaign_accounts", pd.DataFrame(members, columns=["campaign_id", "platform", "account_id"], dtype="string"))
    campaign_of_group = {
        (signal, group_key): campaign
        for signal, group_key, campaign in con.sql(
            "SELECT DISTINCT s.signal, s.group_key, c.campaign_id FROM account_signals AS s JOIN campaign_accounts AS c USING (platform, account_id)"
        ).fetchall()
    }
    link_rows = [
        (campaign_of_group[a], rule, f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}", detail)
        for rule, a, b, detail in [*links, *_shared_account_links(con)]
        if a in campaign_of_group
    ]
    _write_table(con, "campaign_links", pd.DataFrame(sorted(link_rows), columns=["campaign_id", "rule", "group_a", "group_b", "detail"], dtype="string"))
    run_script(con, HERE / "campaign_tables.sql", min_target_share=min_target_share, max_targets=max_targets)
    _add_reasons(con, min_target_share)
    return first_row(con, "SELECT count(*) FROM campaigns")[0]


def _shared_account_links(con: duckdb.DuckDBPyConnection) -> list[tuple[str, Group, Group, str]]:
    rows = con.sql(
        """SELECT a.signal, a.group_key, b.signal, b.group_key, count(*) AS shared
           FROM account_signals AS a JOIN account_signals AS b
             ON a.platform = b.platform AND a.account_id = b.account_id AND (a.signal, a.group_key) < (b.signal, b.group_key)
           GROUP BY ALL ORDER BY ALL"""
    ).fetchall()
    return [
        ("shared_account", (sa, ga), (sb, gb), f"flag the same {shared} account{'s' if shared != 1 else ''}")
        for sa, ga, sb, gb, shared in rows
    ]


def _write_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    con.register("fusion_rows", frame)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM fusion_rows ORDER BY ALL")
    finally:
        con.unregister("fusion_rows")


def _add_reasons(con: duckdb.DuckDBPyConnection, min_target_share: float) -> None:
    """Add ``campaigns.reasons``: plain sentences saying why these accounts form a campaign."""
    reasons: dict[str, list[str]] = {}
    campaigns = con.sql("SELECT campaign_id, n_accounts, platforms, first_ts, last_ts FROM campaigns ORDER BY campaign_id").fetchall()
    per_signal = con.sql(
        """SELECT c.campaign_id, s.signal, count(*) AS accounts, count(DISTINCT s.group_key) AS groups,
                  arg_max(s.evidence, (s.score, s.account_id)) AS strongest
           FROM account_signals AS s JOIN campaign_accounts AS c USING (platform, account_id)
           GROUP BY ALL ORDER BY ALL"""
    ).fetchall()
    targets = con.sql(
        "SELECT campaign_id, platform, account_id, handle, members_engaged, actions FROM campaign_targets "
        "ORDER BY campaign_id, members_engaged DESC, actions DESC, platform, account_id"
    ).fetchall()
    links = con.sql("SELECT campaign_id, rule, group_a, group_b, detail FROM campaign_links ORDER BY ALL").fetchall()
    sizes = {campaign_id: n for campaign_id, n, *_ in campaigns}
    for campaign_id, signal, accounts, groups, strongest in per_signal:
        group_words = f"{groups} group{'s' if groups != 1 else ''}"
        reasons.setdefault(campaign_id, []).append(
            f"{accounts} of the {sizes[campaign_id]} accounts carry the {signal} signal ({group_words}). Strongest case: {strongest}"
        )
    by_campaign: dict[str, list[str]] = {}
    for campaign_id, platform, account_id, handle, engaged, actions in targets:
        name = f"@{handle}" if handle else account_id
        by_campaign.setdefault(campaign_id, []).append(f"{name} on {platform} ({engaged} of {sizes[campaign_id]} members, {actions} actions)")
    for campaign_id, n, platforms, first_ts, last_ts in campaigns:
        sentences = reasons.setdefault(campaign_id, [])
        if campaign_id in by_campaign:
            sentences.append("The members went after " + "; ".join(by_campaign[campaign_id]) + ".")
        else:
            sentences.append(
                f"No common target: no account was replied to, mentioned or reported by at least {round(100 * min_target_share)}% of the members."
            )
        if first_ts is not None:
            sentences.append(f"Active on {', '.join(platforms)} from {_when(first_ts)} to {_when(last_ts)} UTC.")
    for campaign_id, joins in _by_campaign(links).items():
        reasons.setdefault(campaign_id, []).extend(_join_reasons(joins))
    frame = pa.table({
        "campaign_id": pa.array(list(reasons), pa.string()),
        "reasons": pa.array(list(reasons.values()), pa.list_(pa.string())),
    })
    con.register("campaign_reasons", frame)
    try:
        con.execute(
            "CREATE OR REPLACE TABLE campaigns AS SELECT c.*, CAST(coalesce(r.reasons, []) AS VARCHAR[]) AS reasons "
            "FROM campaigns AS c LEFT JOIN campaign_reasons AS r USING (campaign_id) ORDER BY c.campaign_id"
        )
    finally:
        con.unregister("campaign_reasons")


def _by_campaign(links: list[tuple]) -> dict[str, list[tuple]]:
    grouped: dict[str, list[tuple]] = {}
    for campaign_id, *join in links:
        grouped.setdefault(campaign_id, []).append(tuple(join))
    return grouped


def _join_reasons(joins: list[tuple[str, str, str, str]]) -> list[str]:
    """The joins of one campaign in sentences: the first ``MAX_JOIN_REASONS`` (shared accounts first, the most
    shared first), then the rest counted by rule, so a campaign of 28 groups does not read as 200 lines.

    >>> _join_reasons([("shared_account", "c:1", "c:2", "flag the same 3 accounts")])
    ['Groups c:1 and c:2 were joined (shared_account): they flag the same 3 accounts.']
    >>> _join_reasons([("shared_target", "c:1", f"c:{n}", "both went after @x (x)") for n in range(2, 9)])[-1]
    'And 2 more joins of groups: shared_target 2.'
    """
    ordered = sorted(joins, key=lambda join: (join[0] != "shared_account", -_shared_count(join[3]), join))
    sentences = [f"Groups {a} and {b} were joined ({rule}): they {detail}." for rule, a, b, detail in ordered[:MAX_JOIN_REASONS]]
    rest: dict[str, int] = {}
    for rule, *_ in ordered[MAX_JOIN_REASONS:]:
        rest[rule] = rest.get(rule, 0) + 1
    if rest:
        counts = ", ".join(f"{rule} {count}" for rule, count in sorted(rest.items()))
        sentences.append(f"And {sum(rest.values())} more joins of groups: {counts}.")
    return sentences


def _shared_count(detail: str) -> int:
    """The number a join's detail starts its count with ("flag the same 3 accounts" -> 3; else 0)."""
    words = [word for word in detail.split() if word.isdigit()]
    return int(words[0]) if words else 0


def _when(ts) -> str:
    return ts.strftime("%Y-%m-%d %H:%M")
