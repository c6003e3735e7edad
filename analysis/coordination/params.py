"""The coordination detector's parameters: its two steps, co-action edges and account clusters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mobtrace.analysis.params import Params, above, at_least, between, one_of, optional, param

BEHAVIOUR_DIR = Path(__file__).parent / "behaviours"  # one SQL file per co-action behaviour


def available_behaviours() -> list[str]:
    """Names of the behaviours that have a definition in ``behaviours/``."""
    return sorted(path.stem for path in BEHAVIOUR_DIR.glob("*.sql"))


def _behaviour_names() -> list[str]:
    return ["all", *available_behaviours()]


@dataclass(frozen=True)
class CoactionParams(Params):
    step = "coaction_edges"

    window_seconds: float = param(60, "Largest gap (inclusive) between two accounts' actions on the same object.", flag="--window",
                                  check=at_least(0))
    min_weight: int = param(3, "Fewest distinct shared objects for an edge to be kept.", flag="--min-weight", check=at_least(1))
    auto_window: bool = param(False, "Estimate a window per object (CooRnet-style) instead of window_seconds.")
    behaviours: tuple[str, ...] = param(("all",), 'Co-action behaviours to compute, or ["all"].', check=one_of(_behaviour_names))
    evidence_per_edge: int = param(20, "Matched event pairs kept per edge as evidence.", check=at_least(0))
    alpha: float = param(0.01, "False-discovery rate of the null-model test an edge must pass to be clustered.",
                         check=optional(between(0, 1)))
    null_model: bool = param(
        True,
        "Test each edge against the null model; off: cluster every edge that reaches min_weight, ranked by weight "
        "(for data sets where every account is a suspect, such as a takedown release).",
        flag="--null-model",
    )
    seed: int = param(0, "Random state of the null model's sampling and of MinHash.", check=between(0, 2**32 - 1))


@dataclass(frozen=True)
class ClusterParams(Params):
    step = "account_clusters"

    seed: int = param(42, "Random state of the Louvain heuristic.", flag="--seed", check=between(0, 2**32 - 1))
    resolution: float = param(1.0, "Louvain resolution (above 1: smaller clusters).", check=above(0))
    min_cluster_size: int = param(3, "Fewest accounts for a cluster to be kept.", check=at_least(2))
    strong_pair_p: float = param(
        1e-8, "A community of two accounts is kept when their tie's p-value is at most this (0: never), though below min_cluster_size.",
        check=between(0, 1),
    )
    originator_min_share: float = param(
        0.75, "Least share of the reposts of an account's posts that one cluster made within the co_repost window for it to be the cluster's originator.",
        check=between(0, 1),
    )
    originator_min_posts: int = param(3, "Fewest of an originator's posts that the cluster reposted within the window.", check=at_least(1))
    following_max_fast: float = param(
        0.5, "A cluster that only co-reposted one audience's authors is an organic following (not flagged) when less than this share of its co-reposts came within 10 s...",
        check=between(0, 1),
    )
    following_min_created_days: float = param(
        30, "...and the middle half of its accounts (where the export dates them) were created over at least this many days.", check=at_least(0),
    )
    originator_max_organic: float = param(
        0.0, "Largest share of the accounts engaging with an originator's posts that are outside coordinated clusters (above: an audience of its own, a beneficiary).",
        check=between(0, 1),
    )
