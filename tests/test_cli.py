"""The command line: a run writes the output contract; mistakes get a one-sentence error and exit 2."""

from __future__ import annotations

import json

from mobtrace.pipelines.cli import main

T0 = 1_740_830_400


def _ring(write_csv, repost):
    rows = []
    for n in range(4):
        rows += [repost(f"{m}{n}", m, f"p{n}", T0 + 3600 * n + i) for i, m in enumerate("abcd")]
    return write_csv(rows)


def test_run_writes_every_output_and_a_summary(write_csv, repost, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(_ring(write_csv, repost)), "--out", str(out), "--window", "30", "--min-weight", "4"]) == 0
    printed = capsys.readouterr().out
    assert "Campaigns found: 1" in printed and "coordination 4" in printed and str(out / "report.html") in printed
    assert {p.name for p in out.iterdir()} >= {"report.html", "plotly.min.js", "flagged_accounts.csv", "campaigns.json",
                                               "coaction_edges.csv", "coaction.graphml", "mobtrace.duckdb"}
    (campaign,) = json.loads((out / "campaigns.json").read_text())
    assert campaign["accounts"] == ["a", "b", "c", "d"]
    assert campaign["parameters"]["coaction_edges"]["window_seconds"] == 30


def test_missing_input_is_a_one_sentence_error(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.csv"), "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == f"mobtrace: input file {tmp_path / 'nope.csv'} does not exist: check the path"


def test_compat_coortweet_reproduces_the_reference_edges(tmp_path):
    import csv
    from pathlib import Path

    reference = Path(__file__).parent / "fixtures" / "coortweet_russian"
    out = tmp_path / "out"
    assert main(["run", str(reference / "russian_coord_tweets.csv"), "--compat", "coortweet", "--window", "60",
                 "--min-participation", "2", "--edge-weight", "0.5", "--out", str(out)]) == 0
    with open(out / "coaction_edges.csv", newline="") as handle:
        ours = {(frozenset((row["source"], row["target"])), int(row["weight"])) for row in csv.DictReader(handle)}
    with open(reference / "coortweet_edges.csv", newline="") as handle:
        theirs = {(frozenset((row["from"], row["to"])), int(row["weight"])) for row in csv.DictReader(handle)}
    assert len(ours) == 60 and ours == theirs
