"""The mass-reporting detector's parameters: one step, ``mass_reporting`` (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass

from mobtrace.analysis.params import Params, above, at_least, between, param


@dataclass(frozen=True)
class MassReportingParams(Params):
    step = "mass_reporting"

    bin_minutes: int = param(60, "Width of one bin of a target's report series, in minutes.", check=between(1, 1440))
    min_reports: int = param(10, "Fewest reports in a wave (a target with fewer reports in all is not analysed).", check=at_least(1))
    kleinberg_s: float = param(2.0, "Kleinberg: ratio between the rates of two consecutive burst states.", check=above(1))
    kleinberg_gamma: float = param(1.0, "Kleinberg: cost of moving one state up, in units of ln(bins).", check=at_least(0))
    kleinberg_states: int = param(3, "Kleinberg: number of states, the base state included.", check=at_least(2))
    alpha: float = param(1e-4, "Baseline: upper-tail probability of a wave's report count below which it is a surge.", check=between(0, 1))
    min_ratio: float = param(3.0, "Baseline: fewest times its expected count a wave must hold.", check=at_least(1))
    window_days: int = param(7, "Baseline: days of history in the robust level.", check=at_least(1))
    merge_gap_bins: int = param(2, "Elevated runs at most this many quiet bins apart are one wave.", check=at_least(0))
    min_reporters: int = param(8, "Fewest distinct reporters for a wave to be judged coordinated.", check=at_least(2))
    min_stranger_share: float = param(0.5, "Coordinated: least share of reporters with no earlier interaction with the target.",
                                      check=between(0, 1))
    new_account_days: int = param(90, "A reporter whose account was this many days old or younger at its report is new.", check=at_least(0))
    min_new_share: float = param(0.25, "Coordination mark: least share of new accounts.", check=between(0, 1))
    min_attack_share: float = param(0.2, "Coordination mark: least share of reporters in a harassment cluster or pile-on against the target.",
                                    check=between(0, 1))
    min_called_share: float = param(0.2, "Coordination mark: least share of reporters reached by a call to report.", check=between(0, 1))
    read_seconds: float = param(10.0, "A report filed this many seconds or fewer after the post it reports, or after the reporter's previous "
                                      "report of another item, came faster than anyone could read the content.", check=at_least(0))
    min_unread_share: float = param(0.2, "Coordination mark: least share of reporters with a report faster than reading.", check=between(0, 1))
    min_tie_targets: int = param(2, "A co_report tie counts for a wave when the pair also matched on this many other targets most of "
                                    "whose reporters are the wave's (they report together where the crowd does not).", check=at_least(1))
    min_tie_share: float = param(0.2, "Coordination mark: least share of reporters with such a co-report tie to another reporter of the "
                                      "wave.", check=between(0, 1))
    departure_ratio: float = param(2.0, "The new-account and faster-than-reading marks must also reach this many times the platform's "
                                        "level among reporters outside the wave.", check=at_least(1))
    many_targets: int = param(5, "A reporter that reported this many other accounts it never interacted with is a serial reporter.",
                              check=at_least(1))
    min_serial_share: float = param(0.5, "Supporting mark: least share of serial reporters (also departure_ratio times the platform's level).",
                                     check=between(0, 1))
    min_reason_share: float = param(0.8, "Supporting mark: least share of a wave's reports giving its most common reason.",
                                    check=between(0, 1))
    sync_minutes: float = param(120.0, "Supporting mark: the middle 80% of the reporters' first reports fall within this many minutes.",
                                check=at_least(0))
    call_lead_hours: float = param(72.0, "A call to report counts when posted at most this long before the wave (or its first notice) "
                                         "and before its end.", check=at_least(0))
    notice_gap_hours: float = param(48.0, "Victim side: enforcement notices at most this far apart form one cluster.", check=at_least(0))
    min_notices: int = param(2, "Victim side: fewest enforcement notices in a cluster for it to be a wave.", check=at_least(1))
