"""Parameters of the compatibility modes, with the peer tools' own command-line defaults."""

from __future__ import annotations

from dataclasses import dataclass

from mobtrace.analysis.params import Params, at_least, between, one_of, param

BEHAVIOURS = ("co_retweet", "co_link", "co_reply", "co_tweet")  # CNT's networks (here, not in cnt.py: --help imports no pandas)


@dataclass(frozen=True)
class CntParams(Params):
    """coordination-network-toolkit 1.5.2 (its CLI's defaults: ``--time_window 60``, ``--min_edge_weight 2``)."""

    step = "compat_cnt"

    time_window: float = param(60, "Largest gap in seconds (inclusive) between two matched messages.", flag="--window", check=at_least(0))
    min_edge_weight: int = param(2, "Fewest matched messages for a directed edge to be kept.", flag="--min-weight", check=at_least(1))
    behaviours: tuple[str, ...] = param(BEHAVIOURS, "CNT networks to compute.", flag="--cnt-behaviours", check=one_of(BEHAVIOURS))


@dataclass(frozen=True)
class CoortweetParams(Params):
    """CooRTweet 2.1.3 (``detect_groups`` / ``generate_coordinated_network``)."""

    step = "compat_coortweet"

    time_window: float = param(60, "Largest gap in seconds (inclusive) between two coordinated shares.", flag="--window", check=at_least(0))
    min_participation: int = param(2, "Fewest shares for an account to count.", flag="--min-participation", check=at_least(1))
    edge_weight: float = param(0.5, "Keep edges whose weight is above this quantile of all weights.", flag="--edge-weight", check=between(0, 1))
