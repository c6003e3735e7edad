"""The paid-amplification detector's parameters: one step, ``paid_amplification``."""

from __future__ import annotations

from dataclasses import dataclass

from mobtrace.analysis.audiences import MAX_OVERLAP, MIN_SHARED
from mobtrace.analysis.params import Params, at_least, between, param


@dataclass(frozen=True)
class PaidAmplificationParams(Params):
    step = "paid_amplification"

    # --- jobs, clients and pools (the network signature) ---
    min_job_members: int = param(3, "Fewest accounts of one co-action cluster amplifying an outside author's post for it to be a job.",
                                 check=at_least(2))
    min_job_share: float = param(0.3, "Least share of a post's amplifiers that the cluster's accounts make up for it to be a job.",
                                 check=between(0, 1))
    min_client_jobs: int = param(2, "Fewest jobs (boosted posts) for an author to count as the cluster's client.", check=at_least(1))
    max_audience_overlap: float = param(
        MAX_OVERLAP, "Two clients are related (one client group) when their shared audience outside the cluster, each account weighed by breadth (analysis/audiences.py), is more than this share of the smaller audience.",
        check=between(0, 1))
    min_shared_audience: int = param(
        MIN_SHARED, "...and at least this many (weighed) accounts; clients with smaller audiences cannot be compared and count as one group.",
        check=at_least(1))
    min_client_groups: int = param(3, "Fewest unrelated client groups for a cluster to be a for-hire pool.", flag="--paid-min-clients",
                                   check=at_least(2))
    min_member_jobs: int = param(3, "Fewest of the pool's jobs an account joined to be flagged.", check=at_least(1))
    min_member_clients: int = param(2, "Fewest unrelated client groups an account served to be flagged.", check=at_least(1))
    fast_seconds: float = param(60, "A reaction this many seconds after the original or sooner (inclusive) is fast.", check=at_least(0))
    # --- account features ---
    min_events: int = param(5, "Fewest events (for cadence) or known latencies (for their spread) before those features are computed.",
                            check=at_least(2))
    top_authors: int = param(5, "How many of an account's most amplified authors are compared for audience overlap.", check=at_least(2))
    steady_dispersion: float = param(0.25, "Latency quartile dispersion (Q3-Q1)/(Q3+Q1) at or below which an account's latency is steady.",
                                     check=between(0, 1))
    regular_cv: float = param(0.5, "Coefficient of variation of inter-event times at or below which a cadence is regular.", check=at_least(0))
    narrow_hours: float = param(0.6, "Normalised hour-of-day entropy at or below which activity keeps to few hours.", check=between(0, 1))
    amplifier_share: float = param(0.8, "Share of amplification in an account's activity at or above which it is mostly an amplifier.",
                                   check=between(0, 1))
    min_batch: int = param(3, "Fewest accounts of one cluster created in the same UTC hour (or day) that make a creation batch.",
                           check=at_least(2))
    min_suffix_digits: int = param(5, "Fewest trailing digits after letters that make a handle's long digit suffix.", check=at_least(1))
    handle_prefix_chars: int = param(5, "Length of the handle prefix (digits stripped) that two members must share.", check=at_least(2))
    max_handle_edits: int = param(2, "Largest edit distance between two members' handle stems (digits stripped) that makes them alike.",
                                  check=at_least(0))
    skewed_following: float = param(10, "Following at least this many times the followers (and 100 or more) is a skewed ratio.",
                                    check=at_least(1))
