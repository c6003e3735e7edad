"""Near-duplicate texts: MinHash-LSH clusters that become ``co_text_near`` objects.

Definition
----------
Each normalised text (see ``analysis.coordination.text``) is the set of its character ``shingle``-grams
(code points, so any script works; a text shorter than one shingle is one shingle). Two texts are near
duplicates when the MinHash estimate of their Jaccard similarity is ``>= threshold``. Candidates come from
LSH: the ``num_perm`` MinHash values are cut into ``bands`` bands; texts that agree on a whole band share a
bucket. Each bucket member is verified against the bucket's first text (estimated Jaccard), and verified
links are merged into connected components. Each component with at least two distinct texts is one object
``near:<its earliest text>`` (a text with no near twin is an object of its own, so exact copies count
too); the normal co-action window pairing then applies to it.

With ``num_perm=64, bands=16`` (4 rows a band) a pair at Jaccard 0.8 becomes a candidate with
probability 0.9998 and one at 0.3 with 0.12; verification then removes most false candidates.
The implementation is vectorised numpy (one-pass rolling shingle hash, 2-universal multiply-shift
permutations), run in two threads; ~1M tweets take well under a minute on two cores.

Parameters
----------
threshold : float, default 0.8
    Smallest estimated Jaccard similarity of shingle sets for a link.
shingle : int, default 5
    Characters per shingle.
num_perm, bands : int, default 64, 16
    MinHash size and LSH bands (``num_perm % bands == 0``).
seed : int, default 0
    Seed of the hash permutations: the same seed gives the same clusters.

Known false positives
---------------------
Links are transitive: A ~ B and B ~ C put A and C in one cluster though A and C may differ more than the
threshold (template spam with a changing tail chains this way; this is usually what one wants). Texts
built from a short fixed template ("Vote for X in #Y") look alike however unrelated their authors.
MinHash is an estimate: pairs within ±0.06 of the threshold can fall either side.

Example
-------
>>> texts = ["the quick brown fox jumps over the lazy dog", "the quick brown fox jumps over the lazy dog!",
...          "completely different words here and there"]
>>> near_duplicate_clusters(texts, threshold=0.7, seed=1).tolist()
[0, 0, -1]
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import duckdb
import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

_SHINGLE_BASE = np.uint64(0x100000001B3)  # FNV prime: odd and large, mixes code points well
_CHUNK_TEXTS = 4096  # small arrays stay in the heap: big ones page-fault afresh on every allocation
_EMPTY = 0xFFFFFFFF


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """A strong 64-bit mixer (vectorised), so shingle hashes are uniform before permutation."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def shingle_hashes(texts: list[str], shingle: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of every character shingle of every text, and the text number of each hash.

    A text shorter than ``shingle`` is padded with NUL code points to one shingle.
    """
    padded = [t if len(t) >= shingle else t + "\0" * (shingle - len(t)) for t in texts]
    lengths = np.fromiter((len(t) for t in padded), dtype=np.int64, count=len(padded))
    codes = np.frombuffer("".join(padded).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    windows = len(codes) - shingle + 1
    hashes = np.zeros(max(windows, 0), np.uint64)
    with np.errstate(over="ignore"):
        for j in range(shingle):  # rolling polynomial over contiguous slices: no gathers
            hashes *= _SHINGLE_BASE
            hashes += codes[j:j + windows]
        hashes = _splitmix64(hashes)
    # Keep windows that start and end inside one text.
    text_of = np.repeat(np.arange(len(padded)), lengths)[:windows]
    ends = np.cumsum(lengths)
    valid = np.arange(windows) + shingle <= ends[text_of]
    return hashes[valid], text_of[valid]


def minhash_signatures(texts: list[str], num_perm: int = 64, shingle: int = 5, seed: int = 0) -> np.ndarray:
    """MinHash signatures (``len(texts) x num_perm``, uint32) of the texts' character shingles.

    One-permutation hashing with optimal densification (Shrivastava 2017): a seeded hash sends each
    shingle to one of ``num_perm`` bins and the bin keeps its smallest value; an empty bin borrows the
    value of a bin chosen by a seeded sequence that is the same for every text. Two signatures agree in a
    bin with probability equal to the Jaccard similarity, at the cost of one hash per shingle.
    """
    rng = np.random.default_rng(seed)
    salt = rng.integers(0, 1 << 63, dtype=np.uint64)
    probes = rng.integers(0, num_perm, size=(4 * num_perm, num_perm))
    signatures = np.full((len(texts), num_perm), _EMPTY, np.uint32)
    bounds = list(range(0, len(texts), _CHUNK_TEXTS)) + [len(texts)]

    def run(chunk: int) -> None:
        lo, hi = bounds[chunk], bounds[chunk + 1]
        hashes, text_of = shingle_hashes(texts[lo:hi], shingle)
        with np.errstate(over="ignore"):
            mixed = _splitmix64(hashes ^ salt)
        bins = (mixed % np.uint64(num_perm)).astype(np.int64)
        values = np.minimum(mixed >> np.uint64(32), np.uint64(_EMPTY - 1)).astype(np.uint32)
        block = signatures[lo:hi]
        np.minimum.at(block.reshape(-1), text_of * num_perm + bins, values)
        _densify(block, probes)

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(run, range(len(bounds) - 1)))
    return signatures


def _densify(block: np.ndarray, probes: np.ndarray) -> None:
    """Fill empty bins in place: bin i of attempt t borrows bin probes[t, i] (same choice in every text)."""
    empty_rows = np.flatnonzero((block == _EMPTY).any(axis=1))
    if not len(empty_rows):
        return
    rows = block[empty_rows]
    original = rows.copy()
    for attempt in probes:
        missing = rows == _EMPTY
        if not missing.any():
            break
        borrowed = original[:, attempt]
        rows[missing] = borrowed[missing]
    block[empty_rows] = rows


def near_duplicate_clusters(
    texts: list[str], threshold: float = 0.8, shingle: int = 5, num_perm: int = 64, bands: int = 16, seed: int = 0
) -> np.ndarray:
    """Cluster number of each text (0, 1, ... in order of first member), or -1 for texts with no near twin."""
    if num_perm % bands:
        raise ValueError("num_perm must be a multiple of bands")
    n = len(texts)
    if n == 0:
        return np.zeros(0, np.int64)
    signatures = minhash_signatures(texts, num_perm, shingle, seed)
    rows = num_perm // bands
    sources, targets = [], []
    for band in range(bands):
        part = np.ascontiguousarray(signatures[:, band * rows:(band + 1) * rows])
        with np.errstate(over="ignore"):
            keys = _splitmix64((part.astype(np.uint64) * _band_weights(rows)).sum(axis=1, dtype=np.uint64))
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        new_bucket = np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1]))
        leader = order[np.maximum.accumulate(np.where(new_bucket, np.arange(n), 0))]
        member = order != leader
        sources.append(leader[member])
        targets.append(order[member])
    src, dst = np.concatenate(sources), np.concatenate(targets)
    if len(src):
        pairs = np.unique(np.stack((src, dst), axis=1), axis=0)
        src, dst = pairs[:, 0], pairs[:, 1]
        agreement = (signatures[src] == signatures[dst]).mean(axis=1)
        keep = agreement >= threshold
        src, dst = src[keep], dst[keep]
    graph = coo_matrix((np.ones(len(src), np.int8), (src, dst)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    labels = np.where(sizes[labels] > 1, labels, -1)
    # Renumber clusters 0, 1, ... by first member, so numbering does not depend on scipy's labelling.
    clustered = labels >= 0
    if not clustered.any():
        return labels
    first_seen = np.unique(labels[clustered], return_index=True)
    rank = np.empty(labels.max() + 1, np.int64)
    rank[first_seen[0][np.argsort(first_seen[1])]] = np.arange(len(first_seen[0]))
    return np.where(clustered, rank[np.maximum(labels, 0)], -1)


def _band_weights(rows: int) -> np.ndarray:
    # Distinct odd multipliers combine a band's values into one key (collisions are then verified anyway).
    return (np.arange(rows, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)) | np.uint64(1)


def prepare_near_duplicates(
    con: duckdb.DuckDBPyConnection, threshold: float = 0.8, shingle: int = 5, num_perm: int = 64, bands: int = 16,
    seed: int = 0,
) -> int:
    """Fill temp table ``coaction_text_near(platform, event_id, account_id, ts, cluster_text)`` from ``coaction_texts``.

    Identical texts are hashed once. ``cluster_text`` is the cluster's earliest-posted text (ties: smallest),
    so the object id says what the cluster is about; a text without near twins is its own cluster. Returns
    the number of clusters of two or more distinct texts.
    """
    distinct = con.sql(
        "SELECT norm_text, min(ts) AS first_ts FROM coaction_texts GROUP BY norm_text ORDER BY first_ts, norm_text"
    ).to_arrow_table()
    texts = distinct.column(0).to_pylist()
    labels = near_duplicate_clusters(texts, threshold, shingle, num_perm, bands, seed)
    # Texts are ordered by first appearance, so a cluster's first member is its earliest text; a text with
    # no near twin is its own object (so co_text_near covers exact copies too).
    cluster_text = np.asarray(texts, dtype=object)
    clustered = np.flatnonzero(labels >= 0)
    cluster_ids, first_positions = np.unique(labels[clustered], return_index=True)
    first_of = np.empty(len(cluster_ids), np.int64)
    first_of[cluster_ids] = clustered[first_positions]
    cluster_text[clustered] = cluster_text[first_of[labels[clustered]]]
    mapping = pa.table({"norm_text": pa.array(texts, pa.string()),
                        "cluster_text": pa.array(cluster_text.tolist(), pa.string())})
    con.register("_near_mapping", mapping)
    try:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE coaction_text_near AS
               SELECT t.platform, t.event_id, t.account_id, t.ts, m.cluster_text
               FROM coaction_texts AS t JOIN _near_mapping AS m USING (norm_text)"""
        )
    finally:
        con.unregister("_near_mapping")
    return len(first_of)
