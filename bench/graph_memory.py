"""How large a thresholded co-action graph NetworkX and python-louvain handle on one machine (sizing guide).

    .venv/bin/python bench/graph_memory.py --edges 100000 1000000

Clustering (``clusters.py``) runs on the driver whatever the engine: the significant edges of every behaviour
as one ``networkx.Graph``, then ``community_louvain.best_partition`` (seed 42). For each size this builds a
random graph of that many weighted edges over ``edges / degree * 2`` nodes (a few heavy hubs, as real
co-action graphs have), the way ``account_graph`` does (``add_weighted_edges_from`` on string ids), and
prints the time and the RSS the graph and Louvain add to the process (sampled every 20 ms). Not run by
``make bench`` (no ``bench_`` prefix): it is a sizing measurement, not a figure to track.
"""

from __future__ import annotations

import argparse
import gc
import os
import threading
import time

import community as community_louvain
import networkx as nx
import numpy as np
import psutil


def measure(edges: int, degree: float, seed: int = 0) -> None:
    process = psutil.Process()
    gc.collect()
    base = process.memory_info().rss
    peak, done = [base], threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], process.memory_info().rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    rng = np.random.default_rng(seed)
    nodes = max(int(edges * 2 / degree), 10)
    # endpoints drawn Zipf-like: a few hubs, most accounts with one or two ties
    weights = 1.0 / np.arange(1, nodes + 1) ** 0.6
    ends = rng.choice(nodes, size=(edges * 11 // 10, 2), p=weights / weights.sum())
    ends = ends[ends[:, 0] != ends[:, 1]]
    ends = np.unique(np.sort(ends, axis=1), axis=0)[:edges]
    ids = np.char.add("x:u", np.arange(nodes).astype(str))
    start = time.perf_counter()
    graph = nx.Graph()
    graph.add_weighted_edges_from(zip(ids[ends[:, 0]].tolist(), ids[ends[:, 1]].tolist(),
                                      rng.uniform(1, 50, size=len(ends)).tolist()))
    built = time.perf_counter() - start
    graph_rss = process.memory_info().rss - base
    start = time.perf_counter()
    partition = community_louvain.best_partition(graph, weight="weight", random_state=42)
    louvain = time.perf_counter() - start
    done.set()
    sampler.join()
    print(f"{graph.number_of_edges():>10,} edges {graph.number_of_nodes():>10,} nodes: graph built {built:6.1f} s, "
          f"+{graph_rss / 2**20:7,.0f} MiB; Louvain {louvain:7.1f} s, {len(set(partition.values())):,} communities; "
          f"peak +{(peak[0] - base) / 2**20:7,.0f} MiB over the process before ({base / 2**20:,.0f} MiB); "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edges", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--degree", type=float, default=10.0, help="mean degree (edges * 2 / nodes)")
    args = parser.parse_args()
    for edges in args.edges:
        measure(edges, args.degree)


if __name__ == "__main__":
    main()
