"""The bundled sample is exactly what the generator makes for the demo's seed and scale."""

from __future__ import annotations

import hashlib

from mobtrace.data.generator import generate
from mobtrace.pipelines.cli import DEMO_SCALE, DEMO_SEED
from mobtrace.assets.resources import SAMPLE_DIR


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bundled_sample_is_reproducible(tmp_path):
    generate(seed=DEMO_SEED, scale=DEMO_SCALE, out_dir=tmp_path, fmt="csv")
    for name in ("interactions.csv", "accounts.csv", "ground_truth.csv"):
        assert _sha256(tmp_path / name) == _sha256(SAMPLE_DIR / name), f"data/sample/{name} is stale: run mobtrace generate"
