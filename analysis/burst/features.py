"""The features of every episode and the concerted rule (see the package docstring for the definitions).

``episode_features`` fills ``burst_episodes``'s feature columns from ``burst_participants``,
``burst_coaction`` and the texts, adds the ``template`` co-action rows, and judges each episode.
"""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from mobtrace.analysis.burst.params import BurstParams
from mobtrace.analysis.coordination.neardup import minhash_signatures
from mobtrace.analysis.coordination.text import normalise_text

_PUNCTUATION = re.compile(r"[^\w\s@]+")
SIGNATURE_VALUES, BANDS = 64, 16
MAX_REFERENCE_TEXTS = 1_000  # a target's latest organic texts compared for its own duplication level


def templated(accounts: list[str], texts: list[str | None], min_chars: int, similarity: float,
              groups: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """For each text: its template number (-1 when no other account of its group wrote the same text or
    template) and whether it is long enough to count (normalised, ``min_chars`` or more). Texts are compared
    only within their group (``groups``: one number per text, e.g. the episode; default one group).

    Two texts share a template when their MinHash signatures (5-character shingles, 64 values) agree in an
    entire band of 4 values (locality-sensitive hashing, 16 bands) and in at least ``similarity`` of all
    values (the estimated Jaccard similarity); templates are the connected components of those pairs.

    >>> labels, counted = templated(["a", "b", "c", "d"], ["Go report her NOW, she is a fraud!!", "go report her now she is a fraud",
    ...                                                     "what a lovely day in the park today", "ok"], 20, 0.5)
    >>> labels.tolist(), counted.tolist()
    ([0, 0, -1, -1], [True, True, True, False])
    >>> templated(["a", "b"], ["go report her now she is a fraud"] * 2, 20, 0.5, groups=np.array([0, 1]))[0].tolist()
    [-1, -1]
    """
    groups = np.zeros(len(texts), dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
    norms = [normalise_text(_strip_punctuation(text), min_chars) if isinstance(text, str) and text else None for text in texts]
    counted = np.array([norm is not None for norm in norms], dtype=bool)
    labels = np.full(len(texts), -1, dtype=np.int64)
    where = np.flatnonzero(counted)
    if len(where) < 2:
        return labels, counted
    signatures = minhash_signatures([norms[i] for i in where], num_perm=SIGNATURE_VALUES, seed=0).astype(np.int64)
    group = groups[where]
    rows = SIGNATURE_VALUES // BANDS
    sources, targets = [], []
    for band in range(BANDS):
        keys = np.column_stack([group, signatures[:, band * rows:(band + 1) * rows]])
        _, bucket = np.unique(keys, axis=0, return_inverse=True)
        bucket = bucket.reshape(-1)
        order = np.argsort(bucket, kind="stable")
        first = np.concatenate(([True], bucket[order][1:] != bucket[order][:-1]))
        leader = order[np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))]
        sources.append(leader[~first])
        targets.append(order[~first])
    src, dst = np.concatenate(sources), np.concatenate(targets)
    keep = (signatures[src] == signatures[dst]).mean(axis=1) >= similarity if len(src) else np.zeros(0, bool)
    graph = coo_matrix((np.ones(int(keep.sum()), np.int8), (src[keep], dst[keep])), shape=(len(where), len(where)))
    _, component = connected_components(graph, directed=False)
    owners: dict[int, set[str]] = {}
    for i, c in zip(where, component):
        owners.setdefault(int(c), set()).add(accounts[i])
    numbers: dict[int, int] = {}
    for i, c in zip(where, component):
        if len(owners[int(c)]) >= 2:
            labels[i] = numbers.setdefault(int(c), len(numbers))
    return labels, counted


def _strip_punctuation(text: str) -> str:
    return _PUNCTUATION.sub(" ", text)


def duplication_share(labels: np.ndarray, counted: np.ndarray) -> float:
    """Share of the counted texts that share a template with another account's (0 when none counts)."""
    return float((labels[counted] >= 0).mean()) if counted.any() else 0.0


def episode_features(con: duckdb.DuckDBPyConnection, params: BurstParams) -> None:
    texts = con.execute(
        """SELECT ev.episode_id, ev.platform, ev.event_id, ev.account_id, i.text
           FROM burst_events AS ev JOIN interactions AS i USING (platform, event_id)
           ORDER BY ev.episode_id, ev.ts, ev.event_id"""
    ).df()
    episodes = texts.episode_id.to_numpy()
    number = {episode: n for n, episode in enumerate(dict.fromkeys(episodes))}
    labels, counted = templated(texts.account_id.tolist(), texts.text.tolist(), params.min_text_chars, params.template_similarity,
                                groups=np.array([number[e] for e in episodes], dtype=np.int64))
    duplication, template_rows = {}, []
    for episode_id, at in texts.groupby("episode_id", sort=True).indices.items():
        duplication[episode_id] = duplication_share(labels[at], counted[at])
    sizes = texts.assign(label=labels)[labels >= 0].groupby(["episode_id", "label"]).account_id.nunique().to_dict()
    for episode_id, platform, account, event_id, label in zip(texts.episode_id, texts.platform, texts.account_id, texts.event_id, labels):
        if label >= 0:
            template_rows.append((episode_id, platform, account, "template", f"{episode_id}/template-{label + 1}",
                                  sizes[(episode_id, label)], event_id))
    _add_templates(con, template_rows)
    # the target's own level can change a verdict only where the episode reaches the floor
    target_dup = _target_duplication(con, params, sorted(e for e, share in duplication.items() if share >= params.min_duplication))
    platform_dup = _platform_duplication(con, params, sorted(e for e, share in duplication.items() if share >= params.min_duplication))
    _write_features(con, params, duplication, target_dup, platform_dup)


def _add_templates(con, rows: list[tuple]) -> None:
    frame = pd.DataFrame(rows, columns=["episode_id", "platform", "account_id", "kind", "object", "accounts", "event_id"]).astype(
        {"episode_id": "string", "platform": "string", "account_id": "string", "kind": "string", "object": "string",
         "accounts": "int64", "event_id": "string"})
    con.register("burst_template_rows", frame)
    try:
        con.execute("CREATE OR REPLACE TABLE burst_templates AS SELECT episode_id, platform, account_id, object, event_id FROM burst_template_rows")
        con.execute("INSERT INTO burst_coaction SELECT DISTINCT episode_id, platform, account_id, kind, object, accounts FROM burst_template_rows")
    finally:
        con.unregister("burst_template_rows")


def _target_duplication(con, params: BurstParams, episodes: list[str]) -> dict[str, float]:
    """The target's own level for each of ``episodes``: template share among its latest ``MAX_REFERENCE_TEXTS``
    organic inbound texts (outside all its episodes; computed once per target)."""
    if not episodes:
        return {}
    rows = con.execute(
        f"""WITH targets AS (SELECT DISTINCT platform, target_kind, target_id FROM burst_episodes WHERE list_contains($episodes, episode_id))
            SELECT b.platform, b.target_kind, b.target_id, b.account_id, i.text
            FROM targets AS t
            JOIN burst_inbound AS b USING (platform, target_kind, target_id)
            JOIN interactions AS i ON i.platform = b.platform AND i.event_id = b.event_id
            WHERE i.text IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM burst_episodes AS o WHERE o.platform = b.platform AND o.target_kind = b.target_kind
                AND o.target_id = b.target_id AND b.ts BETWEEN o.start_ts AND o.end_ts)
            QUALIFY row_number() OVER (PARTITION BY b.platform, b.target_kind, b.target_id ORDER BY b.ts DESC, b.event_id)
                    <= {MAX_REFERENCE_TEXTS}
            ORDER BY b.platform, b.target_kind, b.target_id, b.ts, b.event_id""",
        {"episodes": episodes},
    ).df()
    keys = list(zip(rows.platform, rows.target_kind, rows.target_id))
    number = {key: n for n, key in enumerate(dict.fromkeys(keys))}
    labels, counted = templated(rows.account_id.tolist(), rows.text.tolist(), params.min_text_chars, params.template_similarity,
                                groups=np.array([number[k] for k in keys], dtype=np.int64))
    positions: dict[tuple, list[int]] = {}
    for i, key in enumerate(keys):
        positions.setdefault(key, []).append(i)
    levels = {key: duplication_share(labels[at], counted[at]) for key, at in positions.items()}
    targets = con.execute("SELECT episode_id, platform, target_kind, target_id FROM burst_episodes WHERE list_contains(?, episode_id)",
                          [episodes]).fetchall()
    return {episode_id: levels.get((platform, kind, target), 0.0) for episode_id, platform, kind, target in targets}


def _platform_duplication(con, params: BurstParams, episodes: list[str]) -> dict[str, float]:
    """The level of the platforms of ``episodes``: share of inbound texts whose text (lower-cased, links,
    mentions and punctuation removed) another account also sent to some target."""
    if not episodes:
        return {}
    rows = con.execute(
        """WITH platforms AS (SELECT DISTINCT platform FROM burst_episodes WHERE list_contains($episodes, episode_id)),
           texts AS (
               SELECT DISTINCT b.platform, b.event_id, b.account_id,
                      trim(regexp_replace(lower(i.text), '(https?://|www\\.)\\S+|@\\w+|[^\\w]+', ' ', 'g')) AS norm
               FROM burst_inbound AS b SEMI JOIN platforms USING (platform) JOIN interactions AS i USING (platform, event_id)
               WHERE length(i.text) >= $min_chars
           ),
           counted AS (SELECT * FROM texts WHERE length(norm) >= $min_chars),
           shared AS (SELECT platform, norm FROM counted GROUP BY ALL HAVING count(DISTINCT account_id) >= 2)
           SELECT c.platform, avg(CASE WHEN s.norm IS NULL THEN 0.0 ELSE 1.0 END)
           FROM counted AS c LEFT JOIN shared AS s USING (platform, norm)
           GROUP BY ALL""",
        {"min_chars": params.min_text_chars, "episodes": episodes},
    ).fetchall()
    return {platform: float(level) for platform, level in rows}


def _write_features(con, params: BurstParams, duplication: dict, target_dup: dict, platform_dup: dict) -> None:
    episodes = con.execute(
        """WITH p AS (SELECT * FROM burst_participants WHERE role = 'participant'),
           shares AS (
               SELECT episode_id, count(*) AS participants,
                      avg(CASE WHEN prior_contacts = 0 THEN 1.0 ELSE 0.0 END) AS stranger_share,
                      avg(CASE WHEN created_at IS NULL THEN NULL WHEN new_account THEN 1.0 ELSE 0.0 END) AS new_share,
                      count(created_at) AS known_created,
                      avg(CASE WHEN clustered THEN 1.0 ELSE 0.0 END) AS clustered_share,
                      quantile_cont(epoch(first_ts), 0.9) - quantile_cont(epoch(first_ts), 0.1) AS arrival_span_s
               FROM p GROUP BY ALL
           ),
           coacted AS (SELECT episode_id, count(DISTINCT (platform, account_id)) AS coacted FROM burst_coaction GROUP BY ALL)
           SELECT e.episode_id, e.platform, s.participants, s.stranger_share, s.new_share, s.known_created, s.clustered_share,
                  coalesce(c.coacted, 0) / s.participants AS coaction_share, s.arrival_span_s,
                  r.platform_new, r.platform_clustered, r.target_new, r.target_clustered, r.organic_accounts
           FROM burst_episodes AS e JOIN shares AS s USING (episode_id) JOIN burst_references AS r USING (episode_id)
           LEFT JOIN coacted AS c USING (episode_id)
           ORDER BY e.episode_id"""
    ).df()
    organic_span = _organic_spans(con)
    rows = []
    for row in episodes.itertuples(index=False):
        dup = duplication.get(row.episode_id, 0.0)
        dup_reference = max(target_dup.get(row.episode_id, 0.0), platform_dup.get(row.platform, 0.0))
        reference_span = organic_span.get(row.episode_id)
        synchrony = reference_span / max(row.arrival_span_s, 1.0) if reference_span is not None else None
        evidence = concert_evidence(
            params,
            new=(None if pd.isna(row.new_share) else row.new_share, max(row.platform_new, row.target_new)),
            clustered=(row.clustered_share, max(row.platform_clustered, row.target_clustered)),
            duplication=(dup, dup_reference),
            coaction=row.coaction_share,
        )
        concerted = bool(row.participants >= params.min_participants and row.stranger_share >= params.min_stranger_share and evidence)
        rows.append((row.episode_id, dup, dup_reference, reference_span, synchrony, concerted,
                     verdict(params, row.participants, row.stranger_share, evidence, concerted), "; ".join(evidence)))
    frame = pd.DataFrame(rows, columns=["episode_id", "duplication", "duplication_reference", "organic_span_s", "synchrony",
                                        "concerted", "verdict", "concert_evidence"]).astype(
        {"episode_id": "string", "duplication": "float64", "duplication_reference": "float64", "organic_span_s": "float64",
         "synchrony": "float64", "concerted": "bool", "verdict": "string", "concert_evidence": "string"})
    con.register("burst_feature_rows", frame)
    try:
        con.execute(
            """CREATE OR REPLACE TABLE burst_episodes AS
               WITH p AS (SELECT * FROM burst_participants WHERE role = 'participant'),
               shares AS (
                   SELECT episode_id,
                          avg(CASE WHEN prior_contacts = 0 THEN 1.0 ELSE 0.0 END) AS stranger_share,
                          avg(CASE WHEN created_at IS NULL THEN NULL WHEN new_account THEN 1.0 ELSE 0.0 END) AS new_share,
                          avg(CASE WHEN clustered THEN 1.0 ELSE 0.0 END) AS clustered_share,
                          quantile_cont(epoch(first_ts), 0.9) - quantile_cont(epoch(first_ts), 0.1) AS arrival_span_s
                   FROM p GROUP BY ALL
               ),
               coacted AS (SELECT episode_id, count(DISTINCT (platform, account_id)) AS coacted FROM burst_coaction GROUP BY ALL)
               SELECT e.*, s.stranger_share, s.new_share, s.clustered_share, f.duplication,
                      coalesce(c.coacted, 0) / e.participants AS coaction_share, s.arrival_span_s, f.organic_span_s, f.synchrony,
                      r.platform_new, r.platform_clustered, r.target_new, r.target_clustered, f.duplication_reference,
                      f.concerted, f.verdict, f.concert_evidence
               FROM burst_episodes AS e
               JOIN shares AS s USING (episode_id) JOIN burst_references AS r USING (episode_id)
               JOIN burst_feature_rows AS f USING (episode_id)
               LEFT JOIN coacted AS c USING (episode_id)
               ORDER BY e.episode_id"""
        )
    finally:
        con.unregister("burst_feature_rows")


def concert_evidence(params: BurstParams, *, new: tuple, clustered: tuple, duplication: tuple, coaction: float) -> list[str]:
    """The features that depart clearly from organic activity, in words; empty when none does.

    A share counts when it reaches its floor (``min_new_share``, ...) and ``departure_ratio`` times its
    reference (the larger of the platform's and the target's organic level); co-action has no organic level by
    construction (only items concentrated in the episode count), so its floor alone.

    >>> concert_evidence(BurstParams(), new=(0.5, 0.05), clustered=(0.0, 0.0), duplication=(0.1, 0.0), coaction=0.25)
    ['50% new accounts (organic level 5%)', '25% co-acted inside the episode']
    >>> concert_evidence(BurstParams(), new=(0.3, 0.2), clustered=(0.0, 0.0), duplication=(0.0, 0.0), coaction=0.0)
    []
    """
    found = []
    for name, (share, reference), floor in (("new accounts", new, params.min_new_share),
                                             ("already in coordinated clusters", clustered, params.min_clustered_share),
                                             ("of texts duplicated or templated", duplication, params.min_duplication)):
        if share is not None and share >= floor and share >= params.departure_ratio * reference:
            found.append(f"{share:.0%} {name} (organic level {reference:.0%})")
    if coaction >= params.min_coaction:
        found.append(f"{coaction:.0%} co-acted inside the episode")
    return found


def verdict(params: BurstParams, participants: int, stranger_share: float, evidence: list[str], concerted: bool) -> str:
    """The episode's verdict in one sentence."""
    if concerted:
        return f"Concerted: {stranger_share:.0%} of {participants} participants had no earlier contact with the target; " + "; ".join(evidence) + "."
    reasons = []
    if participants < params.min_participants:
        reasons.append(f"only {participants} participants (at least {params.min_participants} are judged)")
    if stranger_share < params.min_stranger_share:
        reasons.append(f"{stranger_share:.0%} of participants had no earlier contact (at least {params.min_stranger_share:.0%} needed)")
    if not evidence:
        reasons.append("no feature departs from the organic level (new accounts, clusters, templates, co-action)")
    return "Not concerted (a burst alone flags nobody): " + "; ".join(reasons) + "."


def _organic_spans(con) -> dict[str, float]:
    """The organic reference of arrival synchrony: the median, over the target's posts (else over the posts of
    every target with an episode on the platform), of the seconds holding the middle 80% of first replies to
    one post outside episodes (posts with at least 5 repliers)."""
    rows = con.execute(
        """WITH organic AS (
               SELECT b.platform, b.target_kind, b.target_id, i.target_post_id AS post, b.account_id, min(b.ts) AS first_ts
               FROM burst_inbound AS b
               SEMI JOIN (SELECT DISTINCT platform, target_kind, target_id FROM burst_episodes) AS t USING (platform, target_kind, target_id)
               JOIN interactions AS i USING (platform, event_id)
               WHERE coalesce(i.target_post_id, '') <> '' AND NOT EXISTS (
                   SELECT 1 FROM burst_episodes AS o WHERE o.platform = b.platform AND o.target_kind = b.target_kind
                   AND o.target_id = b.target_id AND b.ts BETWEEN o.start_ts AND o.end_ts)
               GROUP BY ALL
           ),
           spans AS (
               SELECT platform, target_kind, target_id, post,
                      quantile_cont(epoch(first_ts), 0.9) - quantile_cont(epoch(first_ts), 0.1) AS span
               FROM organic GROUP BY ALL HAVING count(*) >= 5
           ),
           per_target AS (SELECT platform, target_kind, target_id, median(span) AS span FROM spans GROUP BY ALL),
           per_platform AS (SELECT platform, median(span) AS span FROM spans GROUP BY ALL)
           SELECT e.episode_id, coalesce(t.span, p.span)
           FROM burst_episodes AS e
           LEFT JOIN per_target AS t USING (platform, target_kind, target_id)
           LEFT JOIN per_platform AS p USING (platform)"""
    ).fetchall()
    return {episode_id: float(span) for episode_id, span in rows if span is not None}
