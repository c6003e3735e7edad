"""The coordination detector's parameters: its two steps, co-action edges and account clusters."""

from __future__ import annotations

from dataclasses import dataclass

from mobtrace.analysis.params import Params, param


@dataclass(frozen=True)
class CoactionParams(Params):
    step = "coaction_edges"

    window_seconds: float = param(60, "Largest gap (inclusive) between two accounts' actions on the same object.", flag="--window")
    min_weight: int = param(3, "Fewest distinct shared objects for an edge to be kept.", flag="--min-weight")
    auto_window: bool = param(False, "Estimate a window per object (CooRnet-style) instead of window_seconds.")
    behaviours: tuple[str, ...] = param(("all",), 'Co-action behaviours to compute, or ["all"].')
    evidence_per_edge: int = param(20, "Matched event pairs kept per edge as evidence.")
    alpha: float = param(0.01, "False-discovery rate of the null-model test an edge must pass to be clustered.")
    seed: int = param(0, "Random state of the null model's sampling and of MinHash.")


@dataclass(frozen=True)
class ClusterParams(Params):
    step = "account_clusters"

    seed: int = param(42, "Random state of the Louvain heuristic.", flag="--seed")
    resolution: float = param(1.0, "Louvain resolution (above 1: smaller clusters).")
    min_cluster_size: int = param(3, "Fewest accounts for a cluster to be kept.")
