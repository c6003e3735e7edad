"""The burst detector's parameters: one step, ``burst`` (see the package docstring for the definitions)."""

from __future__ import annotations

from dataclasses import dataclass

from mobtrace.analysis.params import Params, above, at_least, between, param


@dataclass(frozen=True)
class BurstParams(Params):
    step = "burst"

    targets_file: str = param(
        "", "File naming the people and posts to protect, one per line (profile or post URL, [platform:]handle or id); always analysed and shown.",
        flag="--targets",
    )
    bin_minutes: int = param(60, "Width of one bin of a target's inbound series, in minutes.", check=between(1, 1440))
    min_target_events: int = param(20, "Fewest inbound events for a target to be discovered (named targets need none).", check=at_least(1))
    kleinberg_s: float = param(2.0, "Kleinberg: ratio between the rates of two consecutive burst states.", check=above(1))
    kleinberg_gamma: float = param(1.0, "Kleinberg: cost of moving one state up, in units of ln(bins).", check=at_least(0))
    kleinberg_states: int = param(3, "Kleinberg: number of states, the base state included.", check=at_least(2))
    alpha: float = param(1e-4, "Baseline: upper-tail probability below which a bin is a burst bin.", check=between(0, 1))
    min_burst_events: int = param(10, "Baseline: fewest inbound events in a burst bin.", check=at_least(1))
    min_ratio: float = param(3.0, "Baseline: fewest times the expected count a burst bin must hold.", check=at_least(1))
    window_days: int = param(7, "Baseline: days of history in the robust level.", check=at_least(1))
    merge_gap_bins: int = param(1, "Burst intervals at most this many quiet bins apart are one episode.", check=at_least(0))
    new_account_days: int = param(30, "An account created this many days or fewer before an episode is new.", check=at_least(0))
    min_text_chars: int = param(20, "Shortest normalised text that counts for duplication and templates.", check=at_least(1))
    template_similarity: float = param(0.5, "Estimated Jaccard similarity of two texts' 5-character shingles that makes them one template.",
                                       check=between(0, 1))
    cta_lead_minutes: int = param(180, "A call to action counts when posted at most this long before the episode starts.", check=at_least(0))
    min_participants: int = param(10, "Fewest distinct participants for an episode to be judged concerted.", check=at_least(2))
    min_stranger_share: float = param(0.5, "Concerted: least share of participants with no organic contact with the target before.",
                                      check=between(0, 1))
    min_new_share: float = param(0.25, "Concerted evidence: least share of new accounts.", check=between(0, 1))
    min_clustered_share: float = param(0.2, "Concerted evidence: least share of participants already in coordinated clusters.",
                                       check=between(0, 1))
    min_duplication: float = param(0.3, "Concerted evidence: least share of texts duplicated or templated by another participant.",
                                   check=between(0, 1))
    min_coaction: float = param(0.2, "Concerted evidence: least share of participants that co-acted inside the episode.", check=between(0, 1))
    departure_ratio: float = param(2.0, "Concerted evidence must also reach this many times the platform's and the target's organic level.",
                                   check=at_least(1))
