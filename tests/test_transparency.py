"""Transparency export: the key is required, pseudonyms are keyed, and small cells never leak."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobtrace.dashboards.transparency import (
    SUPPRESSED, MissingKeyError, cross_tables, key_from_env, pseudonym, suppression_pattern, write_transparency,
)
from mobtrace.pipelines.cli import main

KEY = b"a test key that is long enough"
K = 3  # small, so the hand-made data has both published and hidden cells


def _read(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def recomputable(grid: list[list[int]], hidden: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Hidden cells whose value follows from the published cells and the additivity of rows and columns.

    Independent of the suppression code: a linear system in the hidden values (one equation per row and
    per column: cells add up to the total) determines x_i exactly when e_i lies in the row space."""
    rows, cols = len(grid), len(grid[0])
    unknowns = sorted(hidden)
    index = {cell: n for n, cell in enumerate(unknowns)}
    equations = []
    for i in range(rows - 1):
        line = np.zeros(len(unknowns))
        for j in range(cols):
            if (i, j) in index:
                line[index[(i, j)]] += 1 if j < cols - 1 else -1
        equations.append(line)
    for j in range(cols):
        line = np.zeros(len(unknowns))
        for i in range(rows):
            if (i, j) in index:
                line[index[(i, j)]] += 1 if i < rows - 1 else -1
        equations.append(line)
    matrix = np.array(equations) if equations else np.zeros((0, len(unknowns)))
    rank = np.linalg.matrix_rank(matrix) if len(unknowns) else 0
    found = set()
    for cell, n in index.items():
        unit = np.zeros(len(unknowns))
        unit[n] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.add(cell)
    return found


def with_totals(body: list[list[int]]) -> list[list[int]]:
    lines = [[*line, sum(line)] for line in body]
    return [*lines, [sum(line[j] for line in lines) for j in range(len(lines[0]))]]


@pytest.fixture(scope="module")
def export(hostile_con, tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("transparency")
    return folder, write_transparency(hostile_con, folder, KEY, k=K)


def test_missing_or_short_key_is_refused_with_one_sentence():
    with pytest.raises(MissingKeyError) as missing:
        key_from_env({})
    message = str(missing.value)
    assert message.startswith("MOBTRACE_PSEUDONYM_KEY is not set") and message.count(". ") == 0 and message.endswith(".")
    with pytest.raises(MissingKeyError, match="shorter than 16 bytes"):
        key_from_env({"MOBTRACE_PSEUDONYM_KEY": "short"})
    assert key_from_env({"MOBTRACE_PSEUDONYM_KEY": "x" * 16}) == b"x" * 16


def test_write_refuses_a_short_key_and_writes_nothing(hostile_con, tmp_path):
    with pytest.raises(MissingKeyError):
        write_transparency(hostile_con, tmp_path / "out", b"")
    assert not (tmp_path / "out").exists()


def test_cli_refuses_without_key(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("MOBTRACE_PSEUDONYM_KEY", raising=False)
    assert main(["transparency", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "t")]) == 2
    assert "MOBTRACE_PSEUDONYM_KEY is not set" in capsys.readouterr().err
    assert not (tmp_path / "t").exists()


def test_pseudonyms_are_stable_per_key_and_differ_across_keys(hostile_con, tmp_path):
    first = _read(write_transparency(hostile_con, tmp_path / "a", KEY, k=K)["flagged_accounts_pseudonymised"])
    again = _read(write_transparency(hostile_con, tmp_path / "b", KEY, k=K)["flagged_accounts_pseudonymised"])
    other = _read(write_transparency(hostile_con, tmp_path / "c", b"another key, also long enough", k=K)["flagged_accounts_pseudonymised"])
    assert first == again and len(first) > 1
    assert {row[0] for row in first[1:]}.isdisjoint({row[0] for row in other[1:]})
    assert pseudonym(KEY, "x", "2002") != pseudonym(KEY, "bluesky", "2002")
    ids = {a for (a,) in hostile_con.sql("SELECT account_id FROM flagged_accounts").fetchall()}
    text = (tmp_path / "a" / "flagged_accounts_pseudonymised.csv").read_text()
    assert not any(account in text for account in ids if len(account) > 3)


def test_no_published_cell_is_below_k_and_no_hidden_cell_can_be_recomputed(export, hostile_con):
    folder, written = export
    tables = cross_tables(hostile_con)
    hidden_somewhere = False
    for table in tables:
        rows = _read(written[table.name])
        grid = table.grid()
        assert rows[0] == [table.row_label, *table.cols, "total"]
        hidden = set()
        for i, line in enumerate(rows[1:]):
            for j, cell in enumerate(line[1:]):
                if cell == SUPPRESSED:
                    hidden.add((i, j))
                else:
                    assert int(cell) >= K and int(cell) == grid[i][j]
        hidden_somewhere |= bool(hidden)
        assert recomputable(grid, hidden) == set(), table.name
    assert hidden_somewhere, "the hand-made data should exercise suppression"


def test_pseudonymised_list_only_covers_published_cells(export):
    folder, written = export
    published = {}
    rows = _read(written["flagged_accounts_by_signal_and_platform"])
    for line in rows[1:-1]:
        for platform, cell in zip(rows[0][1:-1], line[1:-1]):
            published[(line[0], platform)] = cell
    listed = _read(written["flagged_accounts_pseudonymised"])[1:]
    for _, platform, signals in listed:
        assert published[(signals, platform)] != SUPPRESSED
    counts = {}
    for _, platform, signals in listed:
        counts[(signals, platform)] = counts.get((signals, platform), 0) + 1
    assert all(int(published[key]) == n for key, n in counts.items())


def test_reports_table_counts_report_rows(export, hostile_con):
    folder, written = export
    rows = _read(written["reports_by_month_and_platform"])
    total = hostile_con.sql("SELECT count(*) FROM interactions WHERE action = 'report'").fetchall()[0][0]
    assert rows[-1][-1] == str(total)


def test_charts_and_readme_are_written(export):
    folder, written = export
    for table in ("campaigns_by_month_and_platform", "reports_by_month_and_platform"):
        assert written[f"{table}_svg"].read_text().lstrip().startswith(("<?xml", "<svg"))
        assert written[f"{table}_png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    readme = (folder / "README.txt").read_text()
    assert f"below {K}" in readme and "HMAC-SHA-256" in readme


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 4).flatmap(lambda rows: st.integers(1, 4).flatmap(
        lambda cols: st.lists(st.lists(st.integers(0, 30), min_size=cols, max_size=cols), min_size=rows, max_size=rows))),
    st.integers(2, 12),
)
def test_suppression_never_leaves_a_recomputable_or_small_cell(body, k):
    grid = with_totals(body)
    hidden = suppression_pattern(grid, k)
    assert all(grid[i][j] >= k for i in range(len(grid)) for j in range(len(grid[0])) if (i, j) not in hidden)
    assert recomputable(grid, hidden) == set()
