"""The machine-readable outputs of a run (the contract other tools rely on).

- ``flagged_accounts.csv``: account_id, platform, handle, campaign_id, signals (;-separated), score, evidence
- ``campaigns.json``: one object per campaign with id, accounts, targets, time span, signals, score, reasons (plain
  sentences), the links that joined its signal groups, and the run's parameters, inputs and software
- then each signal's own files (``SignalReport.outputs``, see ``dashboards.signals``); coordination writes
  ``coaction_edges.csv`` (every co-action edge with its behaviour, weight, timing and significance) and the
  clustered graph: ``coaction.graphml`` / ``coaction.gexf`` (Gephi), ``coordination_edges.parquet`` /
  ``coordination_nodes.parquet`` (``dashboards/coordination.py``)
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from mobtrace.analysis.provenance import provenance
from mobtrace.dashboards.signals import signal_reports

FLAGGED_COLUMNS = ["account_id", "platform", "handle", "campaign_id", "signals", "score", "evidence"]


def write_outputs(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict[str, Path]:
    """Write every machine-readable output into ``out_dir``; return their paths by name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"flagged_accounts": out_dir / "flagged_accounts.csv", "campaigns": out_dir / "campaigns.json"}
    copy_csv(con, f"SELECT {', '.join(FLAGGED_COLUMNS)} FROM flagged_accounts ORDER BY campaign_id, score DESC, platform, account_id", paths["flagged_accounts"])
    paths["campaigns"].write_text(json.dumps(campaigns_document(con), indent=2, default=str), encoding="utf-8")
    for report in signal_reports().values():
        if report.outputs is None:
            continue
        written = report.outputs(con, out_dir)
        if clash := paths.keys() & written.keys():
            raise ValueError(f"the {report.signal} outputs reuse the names {sorted(clash)}: give each output its own name")
        paths.update(written)
    return paths


def copy_csv(con: duckdb.DuckDBPyConnection, select: str, path: Path) -> None:
    """Write the rows of ``select`` to ``path`` as CSV with a header."""
    con.execute(f"COPY ({select}) TO '{_sql_path(path)}' (HEADER, DELIMITER ',')")


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def campaigns_document(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """campaigns.json: every campaign with its member and target ids, span, signals and the run's provenance."""
    run = provenance(con)
    members = _grouped(con, "SELECT campaign_id, account_id, platform FROM campaign_accounts ORDER BY ALL")
    targets = _grouped(con, "SELECT campaign_id, account_id, platform FROM campaign_targets ORDER BY campaign_id, members_engaged DESC, account_id")
    rows = con.sql(
        "SELECT campaign_id, n_accounts, platforms, signals, score, first_ts, last_ts, reasons FROM campaigns ORDER BY campaign_id"
    ).fetchall()
    links: dict[str, list[dict[str, str]]] = {}
    for campaign_id, rule, group_a, group_b, detail in con.sql(
        "SELECT campaign_id, rule, group_a, group_b, detail FROM campaign_links ORDER BY ALL"
    ).fetchall():
        links.setdefault(campaign_id, []).append({"rule": rule, "groups": [group_a, group_b], "detail": detail})
    return [
        {
            "id": campaign_id,
            "accounts": [account for account, _ in members.get(campaign_id, [])],
            "account_platforms": [platform for _, platform in members.get(campaign_id, [])],
            "targets": [account for account, _ in targets.get(campaign_id, [])],
            "target_platforms": [platform for _, platform in targets.get(campaign_id, [])],
            "n_accounts": n_accounts,
            "platforms": platforms,
            "start": first_ts.isoformat() + "Z" if first_ts else None,
            "end": last_ts.isoformat() + "Z" if last_ts else None,
            "signals": signals,
            "score": score,
            "reasons": reasons,
            "links": links.get(campaign_id, []),
            "parameters": run["parameters"],
            "inputs": [{"file": item["source_file"], "sha256": item["sha256"]} for item in run["inputs"]],
            "software": run["software"],
        }
        for campaign_id, n_accounts, platforms, signals, score, first_ts, last_ts, reasons in rows
    ]


def _grouped(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, list[tuple[str, str]]]:
    grouped: dict[str, list[tuple[str, str]]] = {}
    for key, account, platform in con.sql(sql).fetchall():
        grouped.setdefault(key, []).append((account, platform))
    return grouped
