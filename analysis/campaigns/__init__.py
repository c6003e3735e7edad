"""Campaign fusion: join the detectors' signals into campaigns.

Definition
----------
Each detector writes the accounts it flags into ``account_signals`` with a ``group_key`` (a cluster,
a burst). Groups that share an account are fused: a campaign is a connected component of the
bipartite graph of groups and accounts, so one account never sits in two campaigns. Campaign ids are
``C001``, ``C002``, ... by size (largest first), ties broken by the smallest member.

For each campaign, ``campaign_targets`` lists the accounts its members went after: accounts that at
least ``min_target_share`` of the members (and at least two) acted upon, replied to, reported or
mentioned, directly or through the post they reposted.

Parameters
----------
min_target_share : float, default 0.3
max_targets : int, default 5

Outputs (DuckDB tables): ``campaign_accounts``, ``campaign_targets``, ``flagged_accounts``
(account_id, platform, handle, campaign_id, signals, score, evidence) and ``campaigns``.

Known false positives: a popular account that many members engage with for ordinary reasons can
appear as a target; read ``members_engaged`` and the evidence.

Example
-------
Run after the detectors: ``fuse_campaigns(con)`` returns the number of campaigns.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import networkx as nx
import pandas as pd

from analysis.sql import first_row, run_script

HERE = Path(__file__).parent


def fused_groups(signal_rows: list[tuple[str, str, str, str]]) -> list[list[tuple[str, str]]]:
    """Components of (signal, group_key) groups linked by shared accounts; members sorted, largest first."""
    graph = nx.Graph()
    for signal, group_key, platform, account_id in sorted(signal_rows):
        graph.add_edge(("group", signal, group_key), ("account", platform, account_id))
    campaigns = [
        sorted((node[1], node[2]) for node in component if node[0] == "account")
        for component in nx.connected_components(graph)
    ]
    return sorted(campaigns, key=lambda members: (-len(members), members[0]))


def fuse_campaigns(con: duckdb.DuckDBPyConnection, min_target_share: float = 0.3, max_targets: int = 5) -> int:
    """Write the campaign tables; return the number of campaigns."""
    run_script(con, HERE.parent / "signals.sql")
    rows = con.sql("SELECT signal, group_key, platform, account_id FROM account_signals").fetchall()
    members = [
        (f"C{number:03d}", platform, account_id)
        for number, accounts in enumerate(fused_groups(rows), start=1)
        for platform, account_id in accounts
    ]
    frame = pd.DataFrame(members, columns=["campaign_id", "platform", "account_id"], dtype="string")
    con.register("campaign_members", frame)
    try:
        con.execute("CREATE OR REPLACE TABLE campaign_accounts AS SELECT * FROM campaign_members ORDER BY ALL")
    finally:
        con.unregister("campaign_members")
    run_script(con, HERE / "campaign_tables.sql", min_target_share=min_target_share, max_targets=max_targets)
    return first_row(con, "SELECT count(*) FROM campaigns")[0]
