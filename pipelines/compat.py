"""``mobtrace run --compat cnt|coortweet``: a peer tool's exact network, so results can be checked side by side.

Ingest is the same as a normal run (same adapters, quarantine and idempotency); then, instead of the
asset graph, the peer's semantics are computed and written to ``OUT/coaction_edges.csv``:

- ``cnt``: coordination-network-toolkit 1.5.2: directed rows ``source, target, weight, behaviour``
  (weight = the source's messages matched by the target within the window; self-loops dropped);
- ``coortweet``: CooRTweet 2.1.3: thresholded undirected rows ``source, target, weight, ...``.

Like every CSV mobtrace writes, text cells are protected (``dashboards.safety``): a value that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` and bidi controls are shown as
``[U+202E]``; the peers' own ids and numbers are otherwise written exactly as they write them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from mobtrace.analysis.compat.params import CntParams, CoortweetParams
from mobtrace.analysis.ingest import connect, ingest_paths
from mobtrace.analysis.provenance import record_parameters
from mobtrace.dashboards.safety import show_bidi, spreadsheet_safe


@dataclass
class CompatOptions:
    mode: str
    inputs: list[str]
    out_dir: Path
    database: Path
    params: CntParams | CoortweetParams
    input_format: str = "auto"


def run_compat(options: CompatOptions) -> int:
    options.out_dir.mkdir(parents=True, exist_ok=True)
    con = connect(options.database)
    try:
        summaries = ingest_paths(con, options.inputs, options.input_format)
        for summary in summaries:
            state = "already ingested" if summary.skipped else f"{summary.ingested:,} ingested, {summary.quarantined:,} quarantined"
            print(f"  {summary.source_file} [{summary.format}]: {summary.rows_read:,} row{'' if summary.rows_read == 1 else 's'} read, {state}")
        edges = _edges(con, options.params)
        record_parameters(con, options.params.step, options.params.as_record())
    finally:
        con.close()
    path = options.out_dir / "coaction_edges.csv"
    _peer(options.mode).write_edges_csv(_spreadsheet_safe(edges), path)
    print(f"{len(edges):,} {options.mode} edges written to {path.resolve()}")
    unread = [summary for summary in summaries if summary.landed_nothing]
    for summary in unread:
        print(f"mobtrace: nothing was ingested from {summary.source_file}: {why_nothing_landed(summary.__dict__)}", file=sys.stderr)
    return 1 if unread else 0


def why_nothing_landed(summary: dict) -> str:
    """The reason of an ingest that stored no row, without the file name the quarantine reason starts with."""
    return show_bidi(str(summary.get("problem") or "no row could be read").removeprefix(f"{summary['source_file']}: "))


def _spreadsheet_safe(edges):
    """The edge table with its text columns protected as every mobtrace CSV is (numbers untouched)."""
    edges = edges.copy()
    for column in edges.columns:
        if edges[column].dtype == object or str(edges[column].dtype).startswith("string"):
            edges[column] = edges[column].map(lambda value: value if not isinstance(value, str) else spreadsheet_safe(value))
    return edges


def _peer(mode: str):
    """The module of a peer's semantics, imported for its mode only."""
    if mode == "cnt":
        from mobtrace.analysis.compat import cnt

        return cnt
    from mobtrace.analysis.compat import coortweet

    return coortweet


def _edges(con, params: CntParams | CoortweetParams):
    if isinstance(params, CntParams):
        return _peer("cnt").cnt_networks(con, params.time_window, params.min_edge_weight, params.behaviours)
    edges, _pairs = _peer("coortweet").coortweet_edges(con, params.time_window, params.min_participation, params.edge_weight)
    return edges
