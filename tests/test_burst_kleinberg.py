"""Kleinberg's burst automaton (mobtrace.analysis.burst.kleinberg): hand-computed cases, brute force, edges."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobtrace.analysis.burst.kleinberg import (
    P_CAP, burst_intervals, burst_states, path_cost, state_costs, transition_costs, viterbi,
)


def _poisson_cost(lam: float, r: int) -> float:
    return lam - r * math.log(lam) + math.lgamma(r + 1)


def test_poisson_two_bins_by_hand():
    # lambda_0 = (0 + 4) / 2 = 2, state 1 has rate 4; moving up costs gamma * ln(2).
    up = math.log(2)
    paths = {
        (0, 0): _poisson_cost(2, 0) + _poisson_cost(2, 4),
        (0, 1): _poisson_cost(2, 0) + up + _poisson_cost(4, 4),
        (1, 0): up + _poisson_cost(4, 0) + _poisson_cost(2, 4),
        (1, 1): up + _poisson_cost(4, 0) + _poisson_cost(4, 4),
    }
    assert min(paths, key=paths.get) == (0, 1)  # 4.326 < 4.405 (staying low) by hand
    states = burst_states([0, 4], s=2, gamma=1, n_states=2)
    assert states.tolist() == [0, 1]
    costs = state_costs([0, 4], s=2, n_states=2)
    assert path_cost(states, costs, transition_costs(2, 2, 1)) == pytest.approx(paths[(0, 1)])
    # a dearer step up (gamma = 1.2: 0.832 > the 0.079 the burst saves) keeps the base state
    assert burst_states([0, 4], s=2, gamma=1.2, n_states=2).tolist() == [0, 0]


def test_binomial_costs_by_hand():
    # p_0 = 6 / 20 = 0.3, p_1 = 0.6; sigma = -ln(C(d, r) p^r (1-p)^(d-r))
    costs = state_costs([1, 5], [10, 10], s=2, n_states=2)
    expected = [[-math.log(math.comb(10, r) * p ** r * (1 - p) ** (10 - r)) for p in (0.3, 0.6)] for r in (1, 5)]
    np.testing.assert_allclose(costs, expected)
    # bin 2 saves 2.274 - 1.606 = 0.668 in state 1: more than the step up at gamma 0.9 (0.9 ln 2 = 0.624),
    # less than at gamma 1 (ln 2 = 0.693)
    assert burst_states([1, 5], [10, 10], s=2, gamma=0.9, n_states=2).tolist() == [0, 1]
    assert burst_states([1, 5], [10, 10], s=2, gamma=1, n_states=2).tolist() == [0, 0]


def test_rates_are_capped_below_one():
    costs = state_costs([9, 1, 0, 0], [10, 10, 10, 10], s=4, n_states=3)  # p_0 = 0.25, p_1 = 1.0 -> capped
    assert np.isfinite(costs).all()
    assert costs[0, 2] == pytest.approx(-(9 * math.log(P_CAP) + math.log1p(-P_CAP) + math.log(10)))


def test_transition_costs_go_up_only():
    tau = transition_costs(10, 3, 0.5)
    step = 0.5 * math.log(10)
    np.testing.assert_allclose(tau, [[0, step, 2 * step], [0, 0, step], [0, 0, 0]])
    assert not transition_costs(1, 3, 5.0).any()  # one bin: ln(1) = 0


def _brute_force(costs: np.ndarray, tau: np.ndarray) -> list[tuple[float, tuple[int, ...]]]:
    n, k = costs.shape
    return sorted((path_cost(path, costs, tau), path) for path in itertools.product(range(k), repeat=n))


@settings(max_examples=150, deadline=None)
@given(
    data=st.lists(st.tuples(st.integers(0, 25), st.integers(0, 25)), min_size=1, max_size=7),
    with_totals=st.booleans(),
    n_states=st.integers(1, 3),
    s=st.sampled_from([1.5, 2.0, 3.0]),
    gamma=st.floats(0, 3),
)
def test_viterbi_matches_brute_force(data, with_totals, n_states, s, gamma):
    counts = [r for r, _ in data]
    totals = [r + extra for r, extra in data] if with_totals else None
    costs = state_costs(counts, totals, s=s, n_states=n_states)
    tau = transition_costs(len(counts), n_states, gamma)
    states = burst_states(counts, totals, s=s, gamma=gamma, n_states=n_states)
    ranked = _brute_force(costs, tau)
    best_cost, best_path = ranked[0]
    assert path_cost(states, costs, tau) == pytest.approx(best_cost, abs=1e-9)
    if len(ranked) == 1 or ranked[1][0] > best_cost + 1e-9:  # a unique optimum must be the one returned
        assert tuple(states.tolist()) == best_path


def test_series_solved_together_match_one_by_one():
    rng = np.random.default_rng(3)
    series = rng.poisson(2, size=(4, 12)) * rng.integers(1, 6, size=(4, 12))
    costs = np.stack([state_costs(row, s=2, n_states=3) for row in series])
    tau = transition_costs(12, 3, 1.0)
    together = viterbi(costs, tau)
    assert together.tolist() == [burst_states(row, s=2, gamma=1, n_states=3).tolist() for row in series]


def test_empty_series():
    assert burst_states([]).tolist() == []
    assert burst_states([], []).tolist() == []
    assert burst_intervals([], []) == []


def test_zero_bins_never_burst():
    assert burst_states([0] * 12).tolist() == [0] * 12
    assert burst_states([0] * 5, [0] * 5).tolist() == [0] * 5
    # bins with no events at all (d = 0) cost nothing in any state and do not break the path
    # p_0 = 14 / 60; 12 of 20 is nearest state 1's 0.47 (state 2's 0.93 would cost 22.5 against 14.2)
    states = burst_states([1, 0, 0, 12, 1], [20, 0, 0, 20, 20], s=2, gamma=1, n_states=3)
    assert states.tolist() == [0, 0, 0, 1, 0]
    assert not state_costs([1, 0, 2], [20, 0, 20])[1].any()


def test_single_spike_is_one_burst_at_its_bin():
    counts = [1, 2, 1, 1, 0, 2, 40, 1, 1, 2, 1, 0]
    states = burst_states(counts, s=2, gamma=1, n_states=3)
    bursts = burst_intervals(states, counts)
    assert {(b.start, b.end) for b in bursts} == {(6, 6)}
    assert [b.level for b in bursts] == [1, 2]
    assert all(b.weight > 0 for b in bursts)
    assert bursts[1].weight == pytest.approx(float(np.subtract(*state_costs(counts, n_states=3)[6, 1:])))


def test_slow_ramp_rises_once_and_stays():
    counts = list(range(1, 41))
    states = burst_states(counts, s=2, gamma=1, n_states=3)
    assert states[0] == 0 and states[-1] >= 1
    assert (np.diff(states) >= 0).all()  # no flicker: one step up (or two), never down
    level_one = [b for b in burst_intervals(states, counts) if b.level == 1]
    assert len(level_one) == 1 and level_one[0].end == 39


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        state_costs([3], [2])
    with pytest.raises(ValueError):
        state_costs([-1, 2])
    with pytest.raises(ValueError):
        state_costs([1, 2], [3])
    with pytest.raises(ValueError):
        burst_states([1, 2], s=1.0)
