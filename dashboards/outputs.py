"""The machine-readable outputs of a run (the contract other tools rely on).

- ``flagged_accounts.csv``: account_id, platform, handle, campaign_id, signals (;-separated), score, evidence
- ``campaigns.json``: one object per campaign with id, accounts, targets, time span, signals, score, reasons (plain
  sentences), the links that joined its signal groups, its beneficiaries (accounts its signal groups worked for
  without flagging them: a paid pool's clients) and the run's parameters, inputs and software
- then each signal's own files (``SignalReport.outputs``, see ``dashboards.signals``); coordination writes
  ``coaction_edges.csv`` (every co-action edge with its behaviour, weight, timing and significance) and the
  clustered graph: ``coaction.graphml`` / ``coaction.gexf`` (Gephi), ``coordination_edges.parquet`` /
  ``coordination_nodes.parquet`` (``dashboards/coordination.py``)

Every CSV is written through ``copy_csv``, which protects each text cell as ``dashboards.safety`` says
(spreadsheet formulas prefixed with ', bidi controls shown), so a detector's own CSVs are protected too;
``campaigns.json`` writes bidi controls as escapes. Each campaign names where it came from: the
database's path and the run's identity (``origin``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from mobtrace.analysis.provenance import provenance
from mobtrace.dashboards.safety import csv_cell_sql, json_text
from mobtrace.dashboards.signals import signal_reports

FLAGGED_COLUMNS = ["account_id", "platform", "handle", "campaign_id", "signals", "score", "evidence"]


def write_outputs(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict[str, Path]:
    """Write every machine-readable output into ``out_dir``; return their paths by name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"flagged_accounts": out_dir / "flagged_accounts.csv", "campaigns": out_dir / "campaigns.json"}
    copy_csv(con, f"SELECT {', '.join(FLAGGED_COLUMNS)} FROM flagged_accounts ORDER BY campaign_id, score DESC, platform, account_id", paths["flagged_accounts"])
    paths["campaigns"].write_text(json_text(campaigns_document(con), indent=2, default=str), encoding="utf-8")
    for report in signal_reports().values():
        if report.outputs is None:
            continue
        written = report.outputs(con, out_dir)
        if clash := paths.keys() & written.keys():
            raise ValueError(f"the {report.signal} outputs reuse the names {sorted(clash)}: give each output its own name")
        paths.update(written)
    return paths


def copy_csv(con: duckdb.DuckDBPyConnection, select: str, path: Path) -> None:
    """Write the rows of ``select`` to ``path`` as CSV with a header, every text cell protected
    (``dashboards.safety``: formulas prefixed with ', bidi controls shown); numbers, times and booleans
    are written as they are, lists and other values as their text, protected."""
    columns = con.execute(f"DESCRIBE ({select})").fetchall()
    cells = []
    for name, kind, *_ in columns:
        quoted = '"' + name.replace('"', '""') + '"'
        if kind == "VARCHAR":
            cells.append(f"{csv_cell_sql(quoted)} AS {quoted}")
        elif _plain(kind):
            cells.append(quoted)
        else:
            cells.append(f"{csv_cell_sql(f'CAST({quoted} AS VARCHAR)')} AS {quoted}")
    con.execute(f"COPY (SELECT {', '.join(cells)} FROM ({select})) TO '{_sql_path(path)}' (HEADER, DELIMITER ',')")


def _plain(kind: str) -> bool:
    """Column types whose text cannot start a formula with a user's text: numbers, times, booleans."""
    return kind in ("BOOLEAN", "DATE", "TIME", "INTERVAL", "UUID") or kind.startswith(("TIMESTAMP", "DECIMAL")) or kind in (
        "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT",
        "FLOAT", "DOUBLE")


def origin(con: duckdb.DuckDBPyConnection, run: dict | None = None) -> dict[str, str]:
    """Where the outputs come from: the database file (its absolute path) and the run's identity, the
    first 16 hex digits of the SHA-256 of the inputs (checksum, format), the parameters and the mobtrace
    version. The same database gives the same origin, so outputs stay byte-reproducible."""
    run = provenance(con) if run is None else run
    located = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    database = str(Path(located[0][0]).resolve()) if located and located[0][0] else ":memory:"
    basis = {"inputs": sorted([item["sha256"], item["format"]] for item in run["inputs"]), "parameters": run["parameters"],
             "mobtrace": run["software"]["mobtrace"]}
    return {"database": database, "run_id": hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()[:16]}


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def campaigns_document(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """campaigns.json: every campaign with its member and target ids, span, signals and the run's provenance
    (the database and run it came from, its parameters, inputs and software)."""
    run = provenance(con)
    came_from = origin(con, run)
    members = _grouped(con, "SELECT campaign_id, account_id, platform FROM campaign_accounts ORDER BY ALL")
    targets = _grouped(con, "SELECT campaign_id, account_id, platform FROM campaign_targets ORDER BY campaign_id, members_engaged DESC, account_id")
    rows = con.sql(
        "SELECT campaign_id, n_accounts, platforms, signals, score, mean_account_score, evidence_events, first_ts, last_ts, reasons "
        "FROM campaigns ORDER BY campaign_id"
    ).fetchall()
    links: dict[str, list[dict[str, str]]] = {}
    for campaign_id, rule, group_a, group_b, detail in con.sql(
        "SELECT campaign_id, rule, group_a, group_b, detail FROM campaign_links ORDER BY ALL"
    ).fetchall():
        links.setdefault(campaign_id, []).append({"rule": rule, "groups": [group_a, group_b], "detail": detail})
    # Accounts a signal group of the campaign worked for, not flagged (analysis/signals.sql: signal_beneficiaries)
    beneficiaries: dict[str, list[dict[str, str]]] = {}
    for campaign_id, account, platform, signal, group, reason in con.sql(
        """SELECT DISTINCT c.campaign_id, b.account_id, b.platform, b.signal, b.group_key, b.reason
           FROM signal_beneficiaries AS b
           JOIN account_signals AS s ON s.signal = b.signal AND s.group_key = b.group_key
           JOIN campaign_accounts AS c ON c.platform = s.platform AND c.account_id = s.account_id
           ORDER BY ALL"""
    ).fetchall():
        beneficiaries.setdefault(campaign_id, []).append(
            {"account": account, "platform": platform, "signal": signal, "group": group, "reason": reason})
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
            "score": score,  # the strength of the evidence (analysis/campaigns: Ranking)
            "mean_account_score": mean_account_score,
            "evidence_events": evidence_events,
            "reasons": reasons,
            "links": links.get(campaign_id, []),
            "beneficiaries": beneficiaries.get(campaign_id, []),
            "database": came_from["database"],
            "run_id": came_from["run_id"],
            "parameters": run["parameters"],
            "inputs": [{"file": item["source_file"], "sha256": item["sha256"]} for item in run["inputs"]],
            "software": run["software"],
        }
        for campaign_id, n_accounts, platforms, signals, score, mean_account_score, evidence_events, first_ts, last_ts, reasons in rows
    ]


def _grouped(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, list[tuple[str, str]]]:
    grouped: dict[str, list[tuple[str, str]]] = {}
    for key, account, platform in con.sql(sql).fetchall():
        grouped.setdefault(key, []).append((account, platform))
    return grouped
