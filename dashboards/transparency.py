"""Transparency export: aggregate tables that are safe to publish.

``write_transparency(con, out_dir, key, k=10)`` writes into ``out_dir``:

- four cross tables as CSV, each with row and column totals: campaigns by month and platform, flagged
  accounts by signal and platform, reports (``action = 'report'`` rows) by month and platform, and reports
  by the reporting account's signal and platform;
- ``flagged_accounts_pseudonymised.csv``: one row per flagged account with its platform and signals, the
  account id replaced by HMAC-SHA-256 under the publisher's key (the same key always gives the same
  pseudonym, so exports can be linked over time; without the key a pseudonym cannot be turned back into an
  id, not even by trying every id);
- each table as a static chart (SVG and PNG, drawn with matplotlib: plotly's own static export needs a
  Chrome/Chromium at run time, which a transparency workflow should not depend on);
- ``README.txt`` and ``metadata.json`` (software, parameters, the run's identity, k, a fingerprint of the key).

Like every CSV of mobtrace, the tables protect their text cells (``dashboards.safety``): a platform name
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, and bidi
controls are shown as ``[U+202E]``.

Small cells
-----------
Every cell, total included, with a count below ``k`` is replaced by ``x`` (primary suppression). Then
*complementary* suppression hides further cells until no hidden cell can be recomputed from the
published ones and the totals: in a table with its totals every row and column adds up, and a hidden
cell's value follows from those sums exactly when it is a bridge of the bipartite graph whose edges are
the hidden cells (rows and columns, totals included, as nodes). Each such bridge is closed into a cycle
with the cheapest rectangle of extra cells, until there is none. An account appears in the pseudonymised
list only when its (signal, platform) cell is published. A campaign-level list is not published: each row
would be a cell of one.

The key comes from the ``MOBTRACE_PSEUDONYM_KEY`` environment variable (``key_from_env``); there is no
default key, and a missing or short key is refused.

Example
-------
>>> grid = [[12, 3, 15], [20, 30, 50], [32, 33, 65]]   # two rows, two columns, with totals
>>> sorted(suppression_pattern(grid, k=10))
[(0, 0), (0, 1), (1, 0), (1, 1)]
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mobtrace.analysis.params import Params, at_least, param
from mobtrace.dashboards.safety import show_bidi, spreadsheet_safe

if TYPE_CHECKING:  # imported where used: the command line reads TransparencyParams for its flags
    import duckdb

KEY_ENV = "MOBTRACE_PSEUDONYM_KEY"
MIN_KEY_BYTES = 16
SUPPRESSED = "x"
TOTAL = "total"
SEVERAL = "several platforms"
NOT_FLAGGED = "not flagged"
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]


class MissingKeyError(ValueError):
    """The pseudonymisation key is missing or too short."""


def key_from_env(environ: Mapping[str, str] | None = None) -> bytes:
    """The pseudonymisation key from ``MOBTRACE_PSEUDONYM_KEY``; raises ``MissingKeyError`` when unusable."""
    value = (os.environ if environ is None else environ).get(KEY_ENV, "")
    if not value:
        raise MissingKeyError(
            f"{KEY_ENV} is not set: set it to a secret of at least {MIN_KEY_BYTES} characters to pseudonymise account ids "
            "(there is no default key)."
        )
    return _checked_key(value.encode("utf-8"))


def _checked_key(key: bytes) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise MissingKeyError(f"the pseudonymisation key is shorter than {MIN_KEY_BYTES} bytes: use a longer secret in {KEY_ENV}.")
    return key


def pseudonym(key: bytes, platform: str, account_id: str) -> str:
    """HMAC-SHA-256 of ``platform``, a unit separator and ``account_id``, as 64 hex digits.

    >>> pseudonym(b"k" * 16, "x", "1") == pseudonym(b"k" * 16, "x", "1") != pseudonym(b"j" * 16, "x", "1")
    True
    """
    return hmac.new(key, f"{platform}\x1f{account_id}".encode("utf-8"), hashlib.sha256).hexdigest()


def key_fingerprint(key: bytes) -> str:
    """A short check value: two exports with the same fingerprint used the same key (the key stays secret)."""
    return hmac.new(key, b"mobtrace pseudonym key check", hashlib.sha256).hexdigest()[:16]


# --- suppression ----------------------------------------------------------------------------------------


def suppression_pattern(grid: list[list[int]], k: int) -> set[tuple[int, int]]:
    """Hidden cells of a table whose last row and last column are the totals.

    Primary: every cell below ``k``. Complementary: while a hidden cell is a bridge of the bipartite
    row/column graph of hidden cells (so the sums give its value), hide the cheapest rectangle that puts
    it on a cycle.
    """
    rows, cols = len(grid), len(grid[0])
    hidden = {(i, j) for i in range(rows) for j in range(cols) if grid[i][j] < k}
    while (bridge := _first_bridge(hidden)) is not None:
        hidden |= _cheapest_rectangle(bridge, hidden, grid)
    return hidden


def _first_bridge(hidden: set[tuple[int, int]]) -> tuple[int, int] | None:
    import networkx as nx

    graph = nx.Graph()
    graph.add_edges_from((("r", i), ("c", j)) for i, j in hidden)
    cells = []
    for a, b in nx.bridges(graph):
        row, col = (a, b) if a[0] == "r" else (b, a)
        cells.append((row[1], col[1]))
    return min(cells) if cells else None


def _cheapest_rectangle(cell: tuple[int, int], hidden: set[tuple[int, int]], grid: list[list[int]]) -> set[tuple[int, int]]:
    i, j = cell
    best: tuple | None = None
    for i2 in range(len(grid)):
        for j2 in range(len(grid[0])):
            if i2 == i or j2 == j:
                continue
            extra = {c for c in ((i, j2), (i2, j2), (i2, j)) if c not in hidden}
            cost = (sum(grid[a][b] for a, b in extra), len(extra), sorted(extra))
            if best is None or cost < best[0]:
                best = (cost, extra)
    return best[1] if best else set()


@dataclass
class CrossTable:
    name: str
    title: str
    row_label: str
    rows: list[str]
    cols: list[str]
    counts: dict[tuple[str, str], int]

    def grid(self) -> list[list[int]]:
        body = [[self.counts.get((r, c), 0) for c in self.cols] for r in self.rows]
        with_totals = [[*line, sum(line)] for line in body]
        return [*with_totals, [sum(line[j] for line in with_totals) for j in range(len(self.cols) + 1)]]

    def published(self, k: int) -> list[list[int | str]]:
        grid = self.grid()
        hidden = suppression_pattern(grid, k)
        return [[SUPPRESSED if (i, j) in hidden else value for j, value in enumerate(line)] for i, line in enumerate(grid)]

    def csv_bytes(self, k: int) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([spreadsheet_safe(cell) for cell in (self.row_label, *self.cols, TOTAL)])
        for label, line in zip([*self.rows, TOTAL], self.published(k)):
            writer.writerow([spreadsheet_safe(cell) for cell in (label, *line)])
        return buffer.getvalue().encode("utf-8")


def _months(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        """SELECT strftime(m, '%Y-%m') FROM (
               SELECT unnest(generate_series(date_trunc('month', min(ts)), date_trunc('month', max(ts)), INTERVAL 1 MONTH)) AS m
               FROM interactions)
           WHERE m IS NOT NULL ORDER BY 1"""
    ).fetchall()
    return [m for (m,) in rows]


def _counts(con: duckdb.DuckDBPyConnection, sql: str) -> dict[tuple[str, str], int]:
    return {(str(r), str(c)): int(n) for r, c, n in con.execute(sql).fetchall()}


def cross_tables(con: duckdb.DuckDBPyConnection) -> list[CrossTable]:
    platforms = [p for (p,) in con.execute("SELECT DISTINCT platform FROM interactions ORDER BY 1").fetchall()]
    months = _months(con)
    campaigns = _counts(con, f"""SELECT strftime(first_ts, '%Y-%m'),
                                        CASE WHEN len(platforms) = 1 THEN platforms[1] ELSE '{SEVERAL}' END, count(*)
                                 FROM campaigns WHERE first_ts IS NOT NULL GROUP BY ALL""")
    several = [SEVERAL] if any(c == SEVERAL for _, c in campaigns) else []
    flagged = _counts(con, "SELECT replace(signals, ';', ' + '), platform, count(*) FROM flagged_accounts GROUP BY ALL")
    reports_month = _counts(con, "SELECT strftime(ts, '%Y-%m'), platform, count(*) FROM interactions WHERE action = 'report' GROUP BY ALL")
    reports_signal = _counts(
        con,
        f"""SELECT coalesce(replace(f.signals, ';', ' + '), '{NOT_FLAGGED}'), i.platform, count(*)
            FROM interactions AS i LEFT JOIN flagged_accounts AS f USING (platform, account_id)
            WHERE i.action = 'report' GROUP BY ALL""",
    )
    signal_rows = sorted({r for r, _ in flagged})
    reporter_rows = sorted({r for r, _ in reports_signal} - {NOT_FLAGGED}) + [NOT_FLAGGED]
    return [
        CrossTable("campaigns_by_month_and_platform", "Campaigns by month of first activity and platform", "month",
                   months, platforms + several, campaigns),
        CrossTable("flagged_accounts_by_signal_and_platform", "Flagged accounts by signal and platform", "signals",
                   signal_rows, platforms, flagged),
        CrossTable("reports_by_month_and_platform", "Reports (action = report) by month and platform", "month",
                   months, platforms, reports_month),
        CrossTable("reports_by_signal_and_platform", "Reports by the reporting account's signals and platform", "reporter signals",
                   reporter_rows, platforms, reports_signal),
    ]


# --- writing --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransparencyParams(Params):
    step = "transparency_export"

    k: int = param(10, "Smallest count published; smaller cells (and their complements) are hidden.", flag="--k", check=at_least(2))


def write_transparency(con: duckdb.DuckDBPyConnection, out_dir: Path, key: bytes, k: int = TransparencyParams.k) -> dict[str, Path]:
    """Write the suppressed aggregate tables, the pseudonymised account list, charts and README into
    ``out_dir``; return the written files by name."""
    from mobtrace.analysis.provenance import provenance
    from mobtrace.dashboards.outputs import origin

    key = _checked_key(key)
    if k < 2:
        raise ValueError("k must be at least 2: a cell of one is one person")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = cross_tables(con)
    written: dict[str, Path] = {}
    for table in tables:
        path = out_dir / f"{table.name}.csv"
        path.write_bytes(table.csv_bytes(k))
        written[table.name] = path
    path = out_dir / "flagged_accounts_pseudonymised.csv"
    path.write_bytes(_pseudonymised_accounts(con, key, tables[1], k))
    written["flagged_accounts_pseudonymised"] = path
    written.update(write_charts(tables, out_dir, k))
    run = provenance(con)
    metadata = {
        "k": k, "marker": SUPPRESSED, "pseudonym": "HMAC-SHA-256(key, platform + U+001F + account_id), hex",
        "key_fingerprint": key_fingerprint(key), "software": run["software"], "parameters": run["parameters"],
        "run_id": origin(con, run)["run_id"],  # not the database's path: this export is for publication
        "inputs": [{"file": Path(item["source_file"]).name, "sha256": item["sha256"]} for item in run["inputs"]],
    }
    (out_dir / "metadata.json").write_text(json.dumps(metadata, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    written["metadata"] = out_dir / "metadata.json"
    (out_dir / "README.txt").write_text(_readme(k, sorted(written)), encoding="utf-8")
    written["README"] = out_dir / "README.txt"
    return dict(sorted(written.items()))


def _pseudonymised_accounts(con: duckdb.DuckDBPyConnection, key: bytes, table: CrossTable, k: int) -> bytes:
    published = table.published(k)
    open_cells = {
        (row, col) for i, row in enumerate(table.rows) for j, col in enumerate(table.cols) if published[i][j] != SUPPRESSED
    }
    rows = con.execute("SELECT platform, account_id, replace(signals, ';', ' + ') FROM flagged_accounts").fetchall()
    listed = sorted((pseudonym(key, platform, account), platform, signals) for platform, account, signals in rows
                    if (signals, platform) in open_cells)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["pseudonym", "platform", "signals"])
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in listed)
    return buffer.getvalue().encode("utf-8")


def write_charts(tables: list[CrossTable], out_dir: Path, k: int) -> dict[str, Path]:
    """One stacked bar chart per table (published cells only) as SVG and PNG; {} without matplotlib."""
    try:
        from matplotlib.figure import Figure
    except ImportError:  # charts are a convenience; the CSV tables are the export
        return {}
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "mobtrace"  # stable element ids: the same table gives the same SVG
    written: dict[str, Path] = {}
    for table in tables:
        published = table.published(k)
        figure = Figure(figsize=(8, 4.2), dpi=100)
        axes = figure.add_subplot()
        positions = range(len(table.rows))
        bottoms = [0] * len(table.rows)
        for j, column in enumerate(table.cols):
            heights = [value if isinstance(value, int) else 0 for value in (published[i][j] for i in positions)]
            if any(heights):
                axes.bar(list(positions), heights, bottom=bottoms, label=show_bidi(column), color=PALETTE[j % len(PALETTE)],
                         edgecolor="white", linewidth=0.5)
                bottoms = [b + h for b, h in zip(bottoms, heights)]
        top = max(bottoms, default=0)
        for i in positions:
            if any(published[i][j] == SUPPRESSED for j in range(len(table.cols))):
                axes.text(i, bottoms[i] + max(top, 1) * 0.01, SUPPRESSED, ha="center", va="bottom", fontsize=9, color="#555555")
        if top == 0:
            axes.set_ylim(0, 1)
            axes.set_yticks([])
            axes.text(0.5, 0.5, "Every cell is hidden (see the note below).", transform=axes.transAxes, ha="center", color="#555555")
        axes.set_xlim(-0.6, len(table.rows) - 0.4)
        axes.set_xticks(list(positions), [show_bidi(row) for row in table.rows], rotation=30 if len(table.rows) > 4 else 0, ha="right" if len(table.rows) > 4 else "center")
        axes.set_ylabel("count")
        axes.set_title(table.title, fontsize=11)
        axes.spines[["top", "right"]].set_visible(False)
        if axes.get_legend_handles_labels()[0]:
            axes.legend(frameon=False, fontsize=8)
        hidden = sum(1 for line in published[:-1] for value in line[:-1] if value == SUPPRESSED)
        figure.text(0.01, 0.01, f"{SUPPRESSED}: a hidden count (under {k}, or hidden so that it cannot be recomputed); hidden counts are not drawn ({hidden} hidden).",
                    fontsize=7, color="#555555")
        figure.tight_layout(rect=(0, 0.04, 1, 1))
        for suffix, options in (("svg", {"metadata": {"Date": None}}), ("png", {"metadata": {"Software": None}})):
            path = out_dir / f"{table.name}.{suffix}"
            figure.savefig(path, format=suffix, **options)
            written[f"{table.name}_{suffix}"] = path
    return written


def _readme(k: int, files: list[str]) -> str:
    return f"""mobtrace transparency export
============================

Aggregate counts of coordinated campaigns, flagged accounts and reports, prepared for publication.

Tables (CSV, one per file, each with row and column totals)
  campaigns_by_month_and_platform.csv          campaigns by the month of their first activity and platform
                                                ("{SEVERAL}" when a campaign spans more than one)
  flagged_accounts_by_signal_and_platform.csv  flagged accounts by the combination of signals that flagged them
  reports_by_month_and_platform.csv            rows with action = report, by month (UTC) and platform
  reports_by_signal_and_platform.csv           the same reports by the reporting account's signals
                                                ("{NOT_FLAGGED}" for accounts no detector flagged)
  flagged_accounts_pseudonymised.csv           one row per flagged account in a published cell of the
                                                signal-by-platform table: pseudonym, platform, signals
Each table also comes as a chart (.svg and .png) drawing only the published cells.

Small cells: every count below {k} is shown as "{SUPPRESSED}", and further cells are shown as "{SUPPRESSED}" so that no hidden
count can be worked out from the totals and the other cells. A "{SUPPRESSED}" can therefore stand for any count,
including a large one.

Pseudonyms: account ids are replaced by HMAC-SHA-256 under a secret key held by the publisher. The same key
gives the same pseudonym for the same account, so pseudonyms can be compared across exports made with the
same key (metadata.json gives a key fingerprint to check this); nobody without the key can recover an id.

metadata.json records the mobtrace version, the parameters and the SHA-256 of the input files.
Coordination is not proof of intent: these are counts of accounts that acted in a coordinated way.

Files: {', '.join(files)}
"""
