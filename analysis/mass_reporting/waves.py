"""Report waves per reported account or post, with the burst machinery of ``mobtrace.analysis.burst``.

For every target with at least ``min_reports`` reports, its reports are counted per bin on its platform's
grid (``reports.sql``). Two measures read each series:

- against the **platform-wide report rate**: Kleinberg's automaton (``burst.kleinberg``, exact Viterbi) on
  the target's share of all the platform's reports per bin (binomial form), so a platform-wide rise in
  reporting is no wave of one target. (A target whose overall share times ``kleinberg_s`` reaches 1, as in a
  log of one target's reports, has no share to rise: its own rate is read instead, the automaton's Poisson
  form.) A run of bins at state 1 or above, runs at most ``merge_gap_bins`` quiet bins apart merged, trimmed
  to its first and last bin with a report, is a *candidate*;
- against the **target's own baseline**: the robust rolling baseline of ``burst.baseline`` (median of its
  daily report totals over ``window_days``, shrunk toward the platform's report rate per reported target,
  times the platform's hour-of-day rhythm of reports) gives each bin an expected count. A candidate is a
  *wave* when it holds at least ``min_reports`` reports, at least ``min_ratio`` times the sum of its bins'
  expected counts, and that many reports have an upper-tail probability below ``alpha`` (Poisson, or a
  negative binomial when the target's reports are over-dispersed, with the size summed over the bins).

A wave runs from its first report to its last; its peak is the bin with most reports. ``mass_report_waves``
holds one row per wave (``report-wave-NNN``, by start), ``mass_report_series`` every bin of the targets that
have one (for the report's timeline).

>>> import numpy as np
>>> counts = np.zeros(96); counts[[5, 30, 61]] = 1; counts[50:52] = [14, 9]
>>> totals = counts + 1
>>> waves, expected = series_waves(counts, totals, np.arange(96) % 24, prior_rate=0.01)
>>> [(w.first, w.last, w.reports) for w in waves], round(float(expected[50:52].sum()), 2)
([(50, 51, 23)], 0.27)
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from mobtrace.analysis.burst.baseline import baseline_bursts
from mobtrace.analysis.burst.kleinberg import state_costs, transition_costs, viterbi
from mobtrace.analysis.mass_reporting.params import MassReportingParams

KLEINBERG_CHUNK = 512   # series solved together per Viterbi call (memory: chunk x bins x states)
RHYTHM_MIN_DAYS = 3     # a platform observed for fewer days has no daily rhythm of its own


@dataclass(frozen=True)
class Wave:
    """Bins ``first`` to ``last`` (inclusive) of a series, and what the two measures say about them."""

    first: int
    last: int
    peak: int
    reports: int
    expected: float
    p_value: float
    level: int


def series_waves(counts, totals, hours, *, prior_rate: float, rhythm=None,
                 params: MassReportingParams = MassReportingParams(), states=None) -> tuple[list[Wave], np.ndarray | None]:
    """The waves of one target's report series (``counts``) against the platform's reports per bin
    (``totals``, each at least ``counts``), with ``hours`` the hour of day of each bin; and the baseline's
    expected count per bin (None when no candidate run holds ``min_reports``: the baseline is not computed)."""
    counts = np.asarray(counts, dtype=float)
    if states is None:
        states = _kleinberg(counts[None, :], np.asarray(totals, dtype=float), params)[0]
    runs = _candidate_runs(np.asarray(states) >= 1, counts, params.merge_gap_bins)
    runs = [(a, b) for a, b in runs if counts[a:b + 1].sum() >= params.min_reports]
    if not runs:
        return [], None
    bins_per_day = max(1, 1440 // params.bin_minutes)
    baseline = baseline_bursts(counts, hours, bins_per_day=bins_per_day, window_days=params.window_days, prior_rate=prior_rate,
                               platform_rhythm=rhythm, alpha=params.alpha, min_count=1, min_ratio=params.min_ratio)
    waves = []
    for first, last in runs:
        reports = int(counts[first:last + 1].sum())
        expected = float(baseline.expected[first:last + 1].sum())
        p_value = _upper_tail(reports, expected, baseline.size * (last - first + 1))
        if p_value < params.alpha and reports >= params.min_ratio * expected:
            peak = first + int(np.argmax(counts[first:last + 1]))
            waves.append(Wave(first, last, peak, reports, expected, p_value, int(np.max(states[first:last + 1]))))
    return waves, baseline.expected


def _candidate_runs(elevated: np.ndarray, counts: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs of elevated bins merged over at most ``gap`` quiet bins, trimmed to bins with reports.

    >>> _candidate_runs(np.array([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1], bool), np.array([0, 0, 3, 0, 0, 2, 0, 0, 0, 0, 1.0]), 2)
    [(2, 5), (10, 10)]
    """
    marked = np.flatnonzero(elevated)
    if len(marked) == 0:
        return []
    runs = []
    for run in np.split(marked, np.flatnonzero(np.diff(marked) > gap + 1) + 1):
        busy = run[0] + np.flatnonzero(counts[run[0]:run[-1] + 1] > 0)
        if len(busy):
            runs.append((int(busy[0]), int(busy[-1])))
    return runs


def _upper_tail(observed: int, expected: float, size: float) -> float:
    """P(X >= observed) for the sum of a wave's bins: Poisson, or negative binomial of that mean and size."""
    expected = max(expected, 1e-12)
    if np.isfinite(size):
        return float(stats.nbinom.sf(observed - 1, size, size / (size + expected)))
    return float(stats.poisson.sf(observed - 1, expected))


def detect_waves(con: duckdb.DuckDBPyConnection, params: MassReportingParams) -> int:
    """Write ``mass_report_waves`` and ``mass_report_series`` (see the module docstring); return the waves."""
    grid = {p: (origin, int(bins)) for p, origin, bins in con.execute("SELECT platform, origin, bins FROM mass_report_grid").fetchall()}
    con.execute("""CREATE OR REPLACE TEMP TABLE mass_report_candidates AS
                   SELECT platform, target_kind, target_id FROM mass_report_reports
                   GROUP BY ALL HAVING count(*) >= $min ORDER BY ALL""", {"min": params.min_reports})
    candidates = con.execute("SELECT * FROM mass_report_candidates ORDER BY ALL").df()
    wave_rows, series_frames = [], []
    for platform, targets in candidates.groupby("platform", sort=True):
        origin, n_bins = grid[platform]
        counts = _series(con, platform, targets, n_bins)
        totals = _platform_totals(con, platform, n_bins)
        hours = ((np.arange(n_bins) * params.bin_minutes) // 60) % 24
        rhythm = _rhythm_profile(totals, hours, max(1, 1440 // params.bin_minutes))
        prior = _prior_rate(con, platform, n_bins)
        states = _kleinberg(counts, totals, params)
        with_waves, expected_rows, in_wave_rows = [], [], []
        for i, (kind, target) in enumerate(zip(targets.target_kind, targets.target_id)):
            waves, expected = series_waves(counts[i], totals, hours, prior_rate=prior, rhythm=rhythm, params=params, states=states[i])
            if not waves:
                continue
            wave_rows += [(platform, kind, target, w.first, w.last, w.peak, w.reports, w.expected, w.p_value, w.level) for w in waves]
            in_wave = np.zeros(n_bins, dtype=bool)
            for w in waves:
                in_wave[w.first:w.last + 1] = True
            with_waves.append(i)
            expected_rows.append(expected)
            in_wave_rows.append(in_wave)
        if with_waves:  # one frame per platform: every bin of every target with a wave
            rows = np.repeat(np.array(with_waves), n_bins)
            series_frames.append(pd.DataFrame({
                "platform": platform, "target_kind": pd.Categorical(targets.target_kind.to_numpy()[rows]),
                "target_id": pd.Categorical(targets.target_id.to_numpy()[rows]),
                "bin": np.tile(np.arange(n_bins, dtype=np.int64), len(with_waves)),
                "reports": counts[with_waves].astype(np.int64).ravel(), "expected": np.concatenate(expected_rows),
                "kleinberg_state": states[with_waves].astype(np.int64).ravel(), "in_wave": np.concatenate(in_wave_rows),
            }))
    _write_series(con, series_frames, params)
    return _write_waves(con, wave_rows, params)


def _series(con, platform: str, targets: pd.DataFrame, n_bins: int) -> np.ndarray:
    """Reports per bin of each target (rows in the order of ``targets``)."""
    rows = con.execute(
        """SELECT r.target_kind, r.target_id, r.bin, count(*) AS reports FROM mass_report_reports AS r
           SEMI JOIN mass_report_candidates AS c USING (platform, target_kind, target_id)
           WHERE r.platform = ? GROUP BY ALL""", [platform]).df()
    index = {(k, t): i for i, (k, t) in enumerate(zip(targets.target_kind, targets.target_id))}
    counts = np.zeros((len(targets), n_bins))
    if len(rows):
        where = np.array([index[(k, t)] for k, t in zip(rows.target_kind, rows.target_id)], dtype=np.int64)
        counts[where, rows.bin.to_numpy(dtype=np.int64)] = rows.reports.to_numpy(dtype=float)
    return counts


def _platform_totals(con, platform: str, n_bins: int) -> np.ndarray:
    totals = np.zeros(n_bins)
    for bin_, reports in con.execute("SELECT bin, count(*) FROM mass_report_reports WHERE platform = ? GROUP BY ALL", [platform]).fetchall():
        totals[bin_] = reports
    return totals


def _prior_rate(con, platform: str, n_bins: int) -> float:
    """The platform-wide report rate per reported target and bin: a target with no history is judged against it."""
    reports, targets = con.execute(
        "SELECT count(*), count(DISTINCT (target_kind, target_id)) FROM mass_report_reports WHERE platform = ?", [platform]).fetchall()[0]
    return reports / max(targets, 1) / max(n_bins, 1)


def _rhythm_profile(totals: np.ndarray, hours: np.ndarray, bins_per_day: int) -> np.ndarray | None:
    """The platform's reports by hour of day, mean 1, each hour kept within 0.2 and 5 times the mean; None (flat)
    when the platform spans fewer than ``RHYTHM_MIN_DAYS`` days."""
    if len(totals) < RHYTHM_MIN_DAYS * bins_per_day or totals.sum() == 0:
        return None
    by_hour = np.bincount(hours, weights=totals, minlength=24) / np.maximum(np.bincount(hours, minlength=24), 1)
    profile = np.clip(by_hour / by_hour.mean(), 0.2, 5.0)
    return profile / profile.mean()


def _kleinberg(counts: np.ndarray, totals: np.ndarray, params: MassReportingParams) -> np.ndarray:
    """Kleinberg's state path of every series, in chunks: on its share of the platform's reports, or, for a
    target whose overall share times ``kleinberg_s`` reaches 1 (its burst states would all be capped, as in a
    log of one target's reports), on its own rate (the Poisson form)."""
    paths = np.zeros(counts.shape, dtype=np.int64)
    tau = transition_costs(counts.shape[1], params.kleinberg_states, params.kleinberg_gamma)
    share = counts.sum(axis=1) / max(totals.sum(), 1.0)
    for start in range(0, len(counts), KLEINBERG_CHUNK):
        chunk = counts[start:start + KLEINBERG_CHUNK]
        own_rate = share[start:start + KLEINBERG_CHUNK] * params.kleinberg_s >= 1
        costs = np.stack([state_costs(one, None if own else np.maximum(totals, one), s=params.kleinberg_s,
                                      n_states=params.kleinberg_states) for one, own in zip(chunk, own_rate)])
        paths[start:start + len(chunk)] = viterbi(costs, tau)
    return paths


def _write_series(con, frames: list[pd.DataFrame], params: MassReportingParams) -> None:
    columns = {"platform": "string", "target_kind": "string", "target_id": "string", "bin": "int64", "reports": "int64",
               "expected": "float64", "kleinberg_state": "int64", "in_wave": "bool"}
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    con.register("mass_report_series_rows", frame)
    try:
        con.execute(
            """CREATE OR REPLACE TABLE mass_report_series AS
               SELECT CAST(s.platform AS VARCHAR) AS platform, CAST(s.target_kind AS VARCHAR) AS target_kind,
                      CAST(s.target_id AS VARCHAR) AS target_id, g.origin + to_minutes(CAST(s.bin * $minutes AS BIGINT)) AS bin_start,
                      s.reports, s.expected, s.kleinberg_state, s.in_wave
               FROM mass_report_series_rows AS s JOIN mass_report_grid AS g USING (platform)
               ORDER BY s.platform, s.target_kind, s.target_id, bin_start""", {"minutes": params.bin_minutes})
    finally:
        con.unregister("mass_report_series_rows")


def _write_waves(con, rows: list[tuple], params: MassReportingParams) -> int:
    frame = pd.DataFrame(rows, columns=["platform", "target_kind", "target_id", "first_bin", "last_bin", "peak_bin", "bin_reports",
                                        "expected", "p_value", "kleinberg_level"])
    frame = frame.astype({"platform": "string", "target_kind": "string", "target_id": "string", "first_bin": "int64", "last_bin": "int64",
                          "peak_bin": "int64", "bin_reports": "int64", "expected": "float64", "p_value": "float64",
                          "kleinberg_level": "int64"})
    con.register("mass_report_wave_rows", frame)
    try:
        con.execute(
            """CREATE OR REPLACE TABLE mass_report_waves AS
               WITH timed AS (
                   SELECT w.platform, w.target_kind, w.target_id, min(r.ts) AS start_ts, max(r.ts) AS end_ts,
                          any_value(g.origin + to_minutes(CAST(w.peak_bin * $minutes AS BIGINT))) AS peak_ts,
                          count(*) AS reports, count(DISTINCT r.account_id) AS reporters, any_value(w.expected) AS expected,
                          any_value(w.p_value) AS p_value, any_value(w.kleinberg_level) AS kleinberg_level,
                          any_value(w.last_bin - w.first_bin + 1) AS bins
                   FROM mass_report_wave_rows AS w
                   JOIN mass_report_grid AS g USING (platform)
                   JOIN mass_report_reports AS r
                     ON r.platform = w.platform AND r.target_kind = w.target_kind AND r.target_id = w.target_id
                    AND r.bin BETWEEN w.first_bin AND w.last_bin
                   GROUP BY w.platform, w.target_kind, w.target_id, w.first_bin
               )
               SELECT printf('report-wave-%03d', row_number() OVER (ORDER BY start_ts, platform, target_kind, target_id)) AS wave_id,
                      'reports' AS side, *
               FROM timed ORDER BY wave_id""", {"minutes": params.bin_minutes})
    finally:
        con.unregister("mass_report_wave_rows")
    return con.execute("SELECT count(*) FROM mass_report_waves").fetchall()[0][0]
