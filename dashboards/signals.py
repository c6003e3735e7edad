"""Per-signal parts of the report and outputs, found by discovery and keyed by the ``account_signals.signal`` name.

A detector named D plugs in with one module, ``dashboards/D.py``, that defines ``SIGNAL_REPORT``, and
optionally its template ``dashboards/templates/D.html``; nothing else in ``dashboards`` names it:

    SIGNAL_REPORT = SignalReport("burst", "Pile-on bursts", methods=burst_methods, section=burst_section)

- ``methods(con, parameters) -> str``: a plain-language text (its definition and the parameters it ran
  with, ``parameters`` being the recorded parameters by step) for the report's methods;
- ``section(con, campaign_id, figures) -> str``: its part of the report in every campaign in which the
  signal fired (figures added to ``figures``, a ``dashboards.html.Figures``);
- ``evidence(con, campaign_id) -> rows``: the ``(platform, account_id, event_platform, event_id, cited_for)``
  of the posts behind its flags in a campaign, for the evidence package;
- ``outputs(con, out_dir) -> {name: path}``: the machine-readable files it writes beside the report.

``methods`` and ``section`` return HTML rendered from the templates (``dashboards.html.render_macro``),
so every data value is escaped. Signals without a ``SIGNAL_REPORT`` still appear everywhere through their
``account_signals`` rows (counts, account table, evidence sentences), with a note that their detector has
no report section yet.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

import mobtrace.dashboards
from mobtrace.dashboards.html import Figures

Connection = duckdb.DuckDBPyConnection
EvidenceRow = tuple[str, str, str, str, str]  # platform, account_id, event_platform, event_id, cited_for


@dataclass(frozen=True)
class SignalReport:
    signal: str
    title: str
    methods: Callable[[Connection, dict[str, dict[str, object]]], str]
    section: Callable[[Connection, str, Figures], str] | None = None
    evidence: Callable[[Connection, str], list[EvidenceRow]] | None = None
    outputs: Callable[[Connection, Path], dict[str, Path]] | None = None
    package_files: Callable[[Connection, str], dict[str, bytes]] | None = None  # extra files of a campaign's evidence package
    package_readme: str = ""  # their lines in the package's README.txt


def signal_reports() -> dict[str, SignalReport]:
    """The ``SIGNAL_REPORT`` of every module of ``mobtrace.dashboards``, by signal name.

    Looked up on every call rather than once at import, so a module added to the package's path
    later is found too. Sub-packages (``templates``, ``static``) hold data, not detectors."""
    found: dict[str, SignalReport] = {}
    for info in pkgutil.iter_modules(mobtrace.dashboards.__path__, "mobtrace.dashboards."):
        if info.ispkg:
            continue
        report = getattr(importlib.import_module(info.name), "SIGNAL_REPORT", None)
        if not isinstance(report, SignalReport):
            continue
        if report.signal in found:
            raise ValueError(f"two report modules claim the signal {report.signal!r}: keep one SIGNAL_REPORT per signal")
        found[report.signal] = report
    return dict(sorted(found.items()))
