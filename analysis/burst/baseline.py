"""Baseline-relative bursts for irregular data: each bin's count against what the target's own recent
past (and the hour of the day) leads one to expect, as an upper-tail probability.

Definition
----------
The series is a dense count per bin (zero-count bins included), e.g. one target's inbound events per hour,
``bins_per_day`` bins a day. For bin ``t`` the *expected* count is ``level_t * rhythm_t``:

- ``level_t`` is the target's recent volume per bin, shrunk toward a platform-wide prior rate::

      level_t = (history_t + prior_rate * prior_weight) / (bins_t + prior_weight)

  With at least ``min_days`` whole days before ``t``, ``history_t`` is the *median* of the daily totals of
  the last ``min(days, window_days)`` days (each day a run of ``bins_per_day`` bins ending at ``t``) times
  that many days, and ``bins_t`` the bins they cover: a pile-on fills one day and moves the median
  little, so it neither inflates the baseline for a week nor hides the next wave (the robust part).
  With less history, ``history_t`` is the plain sum of every bin before ``t`` and ``bins_t = t``; a target
  with no history (``t = 0``) is judged against ``prior_rate`` alone.
- ``rhythm_t`` is the daily rhythm: the mean count in bins of the same hour of day over the mean of all
  bins, over the whole history before ``t`` with each hour's largest bin left out (so one past pile-on
  does not make its hour look busy), shrunk toward the platform's profile (or 1) with
  ``rhythm_prior_bins`` pseudo-bins. With little history it is the platform's (or flat); with days of
  history the target's own. Without ``hour_of_day`` there is no rhythm.

The expected count is floored at ``min_rate``. The upper-tail probability ``P(X >= count_t)`` is taken
under a negative binomial with that mean when the target's counts are over-dispersed, otherwise under a
Poisson. The dispersion is the target's own, estimated once over its series by moments of the Pearson
residuals ``(count - expected)**2 / expected`` with the largest ``trim`` share of them left out (so the
bursts do not make the target look erratic); it needs ``dispersion_min_bins`` bins. A bin is a *burst bin*
when that probability is below ``alpha``, its count is at least ``min_count`` and at least ``min_ratio``
times the expected count (an effect size, so a huge but proportionate target is not flagged on volume
alone). ``baseline_intervals`` merges burst bins at most ``max_gap`` bins apart into intervals.

Parameters
----------
counts : events per bin, one per bin in time order (non-negative integers).
hour_of_day : the hour (0-23) of each bin, or None for no daily rhythm.
bins_per_day : bins in one day (default 24: hourly bins).
window_days, min_days : days of history in the robust level (default 7), and the fewest for it (default 3).
prior_rate : platform-wide prior count per bin, used for a target with no history (default
    ``DEFAULT_PRIOR_RATE``; pass the platform's own, e.g. the median inbound rate per target and bin).
prior_weight : how many bins the prior counts for (default 24).
platform_rhythm : 24 factors (mean 1), the platform's hour-of-day profile, or None (flat).
rhythm_prior_bins : pseudo-bins of the platform profile in each hour's estimate (default 3).
alpha, min_count, min_ratio, min_rate, trim, dispersion_min_bins : see above.

Known false positives
---------------------
Anything that really departs from the target's recent volume is a burst: a viral post, news coverage, a
friend's shout-out, a target's first days on a platform (judged against the prior and its first hours).
A target whose volume steps up for good is flagged in the first bins of the new regime until the median
catches up (about half the window). A burst says the volume changed, never who caused it.

Example
-------
>>> counts = [1, 0, 2, 1, 0, 1, 1, 0, 25, 1, 0, 1]
>>> result = baseline_bursts(counts, prior_rate=1.0)
>>> result.burst.nonzero()[0].tolist()
[8]
>>> round(float(result.expected[8]), 2), float(result.p_value[8]) < 1e-10
(0.94, True)
>>> baseline_intervals(result)
[(8, 8, 8)]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

DEFAULT_PRIOR_RATE = 0.5
"""Prior inbound events per bin for a target with no history, when the caller has no platform figure."""


@dataclass(frozen=True)
class BaselineResult:
    """Per bin: the count, the expected count, ``P(X >= count)`` and whether it is a burst bin; and the
    negative-binomial size used (``inf``: Poisson)."""

    counts: np.ndarray
    expected: np.ndarray
    p_value: np.ndarray
    burst: np.ndarray
    size: float = float("inf")


def baseline_bursts(counts, hour_of_day=None, *, bins_per_day: int = 24, window_days: int = 7, min_days: int = 3,
                    prior_rate: float = DEFAULT_PRIOR_RATE, prior_weight: float = 24, platform_rhythm=None,
                    rhythm_prior_bins: float = 3, alpha: float = 1e-4, min_count: int = 5, min_ratio: float = 2.0,
                    min_rate: float = 0.05, trim: float = 0.05, dispersion_min_bins: int = 48) -> BaselineResult:
    """Burst bins of ``counts`` against their robust rolling baseline (see the module docstring).

    >>> baseline_bursts([]).burst.tolist()
    []
    >>> r = baseline_bursts([0, 0, 0, 0])
    >>> r.burst.tolist(), r.p_value.tolist()
    ([False, False, False, False], [1.0, 1.0, 1.0, 1.0])
    """
    counts = np.asarray(counts, dtype=float).reshape(-1)
    if np.any(counts < 0) or not np.all(np.isfinite(counts)):
        raise ValueError("counts must be finite and non-negative")
    if bins_per_day < 1 or window_days < 1 or min_days < 1 or prior_weight < 0 or prior_rate < 0 or min_rate <= 0:
        raise ValueError("bins_per_day, window_days and min_days must be positive, prior_rate and prior_weight "
                         "non-negative, min_rate positive")
    hours = None if hour_of_day is None else np.asarray(hour_of_day, dtype=np.int64).reshape(-1) % 24
    if hours is not None and hours.shape != counts.shape:
        raise ValueError("hour_of_day must give one hour per bin")
    expected = _level(counts, bins_per_day, window_days, min_days, prior_rate, prior_weight)
    if hours is not None:
        profile = np.ones(24) if platform_rhythm is None else np.asarray(platform_rhythm, dtype=float)
        expected = expected * _rhythm(counts, hours, profile, rhythm_prior_bins)
    expected = np.maximum(expected, min_rate)
    size = _dispersion_size(counts, expected, trim, dispersion_min_bins)
    p_value = _upper_tail(counts, expected, size)
    burst = (p_value < alpha) & (counts >= max(min_count, 1)) & (counts >= min_ratio * expected)
    return BaselineResult(counts, expected, p_value, burst, size)


def baseline_intervals(result: BaselineResult, max_gap: int = 1) -> list[tuple[int, int, int]]:
    """(start, end, peak) bins of each run of burst bins, runs at most ``max_gap`` quiet bins apart merged;
    ``peak`` is the bin with the most events (the first on ties).

    >>> r = BaselineResult(np.array([0, 9, 0, 12, 0, 0, 7.0]), np.ones(7), np.ones(7),
    ...                    np.array([0, 1, 0, 1, 0, 0, 1], dtype=bool))
    >>> baseline_intervals(r)
    [(1, 3, 3), (6, 6, 6)]
    """
    bins = np.flatnonzero(result.burst)
    if len(bins) == 0:
        return []
    breaks = np.flatnonzero(np.diff(bins) > max_gap + 1)
    intervals = []
    for run in np.split(bins, breaks + 1):
        start, end = int(run[0]), int(run[-1])
        peak = start + int(np.argmax(result.counts[start:end + 1]))
        intervals.append((start, end, peak))
    return intervals


def _level(counts: np.ndarray, bins_per_day: int, window_days: int, min_days: int, prior_rate: float,
           prior_weight: float) -> np.ndarray:
    """The prior-shrunk recent volume per bin before each bin: median of daily totals, or the plain history."""
    n = len(counts)
    index = np.arange(n)
    sums = np.concatenate([[0.0], np.cumsum(counts)])
    history, bins = sums[:-1].copy(), index.astype(float)
    days = np.minimum(index // bins_per_day, window_days)
    robust = days >= min_days
    if robust.any():
        ends = index[robust][:, None] - bins_per_day * np.arange(window_days)[None, :]  # day j ends at t - j*bpd
        totals = sums[np.maximum(ends, 0)] - sums[np.maximum(ends - bins_per_day, 0)]
        partial = days[robust] < window_days  # the first weeks: some of the days are before the series
        medians = np.empty(len(totals))
        medians[~partial] = np.median(totals[~partial], axis=1)
        if partial.any():
            head = totals[partial]
            head[np.arange(window_days)[None, :] >= days[robust][partial][:, None]] = np.nan
            medians[partial] = np.nanmedian(head, axis=1)
        history[robust] = medians * days[robust]
        bins[robust] = days[robust] * bins_per_day
    return (history + prior_rate * prior_weight) / np.maximum(bins + prior_weight, 1e-12)


def _rhythm(counts: np.ndarray, hours: np.ndarray, profile: np.ndarray, prior_bins: float) -> np.ndarray:
    """The hour-of-day factor of every bin from the history before it, shrunk toward ``profile``; each
    hour's largest earlier bin is left out, so one pile-on at 3 p.m. does not make 3 p.m. busy."""
    n = len(counts)
    at_hour = np.zeros((n, 24))
    at_hour[np.arange(n), hours] = counts
    is_hour = np.zeros((n, 24))
    is_hour[np.arange(n), hours] = 1.0
    before = np.cumsum(at_hour, axis=0) - at_hour
    bins_before = np.cumsum(is_hour, axis=0) - is_hour
    largest_before = np.vstack([np.zeros((1, 24)), np.maximum.accumulate(at_hour, axis=0)[:-1]])
    trimmed = before - largest_before
    trimmed_bins = np.maximum(bins_before - 1, 0)
    own = np.arange(n), hours
    with np.errstate(invalid="ignore", divide="ignore"):
        overall_mean = trimmed.sum(axis=1) / trimmed_bins.sum(axis=1)
        factor = (trimmed[own] + prior_bins * overall_mean * profile[hours]) / ((trimmed_bins[own] + prior_bins) * overall_mean)
    return np.where(overall_mean > 0, factor, profile[hours])


def _dispersion_size(counts: np.ndarray, expected: np.ndarray, trim: float, min_bins: int) -> float:
    """The negative-binomial size of the target (``inf``: Poisson), from its trimmed Pearson residuals:
    ``E[(c - mu)^2 / mu] = 1 + mu / size``."""
    if len(counts) < min_bins:
        return float("inf")
    residuals = (counts - expected) ** 2 / expected
    keep = residuals <= np.quantile(residuals, 1 - trim)
    excess = residuals[keep].mean() - 1.0
    if excess <= 0.05:  # within noise of Poisson
        return float("inf")
    return float(expected[keep].mean() / excess)


def _upper_tail(counts: np.ndarray, expected: np.ndarray, size: float) -> np.ndarray:
    """``P(X >= count)`` under Poisson(expected), or the negative binomial of that mean and ``size``."""
    if np.isfinite(size):
        tail = stats.nbinom.sf(counts - 1, size, size / (size + expected))
    else:
        tail = stats.poisson.sf(counts - 1, expected)
    return np.where(counts > 0, tail, 1.0)
