"""The ingest contract of issue #19: what ingest stores for every fixture file (and for a few hand-made
damaged CSVs, plain and gzipped) hashes the same as with the code before the readers moved to DuckDB.

The reference hashes in tests/fixtures/ingest_hashes.json were written by tests/ingest_hashes.py run
with the baseline install; this test recomputes them with the tree under test, table by table.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location("ingest_hashes", Path(__file__).parent / "ingest_hashes.py")
ingest_hashes = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(ingest_hashes)

EXPECTED = json.loads(ingest_hashes.HASHES.read_text())


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("made")
    return {name: (path, fmt) for name, path, fmt in ingest_hashes.fixture_files() + ingest_hashes.made_files(folder)}


def test_every_fixture_has_a_recorded_hash(cases):
    assert sorted(cases) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_stored_rows_hash_as_before(cases, name):
    path, fmt = cases[name]
    expected = EXPECTED[name]
    assert fmt == expected["format"]
    got = ingest_hashes.stored_hashes(path, fmt)
    assert {table: got[table] for table in ingest_hashes.TABLES} == {table: expected[table] for table in ingest_hashes.TABLES}
