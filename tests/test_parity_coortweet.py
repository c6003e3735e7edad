"""Parity with CooRTweet 2.1.3 on its own example data (tests/fixtures/coortweet_russian/, see its README):
detect_groups(time_window = 60, min_participation = 2) gives 3,791 coordinated pairs, and
generate_coordinated_network(edge_weight = 0.5, subgraph = 1) 60 edges over 94 accounts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mobtrace.analysis.compat.coortweet import coortweet_edges, write_edges_csv
from mobtrace.analysis.ingest import connect, ingest_paths

REFERENCE = Path(__file__).parent / "fixtures" / "coortweet_russian"
PAIR_COLUMNS = ["object_id", "content_id", "content_id_y", "account_id", "account_id_y", "time_delta"]


def reference_pairs() -> pd.DataFrame:
    frame = pd.read_csv(REFERENCE / "coortweet_detect_groups.csv", dtype=str)
    return frame.assign(time_delta=frame.time_delta.astype(float))[PAIR_COLUMNS]


def unordered_edges(frame: pd.DataFrame, a: str, b: str) -> dict:
    return {frozenset((s, t)): (int(w), round(float(d), 9), int(n), int(ny), round(float(sym), 9), frozenset(o.split(",")))
            for s, t, w, d, n, ny, sym, o in zip(frame[a], frame[b], frame.weight, frame.avg_time_delta, frame.n_content_id,
                                                 frame.n_content_id_y, frame.edge_symmetry_score, frame.object_ids)}


def from_csv_table():
    con = connect(":memory:")
    con.execute(f"""CREATE TABLE shares AS
                    SELECT object_id, account_id, content_id, CAST(timestamp_share AS DOUBLE) AS timestamp_share,
                           row_number() OVER () AS rn
                    FROM read_csv('{REFERENCE / 'russian_coord_tweets.csv'}', all_varchar = true)""")
    return coortweet_edges(con, time_window=60, min_participation=2, edge_weight=0.5, source="shares")


def from_interactions():
    con = connect(":memory:")
    ingest_paths(con, [REFERENCE / "russian_coord_tweets.csv"], "coortweet")
    return coortweet_edges(con, time_window=60, min_participation=2, edge_weight=0.5)


@pytest.fixture(scope="module", params=[from_csv_table, from_interactions], ids=["csv_table", "interactions"])
def result(request):
    return request.param()


def test_identical_coordinated_pairs(result):
    _, pairs = result
    assert len(pairs) == 3791
    merged = reference_pairs().merge(pairs[PAIR_COLUMNS].astype({"time_delta": float}), how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]


def test_identical_thresholded_network(result, tmp_path):
    edges, _ = result
    reference = pd.read_csv(REFERENCE / "coortweet_edges.csv", dtype={"from": str, "to": str, "object_ids": str})
    assert len(edges) == 60
    assert unordered_edges(edges, "source", "target") == unordered_edges(reference, "from", "to")
    accounts = pd.read_csv(REFERENCE / "coortweet_accounts.csv", dtype=str)
    assert set(edges.source) | set(edges.target) == set(accounts.account_id)
    assert len(set(accounts.account_id)) == 94
    write_edges_csv(edges, tmp_path / "edges.csv")
    assert len(pd.read_csv(tmp_path / "edges.csv")) == 60
