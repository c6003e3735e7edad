"""Run coordination-network-toolkit 1.5.2 on a workload (Parquet) for the speed comparison.

Usage: python bench/cnt_oracle.py WORKLOAD.parquet WORKDIR [co_retweet,co_link,...] [window] [min_weight]
Prints one line per stage: name, wall seconds.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb
from coordination_network_toolkit import compute_networks
from coordination_network_toolkit.preprocess import preprocess_data

COMPUTE = {
    "co_retweet": lambda db, w, m: compute_networks.compute_co_retweet_parallel(db, w, n_threads=2, min_edge_weight=m),
    "co_link": lambda db, w, m: compute_networks.compute_co_link_network(db, w, n_threads=2, min_edge_weight=m),
    "co_reply": lambda db, w, m: compute_networks.compute_co_reply_network(db, w, min_edge_weight=m, n_threads=2),
    "co_tweet": lambda db, w, m: compute_networks.compute_co_tweet_network(db, w, min_edge_weight=m, n_threads=2),
}


def messages(parquet: Path):
    """The workload as CNT messages, in the same mapping as analysis.compat.cnt (likes are not messages)."""
    rows = duckdb.sql(
        f"""SELECT event_id, account_id, account_id,
                   CASE WHEN action = 'repost' THEN target_post_id ELSE '' END,
                   CASE WHEN action IN ('reply', 'comment') THEN target_post_id ELSE '' END,
                   coalesce(text, ''), ts_us / 1e6, coalesce(urls, [])
            FROM read_parquet('{parquet}') WHERE action <> 'like'"""
    ).fetchall()
    return rows


def main() -> None:
    parquet, workdir = Path(sys.argv[1]), Path(sys.argv[2])
    networks = sys.argv[3].split(",") if len(sys.argv) > 3 else list(COMPUTE)
    window = float(sys.argv[4]) if len(sys.argv) > 4 else 60
    min_weight = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    workdir.mkdir(parents=True, exist_ok=True)
    db = str(workdir / "cnt.db")
    Path(db).unlink(missing_ok=True)
    start = time.perf_counter()
    preprocess_data(db, messages(parquet))
    print(f"cnt_preprocess {time.perf_counter() - start:.1f}", flush=True)
    for name in networks:
        start = time.perf_counter()
        COMPUTE[name](db, window, min_weight)
        print(f"cnt_{name} {time.perf_counter() - start:.1f}", flush=True)


if __name__ == "__main__":
    main()
