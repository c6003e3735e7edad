"""Ingest's parameters: which files, read with which adapter."""

from __future__ import annotations

from dataclasses import dataclass

from mobtrace.analysis.params import Params, one_of, param


@dataclass(frozen=True)
class IngestParams(Params):
    step = "ingest"

    paths: tuple[str, ...] = param((), "Export files to ingest (empty: the bundled sample).")
    format: str = param("auto", "Adapter name, or auto to recognise each file by its content.", flag="--format",
                        check=one_of(lambda: _formats()))


def _formats() -> list[str]:
    from mobtrace.analysis.ingest.registry import ADAPTERS

    return ["auto", *ADAPTERS]
