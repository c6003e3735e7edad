"""``mobtrace run --compat cnt|coortweet``: a peer tool's exact network, so results can be checked side by side.

Ingest is the same as a normal run (same adapters, quarantine and idempotency); then, instead of the
asset graph, the peer's semantics are computed and written to ``OUT/coaction_edges.csv``:

- ``cnt``: coordination-network-toolkit 1.5.2: directed rows ``source, target, weight, behaviour``
  (weight = the source's messages matched by the target within the window; self-loops dropped);
- ``coortweet``: CooRTweet 2.1.3: thresholded undirected rows ``source, target, weight, ...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mobtrace.analysis.compat import cnt, coortweet
from mobtrace.analysis.compat.params import CntParams, CoortweetParams
from mobtrace.analysis.ingest import connect, ingest_paths
from mobtrace.analysis.provenance import record_parameters


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
        for summary in ingest_paths(con, options.inputs, options.input_format):
            state = "already ingested" if summary.skipped else f"{summary.ingested:,} ingested, {summary.quarantined:,} quarantined"
            print(f"  {summary.source_file} [{summary.format}]: {summary.rows_read:,} rows read, {state}")
        edges = _edges(con, options.params)
        record_parameters(con, options.params.step, options.params.as_record())
    finally:
        con.close()
    path = options.out_dir / "coaction_edges.csv"
    (cnt if options.mode == "cnt" else coortweet).write_edges_csv(edges, path)
    print(f"{len(edges):,} {options.mode} edges written to {path.resolve()}")
    return 0


def _edges(con, params: CntParams | CoortweetParams):
    if isinstance(params, CntParams):
        return cnt.cnt_networks(con, params.time_window, params.min_edge_weight, params.behaviours)
    edges, _pairs = coortweet.coortweet_edges(con, params.time_window, params.min_participation, params.edge_weight)
    return edges
