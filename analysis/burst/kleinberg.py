"""Kleinberg's batched burst automaton, solved exactly by Viterbi dynamic programming.

Definition
----------
Time is cut into ``n`` bins. In bin ``t``, ``r_t`` of the ``d_t`` events are *relevant* (e.g. addressed
to one target out of all the platform's inbound events). A hidden automaton is in state ``i`` in each bin,
``i = 0 .. n_states - 1``; state ``i`` emits relevant events at rate ``p_i = p_0 * s**i``, where
``p_0 = sum(r) / sum(d)`` is the series' overall share, and every ``p_i`` is capped at ``P_CAP`` (< 1).
The cost of a state sequence ``q`` is (Kleinberg 2002, "Bursty and hierarchical structure in streams",
section 4, enumerated form)::

    sum_t sigma(q_t, r_t, d_t)  +  sum_t tau(q_{t-1}, q_t),      q_{-1} = 0
    sigma(i, r, d) = -ln( C(d, r) * p_i**r * (1 - p_i)**(d - r) )
    tau(i, j)      = (j - i) * gamma * ln(n)   if j > i,   0 otherwise (stepping down is free)

The state sequence of least cost is found exactly by the Viterbi recursion (``O(n * n_states**2)``), not
by a greedy pass. Ties are broken toward the lower state, so the path is deterministic.

Without totals (``totals=None``) the automaton uses the Poisson limit of the binomial (``d_t`` large,
``p_i`` small): state ``i`` emits a count with mean ``lambda_i = lambda_0 * s**i``, where
``lambda_0 = sum(r) / n`` is the mean count per bin, and ``sigma(i, r) = -ln Poisson(r; lambda_i)``.

A *burst* of level ``j >= 1`` is a maximal run of bins whose state is at least ``j``; bursts nest (a level-2
burst lies inside a level-1 burst). Its *weight* is the cost the burst states save over the state just
below, ``sum_t sigma(j - 1, .) - sigma(j, .)`` over its bins (Kleinberg's weight without the transition
term): how strongly the data prefer the burst over the quieter state.

Parameters
----------
counts : relevant events per bin (non-negative integers).
totals : all events per bin (``totals[t] >= counts[t]``), or ``None`` for the Poisson form.
s : ratio between the rates of two consecutive states (> 1; default 2).
gamma : cost of moving one state up, in units of ``ln(n)`` (>= 0; default 1). Higher: fewer, stronger bursts.
n_states : number of states, the base state included (>= 1; default 3).

Known false positives
---------------------
The automaton measures a *share* (or a rate) against the series' own average, nothing else: a target
whose whole history is one short busy period has ``p_0`` dominated by it and shows few bursts, while a
target that is normally silent bursts on a handful of events. With ``n = 1`` bin ``ln(n) = 0`` and moving
up is free. A burst says the volume changed, never who caused it: every organic viral moment is a burst.

Example
-------
>>> counts = [0, 0, 1, 0, 9, 12, 1, 0]
>>> states = burst_states(counts, s=2, gamma=1, n_states=3)
>>> states.tolist()
[0, 0, 0, 0, 2, 2, 0, 0]
>>> [(b.start, b.end, b.level) for b in burst_intervals(states, counts)]
[(4, 5, 1), (4, 5, 2)]
>>> burst_states([]).tolist()
[]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

P_CAP = 0.9999
"""Largest emission share of a state: rates ``p_0 * s**i`` at or above 1 are capped here."""


@dataclass(frozen=True)
class Burst:
    """A maximal run of bins ``start .. end`` (inclusive) at state ``level`` or above, and its weight."""

    start: int
    end: int
    level: int
    weight: float


def state_costs(counts, totals=None, *, s: float = 2.0, n_states: int = 3) -> np.ndarray:
    """The emission cost ``sigma(i, r_t, d_t)`` of every bin and state, shape ``(n, n_states)``.

    A series with no relevant event (or, with totals, only relevant events) costs the same in every state,
    so the base state wins everywhere.

    >>> state_costs([0, 2], s=2, n_states=2).round(3).tolist()
    [[1.0, 2.0], [1.693, 1.307]]
    """
    r = _as_counts(counts, "counts")
    if s <= 1:
        raise ValueError("s must be greater than 1")
    if n_states < 1:
        raise ValueError("n_states must be at least 1")
    levels = np.arange(n_states)
    if totals is None:
        lam0 = r.sum() / len(r) if len(r) else 0.0
        if lam0 == 0:
            return np.zeros((len(r), n_states))
        lam = lam0 * float(s) ** levels
        return lam[None, :] - r[:, None] * np.log(lam)[None, :] + gammaln(r + 1)[:, None]
    d = _as_counts(totals, "totals")
    if d.shape != r.shape:
        raise ValueError("counts and totals must have the same length")
    if np.any(r > d):
        raise ValueError("a bin has more relevant events than events")
    share = r.sum() / d.sum() if d.sum() else 0.0
    if share == 0 or share == 1:
        return np.zeros((len(r), n_states))
    p = np.minimum(share * float(s) ** levels, P_CAP)
    log_choose = gammaln(d + 1) - gammaln(r + 1) - gammaln(d - r + 1)
    return -(r[:, None] * np.log(p)[None, :] + (d - r)[:, None] * np.log1p(-p)[None, :] + log_choose[:, None])


def transition_costs(n_bins: int, n_states: int, gamma: float) -> np.ndarray:
    """``tau[i, j]``: ``(j - i) * gamma * ln(n_bins)`` going up, 0 going down or staying.

    >>> transition_costs(np.e ** 2, 3, 1.0).round(6).tolist()
    [[0.0, 2.0, 4.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]]
    """
    if gamma < 0:
        raise ValueError("gamma must be non-negative")
    step = gamma * np.log(n_bins) if n_bins > 1 else 0.0
    levels = np.arange(n_states)
    return np.maximum(levels[None, :] - levels[:, None], 0) * step


def viterbi(costs: np.ndarray, transitions: np.ndarray) -> np.ndarray:
    """The least-cost state path through ``costs`` (shape ``(..., n, k)``), starting from state 0.

    Leading axes are independent series solved together (same length, same transition costs); ties go
    to the lower state.

    >>> viterbi(np.array([[0.0, 5.0], [9.0, 1.0], [0.0, 5.0]]), np.array([[0.0, 2.0], [0.0, 0.0]])).tolist()
    [0, 1, 0]
    """
    costs = np.asarray(costs, dtype=float)
    n = costs.shape[-2]
    if n == 0:
        return np.zeros(costs.shape[:-1], dtype=int)
    back = np.empty(costs.shape, dtype=np.int64)
    best = transitions[0][None, :] + costs[..., 0, :] if costs.ndim > 2 else transitions[0] + costs[0]
    back[..., 0, :] = 0
    for t in range(1, n):
        through = best[..., :, None] + transitions  # (..., from, to)
        back[..., t, :] = np.argmin(through, axis=-2)
        best = np.take_along_axis(through, back[..., t, None, :], axis=-2)[..., 0, :] + costs[..., t, :]
    path = np.empty(costs.shape[:-1], dtype=int)
    path[..., n - 1] = np.argmin(best, axis=-1)
    for t in range(n - 1, 0, -1):
        path[..., t - 1] = np.take_along_axis(back[..., t, :], path[..., t, None], axis=-1)[..., 0]
    return path


def path_cost(states, costs: np.ndarray, transitions: np.ndarray) -> float:
    """The total cost of one state path (emissions plus transitions from state 0), as minimised above."""
    states = np.asarray(states, dtype=int)
    previous = np.concatenate([[0], states[:-1]])
    return float(costs[np.arange(len(states)), states].sum() + transitions[previous, states].sum())


def burst_states(counts, totals=None, *, s: float = 2.0, gamma: float = 1.0, n_states: int = 3) -> np.ndarray:
    """The automaton's state in every bin (0 = base rate), the exact least-cost path."""
    costs = state_costs(counts, totals, s=s, n_states=n_states)
    return viterbi(costs, transition_costs(len(costs), n_states, gamma))


def burst_intervals(states, counts, totals=None, *, s: float = 2.0) -> list[Burst]:
    """The bursts of a state path: for each level ``j >= 1``, each maximal run of bins at ``j`` or above,
    with its weight (see the module docstring), ordered by start then level.

    >>> [(b.start, b.end, b.level) for b in burst_intervals([0, 1, 2, 1, 0, 1], [0, 4, 9, 4, 0, 3])]
    [(1, 3, 1), (2, 2, 2), (5, 5, 1)]
    """
    states = np.asarray(states, dtype=int)
    if len(states) == 0 or states.max() == 0:
        return []
    top = int(states.max())
    costs = state_costs(counts, totals, s=s, n_states=top + 1)
    bursts = []
    for level in range(1, top + 1):
        saving = costs[:, level - 1] - costs[:, level]
        for start, end in _runs(states >= level):
            bursts.append(Burst(int(start), int(end), level, float(saving[start:end + 1].sum())))
    return sorted(bursts, key=lambda b: (b.start, b.level))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each maximal run of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1))


def _as_counts(values, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float).reshape(-1)
    if np.any(array < 0) or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite and non-negative")
    return array
