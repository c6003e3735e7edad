"""The baseline-relative burst detector (mobtrace.analysis.burst.baseline): hand-made series with known bursts."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from mobtrace.analysis.burst.baseline import (
    DEFAULT_PRIOR_RATE, BaselineResult, baseline_bursts, baseline_intervals,
)


def test_empty_and_all_zero_series():
    empty = baseline_bursts([])
    assert empty.burst.tolist() == [] and baseline_intervals(empty) == []
    zeros = baseline_bursts([0] * 50, np.arange(50) % 24)
    assert not zeros.burst.any() and (zeros.p_value == 1).all()


def test_target_with_no_history_is_judged_against_the_prior():
    first = baseline_bursts([12, 0, 0])
    assert first.expected[0] == DEFAULT_PRIOR_RATE
    assert first.p_value[0] == pytest.approx(stats.poisson.sf(11, DEFAULT_PRIOR_RATE))
    assert first.burst.tolist() == [True, False, False]
    assert not baseline_bursts([3, 0, 0]).burst.any()  # below min_count
    # a busier platform prior makes the same first bin ordinary
    assert not baseline_bursts([12], prior_rate=10.0).burst.any()


def test_history_takes_over_from_the_prior():
    quiet = baseline_bursts([0] * 200 + [6], prior_rate=3.0)
    # seven silent days outweigh the prior's 24 pseudo-bins: expected = 3 * 24 / (168 + 24)
    assert quiet.expected[-1] == pytest.approx(3 * 24 / 192)
    young = baseline_bursts([1] * 30 + [6], prior_rate=3.0)  # one day of history: its plain sum
    assert young.expected[-1] == pytest.approx((30 + 3 * 24) / (30 + 24))
    assert quiet.burst[-1]


def test_zero_count_bins_and_floor():
    # a single reply after long silence is no burst (min_count), eight are
    assert not baseline_bursts([0] * 300 + [1]).burst.any()
    result = baseline_bursts([0] * 300 + [8], prior_weight=0)
    assert result.expected[-1] == 0.05  # floored at min_rate
    assert result.burst[-1]


def test_min_count_and_min_ratio_boundaries():
    base = [2] * 48
    # expected ~2 (Poisson); 9 events: p = 2.4e-4 > alpha; tested with a looser alpha on the min_count edge
    assert baseline_bursts(base + [10], alpha=1e-2, min_count=10).burst[-1]
    assert not baseline_bursts(base + [9], alpha=1e-2, min_count=10).burst[-1]
    expected = baseline_bursts(base + [12], alpha=1e-2).expected[-1]
    ratio = 12 / expected
    assert baseline_bursts(base + [12], alpha=1e-2, min_ratio=ratio).burst[-1]
    assert not baseline_bursts(base + [12], alpha=1e-2, min_ratio=ratio + 1e-6).burst[-1]


def test_single_spike_and_the_baseline_is_not_inflated_by_it():
    counts = [2, 1, 3, 2, 1, 2, 2, 3, 1, 2, 2, 3] * 8 + [60] + [2, 1, 2] + [55] + [2] * 30
    result = baseline_bursts(counts)
    assert np.flatnonzero(result.burst).tolist() == [96, 100]  # the second wave is not hidden by the first
    # the median of daily totals barely moves after the spike (a plain mean would jump by 60 / 72 per bin)
    assert result.expected[97:].max() == pytest.approx(result.expected[96], rel=0.05)
    assert baseline_intervals(result) == [(96, 96, 96), (100, 100, 100)]
    assert baseline_intervals(result, max_gap=3) == [(96, 100, 96)]


def test_slow_ramp_is_no_burst():
    counts = np.round(np.linspace(5, 40, 400)).astype(int)
    assert not baseline_bursts(counts).burst.any()


def _daily(days: int, noon: int = 20, night: int = 1) -> np.ndarray:
    hours = np.tile(np.arange(24), days)
    return np.where((hours >= 11) & (hours <= 13), noon, night), hours


def test_daily_rhythm_is_expected_once_learned():
    counts, hours = _daily(10)
    with_rhythm = baseline_bursts(counts, hours)
    # the noon peaks are bursts only while the rhythm is being learned (first three days)
    assert with_rhythm.burst.any() and np.flatnonzero(with_rhythm.burst).max() < 3 * 24
    spiked = counts.copy()
    spiked[9 * 24 + 3] = 20  # the noon volume at 3 a.m.
    assert baseline_bursts(spiked, hours).burst[9 * 24 + 3]
    # without the hour of day the rhythm reads as over-dispersion, and the 3 a.m. swarm is missed
    flat = baseline_bursts(spiked)
    assert np.isfinite(flat.size) and not flat.burst[9 * 24 + 3]


def test_platform_rhythm_helps_a_target_without_history():
    profile = np.where((np.arange(24) >= 11) & (np.arange(24) <= 13), 6.0, 0.35)
    profile = profile / profile.mean()
    hours = np.arange(12)
    counts = np.zeros(12)
    counts[11] = 5
    assert baseline_bursts(counts, hours, prior_rate=0.6).burst[11]
    assert not baseline_bursts(counts, hours, prior_rate=0.6, platform_rhythm=profile).burst[11]


def test_overdispersed_history_uses_the_negative_binomial():
    rng = np.random.default_rng(5)
    counts = np.concatenate([rng.negative_binomial(1, 0.2, size=100), [25]])  # mean 4, variance 20
    result = baseline_bursts(counts, alpha=1e-3)
    assert result.p_value[-1] > stats.poisson.sf(24, result.expected[-1]) * 100
    assert not result.burst[-1]


def test_intervals_merge_within_the_gap():
    flags = np.array([1, 0, 1, 0, 0, 1], dtype=bool)
    result = BaselineResult(np.array([5, 0, 9, 0, 0, 7.0]), np.ones(6), np.ones(6), flags)
    assert baseline_intervals(result, max_gap=1) == [(0, 2, 2), (5, 5, 5)]
    assert baseline_intervals(result, max_gap=2) == [(0, 5, 2)]
    assert baseline_intervals(result, max_gap=0) == [(0, 0, 0), (2, 2, 2), (5, 5, 5)]


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        baseline_bursts([1, -1])
    with pytest.raises(ValueError):
        baseline_bursts([1, 2], [0])
    with pytest.raises(ValueError):
        baseline_bursts([1], window_days=0)
