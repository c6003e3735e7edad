"""SHA-256 of what ingest stores for every fixture file and for a few hand-made damaged CSVs: the ingest
contract of issue #19 (the stored ``interactions``, ``quarantine``, ``accounts``, ``notices`` and ``sources``
rows stay byte-identical when the readers change).

``python tests/ingest_hashes.py`` writes tests/fixtures/ingest_hashes.json with the code of the
interpreter that runs it (run it with the baseline install, /work/base/.venv/bin/python, to record the
reference); tests/test_ingest_contract.py recomputes the hashes with the tree under test and compares.

Each case is ingested into a fresh in-memory database. Volatile columns (``sources.ingested_at``) are left
out, and the folder the files are in is replaced by ``<dir>`` wherever it appears, so that the hashes do
not depend on where the repository or the temporary folder is.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HASHES = FIXTURES / "ingest_hashes.json"
SKIPPED_NAMES = {"README.md", "LICENSE.CooRTweet", "ingest_hashes.json"}
# Fixtures that the adapter tests read with a named --format (auto-detection would not pick it).
FORCED = {"cnt/cnt_custom_header.csv": "cnt"}

TABLES = {
    "interactions": "SELECT * FROM interactions",
    "quarantine": "SELECT * FROM quarantine",
    "accounts": "SELECT * FROM accounts",
    "notices": "SELECT * FROM notices",
    "sources": "SELECT * EXCLUDE (ingested_at) FROM sources",
}

GENERIC_HEADER = b"platform,event_id,account_id,account_handle,action,timestamp,target_account_id,target_post_id,text,urls,hashtags,mentions\n"
CNT_HEADER = b"message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"

# Hand-made CSVs with the quirks real exports have, beyond the fixtures: (name, --format, bytes).
MADE = [
    ("generic_quirks.csv", "auto",
     b"\xef\xbb\xbf" + GENERIC_HEADER.replace(b"\n", b"\r\n")
     + b"x,1,a,alice,post,1700000000,,,\"two\r\nlines\",,,\r\n"
     + b"\r\n"
     + b"x,2,b,bob,repost,1700000001,a,1,\"RT \"\"quoted\"\"\",[\"https://e.org\"],#h,@a\r\n"
     + b"x,3,c,carol,post,soon,,,bad time,,,\r\n"
     + b"x,4,d,dave,post,1700000002,,,too,many,fields,here,x,y\r\n"
     + b"x,5,e,eve,post,1700000003,,,caf\xe9,,,\r\n"
     + b"x,6,f,,post,1700000004,,,\"a\rb\nc\",,,\r\n"
     + b"x,7,g,gina,post,1700000005,,,short\r\n"
     + b"\n\n"
     + b"x,8,h,hal,post,2023-11-14T22:13:20,,,\"quote\"after,,,\r\n"
     + b"x,9,i,ivy,post,1700000006,,,mid\"quote,,,\r\n"
     + b",,,,,,,,,,,\r\n"
     + b"x,10,j,jo,post,1700000007,,,last,,,"),
    ("generic_lone_cr.csv", "auto",
     GENERIC_HEADER.replace(b"\n", b"\r")
     + b"x,1,a,alice,post,1700000000,,,one,,,\r"
     + b"x,2,b,bob,post,1700000001,,,\"multi\rline\",,,\r"
     + b"x,3,c,carol,post,1700000002,,,three,,,\r"),
    ("generic_unterminated.csv", "auto",
     GENERIC_HEADER
     + b"x,1,a,alice,post,1700000000,,,fine,,,\n"
     + b"x,2,b,bob,post,1700000001,,,\"never closed,,,\n"
     + b"x,3,c,carol,post,1700000002,,,lost,,,\n"),
    ("generic_long_field.csv", "auto",
     GENERIC_HEADER
     + b"x,1,a,alice,post,1700000000,,,\"" + b"long\n" * 5 + b"x" * 3_000_000 + b"\",,,\n"
     + b"x,2,b,bob,post,1700000001,,,after,,,\n"),
    ("generic_cp1251.csv", "generic",
     GENERIC_HEADER + "x,1,a,alice,post,1700000000,,,Привет мир,,,\nx,2,b,bob,post,1700000001,,,ok,,,\n".encode("cp1251")),
    ("generic_tabs.tsv", "auto",
     GENERIC_HEADER.replace(b",", b"\t")
     + b"x\t1\ta\talice\tpost\t1700000000\t\t\t\"tab\tinside\"\t\t\t\n"
     + b"x\t2\tb\tbob\tpost\t1700000001\t\t\tcomma, inside\t\t\t\n"
     + b"x\t3\tc\n"),
    ("generic_odd_header.csv", "generic",
     b"Account_ID,ACTION,,timestamp,action,Raw\n"
     + b"a,post,x,1700000000,repost,r\n"
     + b"b,like,y,1700000001,post\n"),
    ("cnt_quirks.csv", "cnt",
     CNT_HEADER.replace(b"\n", b"\r\n")
     + b"1,u1,alice,,,\"hello\r\nworld\",1623881091,https://a.org https://b.org\r\n"
     + b"2,u2,bob,1,,RT,1623881092,\r\n"
     + b"\r\n"
     + b"3,u3,carol,,1,reply,not a time,\r\n"
     + b"4,u4,dave,,,nine,1623881093,,extra\r\n"
     + b"5,u5,\xff\xfe,,,bad bytes,1623881094,\r\n"
     + b"6,u6,eve,,,\"multi\n\nline\",1623881095,\r\n"),
    ("cnt_headerless.csv", "auto",
     b"11,u1,alice,,,first,1623881091,\n"
     + b"12,u2,bob,11,,RT,1623881092,\n"
     + b"\n"
     + b"13,u3,carol,,11,\"a\nb\",1623881093,\n"),
    ("cnt_blank_first.csv", "cnt",
     b"\n" + CNT_HEADER + b"21,u1,alice,,,x,1623881091,\n"),
    ("reports_quirks.tsv", "auto",
     b"reporter_id\treported_account_id\treported_post_id\treason\ttimestamp\n"
     + b"r1\tv1\t\tspam\t2025-03-01T10:00:00\n"
     + b"r2\t\t\tnothing\t2025-03-01T10:01:00\n"
     + b"r3\tv1\tp1\t\"multi\nline reason\"\t1740823260\n"
     + b"r4\tv1\n"),
]


GZIPPED = {"generic_quirks.csv", "cnt_quirks.csv", "reports_quirks.tsv"}  # also read gzipped


def made_files(folder: Path) -> list[tuple[str, Path, str]]:
    """The hand-made cases written under ``folder``: (case name, path, --format)."""
    cases = []
    for name, fmt, data in MADE:
        plain = folder / name
        plain.write_bytes(data)
        cases.append((f"made/{name}", plain, fmt))
        if name not in GZIPPED:
            continue
        zipped = folder / f"{name}.gz"
        zipped.write_bytes(gzip.compress(data, mtime=0))
        cases.append((f"made/{name}.gz", zipped, fmt))
    return cases


def fixture_files() -> list[tuple[str, Path, str]]:
    """Every fixture file an adapter reads: (case name, path, --format)."""
    cases = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and path.name not in SKIPPED_NAMES:
            name = path.relative_to(FIXTURES).as_posix()
            cases.append((name, path, FORCED.get(name, "auto")))
    return cases


def stored_hashes(path: Path, fmt: str) -> dict[str, str]:
    """SHA-256 per table of the rows that ingesting ``path`` as ``fmt`` stores in a fresh database."""
    from mobtrace.analysis.ingest import connect, ingest_paths

    con = connect(":memory:")
    try:
        ingest_paths(con, [path], fmt)
        present = {name for (name,) in con.sql("SELECT table_name FROM duckdb_tables()").fetchall()}
        folder = str(path.parent)
        hashes = {}
        for table, query in TABLES.items():
            if table not in present:
                hashes[table] = "absent"
                continue
            rows = con.sql(f"{query} ORDER BY ALL NULLS FIRST").fetchall()
            text = "\n".join(repr(row) for row in rows).replace(folder, "<dir>")
            hashes[table] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        return hashes
    finally:
        con.close()


def all_hashes() -> dict[str, dict[str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        cases = fixture_files() + made_files(Path(folder))
        return {name: {"format": fmt, **stored_hashes(path, fmt)} for name, path, fmt in cases}


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HASHES
    target.write_text(json.dumps(all_hashes(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {target}")
