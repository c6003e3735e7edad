"""Inbound series per target and the burst episodes in them (both detectors).

For every analysed target the inbound events are counted per bin on its platform's grid (``bins.sql``;
bins from the UTC midnight before the platform's first event, zero-count bins included). Two detectors
read each series:

- ``baseline.baseline_bursts``: each bin against the target's robust rolling baseline with daily rhythm;
  a target with no history is judged against the platform's prior rate (the median inbound rate per bin
  of the analysed targets) and the platform's hour-of-day profile (flat for a platform observed for fewer
  than three days);
- ``kleinberg.burst_states``: the target's share of all the platform's inbound events per bin (binomial
  form), so a platform-wide surge is no burst of one target.

An *episode* is a run of bins that are baseline burst bins or at Kleinberg's top state (with at least twice
the expected count), runs at most ``merge_gap_bins`` quiet bins apart merged, that holds at least one
baseline burst bin: the baseline test says the volume is significant, Kleinberg's top state extends it over
the busy bins around a sharp peak. Its
start and end are its first and last inbound event, its peak the bin with most events.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from mobtrace.analysis.burst.baseline import DEFAULT_PRIOR_RATE, baseline_bursts
from mobtrace.analysis.burst.kleinberg import state_costs, transition_costs, viterbi
from mobtrace.analysis.burst.params import BurstParams

RHYTHM_MIN_DAYS = 3  # a platform observed for fewer days has no daily rhythm of its own
KLEINBERG_CHUNK = 512  # series solved together per Viterbi call (memory: chunk x bins x states)


@dataclass
class TargetSeries:
    platform: str
    kind: str
    target_id: str
    named: bool
    counts: np.ndarray


def candidate_targets(con: duckdb.DuckDBPyConnection, params: BurstParams) -> pd.DataFrame:
    """Targets to analyse: discovered (at least ``min_target_events`` inbound events, and some bin with at
    least ``min_burst_events``: no other can hold a burst bin) and named (always)."""
    return con.execute(
        """WITH totals AS (
               SELECT platform, target_kind, target_id, sum(events) AS total, max(events) AS peak FROM burst_bins GROUP BY ALL
           ),
           named AS (SELECT DISTINCT platform, target_kind, target_id FROM burst_named_targets WHERE status = 'found')
           SELECT coalesce(t.platform, n.platform) AS platform, coalesce(t.target_kind, n.target_kind) AS target_kind,
                  coalesce(t.target_id, n.target_id) AS target_id, n.target_id IS NOT NULL AS named
           FROM totals AS t FULL JOIN named AS n USING (platform, target_kind, target_id)
           WHERE n.target_id IS NOT NULL OR (t.total >= $min_events AND t.peak >= $min_burst)
           ORDER BY ALL""",
        {"min_events": params.min_target_events, "min_burst": params.min_burst_events},
    ).df()


def detect_episodes(con: duckdb.DuckDBPyConnection, params: BurstParams) -> int:
    """Write ``burst_analysed`` (the targets analysed), ``burst_series`` (every bin of the targets that have an
    episode or are named),
    and ``burst_episodes``; return the number of episodes."""
    candidates = candidate_targets(con, params)
    con.register("burst_candidate_rows", candidates.astype({"platform": "string", "target_kind": "string", "target_id": "string", "named": "bool"}))
    try:
        con.execute("CREATE OR REPLACE TABLE burst_analysed AS SELECT * FROM burst_candidate_rows ORDER BY ALL")
    finally:
        con.unregister("burst_candidate_rows")
    grid = {p: (origin, int(bins)) for p, origin, bins in con.execute("SELECT platform, origin, bins FROM burst_grid").fetchall()}
    series_rows, episode_rows = [], []
    for platform, targets in candidates.groupby("platform", sort=True):
        if platform not in grid:
            continue
        origin, n_bins = grid[platform]
        series = _series(con, platform, targets, n_bins)
        totals = _platform_totals(con, platform, n_bins)
        hours = ((np.arange(n_bins) * params.bin_minutes) // 60) % 24
        rhythm = _rhythm_profile(totals, hours, max(1, 1440 // params.bin_minutes))
        prior = _prior_rate(series)
        states = _kleinberg(series, totals, params)
        for one, state in zip(series, states):
            result = baseline_bursts(
                one.counts, hours, bins_per_day=max(1, 1440 // params.bin_minutes), window_days=params.window_days,
                prior_rate=prior, platform_rhythm=rhythm, alpha=params.alpha, min_count=params.min_burst_events,
                min_ratio=params.min_ratio,
            )
            top = (state >= params.kleinberg_states - 1) & (one.counts > 0) & (one.counts >= 2 * result.expected)
            episodes = _episode_bins(result.burst, top, params.merge_gap_bins)
            for first, last in episodes:
                peak = first + int(np.argmax(one.counts[first:last + 1]))
                episode_rows.append((platform, one.kind, one.target_id, first, last, peak, int(one.counts[peak]),
                                     float(result.expected[peak]), float(result.p_value[first:last + 1].min()),
                                     int(state[first:last + 1].max())))
            if episodes or one.named:
                in_episode = np.zeros(n_bins, dtype=bool)
                for first, last in episodes:
                    in_episode[first:last + 1] = True
                series_rows.append(((platform, one.kind, one.target_id), {
                    "bin": np.arange(n_bins, dtype=np.int64), "events": one.counts.astype(np.int64),
                    "expected": result.expected, "p_value": result.p_value, "kleinberg_state": state.astype(np.int64),
                    "burst_bin": result.burst, "in_episode": in_episode,
                }))
    _write_series(con, series_rows, params)
    return _write_episodes(con, episode_rows, params)


def _series(con, platform: str, targets: pd.DataFrame, n_bins: int) -> list[TargetSeries]:
    con.register("burst_candidates", targets[["target_kind", "target_id"]])
    try:
        rows = con.execute(
            """SELECT b.target_kind, b.target_id, b.bin, b.events FROM burst_bins AS b
               SEMI JOIN burst_candidates AS c USING (target_kind, target_id)
               WHERE b.platform = ? ORDER BY ALL""",
            [platform],
        ).df()
    finally:
        con.unregister("burst_candidates")
    index = {(k, t): i for i, (k, t) in enumerate(zip(targets.target_kind, targets.target_id))}
    counts = np.zeros((len(targets), n_bins))
    if len(rows):
        where = np.array([index[(k, t)] for k, t in zip(rows.target_kind, rows.target_id)], dtype=np.int64)
        counts[where, rows.bin.to_numpy(dtype=np.int64)] = rows.events.to_numpy(dtype=float)
    return [TargetSeries(platform, k, t, bool(named), counts[i])
            for i, (k, t, named) in enumerate(zip(targets.target_kind, targets.target_id, targets.named))]


def _platform_totals(con, platform: str, n_bins: int) -> np.ndarray:
    totals = np.zeros(n_bins)
    for bin_, events in con.execute("SELECT bin, events FROM burst_platform_bins WHERE platform = ?", [platform]).fetchall():
        totals[bin_] = events
    return totals


def _rhythm_profile(totals: np.ndarray, hours: np.ndarray, bins_per_day: int) -> np.ndarray:
    """The platform's inbound volume by hour of day, mean 1, each hour kept within 0.2 and 5 times the mean;
    flat when the platform spans fewer than ``RHYTHM_MIN_DAYS`` days (an hour of one busy day is no rhythm)."""
    if len(totals) < RHYTHM_MIN_DAYS * bins_per_day or totals.sum() == 0:
        return np.ones(24)
    by_hour = np.bincount(hours, weights=totals, minlength=24) / np.maximum(np.bincount(hours, minlength=24), 1)
    profile = np.clip(by_hour / by_hour.mean(), 0.2, 5.0)
    return profile / profile.mean()


def _prior_rate(series: list[TargetSeries]) -> float:
    """The median inbound events per bin of the platform's analysed targets (a target with no history is
    judged against it)."""
    rates = [one.counts.mean() for one in series if one.counts.sum() > 0]
    return float(np.median(rates)) if rates else DEFAULT_PRIOR_RATE


def _kleinberg(series: list[TargetSeries], totals: np.ndarray, params: BurstParams) -> list[np.ndarray]:
    """Kleinberg's state path of every series (its share of the platform's inbound events), in chunks."""
    if not series:
        return []
    n_bins, k = len(totals), params.kleinberg_states
    tau = transition_costs(n_bins, k, params.kleinberg_gamma)
    paths = []
    for start in range(0, len(series), KLEINBERG_CHUNK):
        chunk = series[start:start + KLEINBERG_CHUNK]
        # a bin's total holds at least the target's own events (a target's events addressed twice count once)
        costs = np.stack([state_costs(one.counts, np.maximum(totals, one.counts), s=params.kleinberg_s, n_states=k) for one in chunk])
        paths.extend(viterbi(costs, tau))
    return paths


def _episode_bins(burst: np.ndarray, top: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """(first, last) bins of each episode: runs of burst bins or ``top`` bins, merged over gaps of at most
    ``gap`` bins, that hold a burst bin.

    >>> _episode_bins(np.array([0, 0, 1, 0, 0, 0, 0, 1], bool), np.array([0, 1, 1, 1, 0, 0, 0, 0], bool), 1)
    [(1, 3), (7, 7)]
    >>> _episode_bins(np.array([0, 0, 0], bool), np.array([1, 1, 1], bool), 1)
    []
    """
    marked = np.flatnonzero(burst | top)
    if len(marked) == 0:
        return []
    runs = np.split(marked, np.flatnonzero(np.diff(marked) > gap + 1) + 1)
    return [(int(run[0]), int(run[-1])) for run in runs if burst[run].any()]


def _write_series(con, series: list[tuple[tuple[str, str, str], dict]], params: BurstParams) -> None:
    """One row per bin of each stored series; the target's key is written once per series (``burst_series_keys``)
    and joined in SQL, which is much cheaper than repeating three strings on every bin in Python."""
    keys = pd.DataFrame([key for key, _ in series], columns=["platform", "target_kind", "target_id"], dtype="string")
    keys.insert(0, "series", np.arange(len(keys), dtype=np.int64))
    columns = ["bin", "events", "expected", "p_value", "kleinberg_state", "burst_bin", "in_episode"]
    if series:
        bins = pd.DataFrame({c: np.concatenate([values[c] for _, values in series]) for c in columns})
        bins.insert(0, "series", np.repeat(np.arange(len(series), dtype=np.int64), [len(values["bin"]) for _, values in series]))
    else:
        bins = pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(["series", *columns],
                                                                 ["int64", "int64", "int64", "float64", "float64", "int64", "bool", "bool"])})
    con.register("burst_series_keys", keys)
    con.register("burst_series_rows", bins)
    try:
        con.execute(
            """CREATE OR REPLACE TABLE burst_series AS
               SELECT k.platform, k.target_kind, k.target_id, g.origin + to_minutes(CAST(s.bin * $minutes AS BIGINT)) AS bin_start,
                      s.events, s.expected, s.p_value, s.kleinberg_state, s.burst_bin, s.in_episode
               FROM burst_series_rows AS s JOIN burst_series_keys AS k USING (series) JOIN burst_grid AS g ON g.platform = k.platform
               ORDER BY k.platform, k.target_kind, k.target_id, bin_start""",
            {"minutes": params.bin_minutes},
        )
    finally:
        con.unregister("burst_series_keys")
        con.unregister("burst_series_rows")


def _write_episodes(con, rows: list[tuple], params: BurstParams) -> int:
    frame = pd.DataFrame(rows, columns=["platform", "target_kind", "target_id", "first_bin", "last_bin", "peak_bin", "peak_events",
                                        "expected_at_peak", "min_p_value", "kleinberg_level"])
    frame = frame.astype({"platform": "string", "target_kind": "string", "target_id": "string", "first_bin": "int64",
                          "last_bin": "int64", "peak_bin": "int64", "peak_events": "int64", "expected_at_peak": "float64",
                          "min_p_value": "float64", "kleinberg_level": "int64"})
    con.register("burst_episode_rows", frame)
    try:
        con.execute(
            """CREATE OR REPLACE TABLE burst_episodes AS
               WITH spans AS (
                   SELECT e.*, g.origin + to_minutes(CAST(e.first_bin * $minutes AS BIGINT)) AS first_bin_start,
                          g.origin + to_minutes(CAST((e.last_bin + 1) * $minutes AS BIGINT)) AS last_bin_end,
                          g.origin + to_minutes(CAST(e.peak_bin * $minutes AS BIGINT)) AS peak_ts
                   FROM burst_episode_rows AS e JOIN burst_grid AS g USING (platform)
               ),
               timed AS (
                   SELECT s.*, min(b.ts) AS start_ts, max(b.ts) AS end_ts, count(*) AS events,
                          count(DISTINCT b.account_id) AS participants
                   FROM spans AS s JOIN burst_inbound AS b
                     ON b.platform = s.platform AND b.target_kind = s.target_kind AND b.target_id = s.target_id
                    AND b.ts >= s.first_bin_start AND b.ts < s.last_bin_end
                   GROUP BY ALL
               )
               SELECT printf('episode-%03d', row_number() OVER (ORDER BY start_ts, platform, target_kind, target_id)) AS episode_id,
                      platform, target_kind, target_id, start_ts, peak_ts, end_ts, events, participants, peak_events,
                      expected_at_peak, min_p_value, kleinberg_level, last_bin - first_bin + 1 AS bins
               FROM timed ORDER BY episode_id"""
            , {"minutes": params.bin_minutes},
        )
    finally:
        con.unregister("burst_episode_rows")
    return con.execute("SELECT count(*) FROM burst_episodes").fetchall()[0][0]
