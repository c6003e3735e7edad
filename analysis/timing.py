"""How precise the times of each input file are: exports that give times to the minute cannot show
reactions within seconds, and every sentence and figure about timing must say so.

``record_time_resolution(con)`` writes ``time_resolution(source_file, events, minute_stamped,
resolution_s)``: a file is *minute-stamped* when at least 90% of its events fall on a whole minute
(``:00.000000``; a file of exact times has about one in 60,000 there), and its resolution is then 60 s,
else 0 (as exact as stored: seconds or finer). An event's resolution is its file's.

What a 60 s window means on minute-stamped data: two actions stamped in the same minute, or in adjacent
minutes, are within 60 s of each other by their stamps, whatever their real gap (0 to 119 s); evidence
sentences then say "in the same or the next minute", and a median gap of 0 reads "the same minute".

>>> from mobtrace.analysis.ingest import connect
>>> con = connect(":memory:")
>>> _ = con.execute(\"\"\"INSERT INTO interactions (platform, event_id, account_id, action, ts, source_file, source_line)
...     VALUES ('x', '1', 'a', 'post', TIMESTAMP '2016-01-01 10:05', 'ira.csv', 2),
...            ('x', '2', 'b', 'post', TIMESTAMP '2016-01-01 10:06', 'ira.csv', 3),
...            ('x', '3', 'c', 'post', TIMESTAMP '2025-01-01 10:05:07.123', 'api.jsonl', 1)\"\"\")
>>> record_time_resolution(con)
>>> con.sql("SELECT source_file, minute_stamped, resolution_s FROM time_resolution ORDER BY 1").fetchall()
[('api.jsonl', False, 0), ('ira.csv', True, 60)]
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent


def record_time_resolution(con: duckdb.DuckDBPyConnection) -> None:
    run_script(con, HERE / "timing.sql")
