"""The Dagster code location: every asset, its checks, the main job and the resources.

``dagster dev -w workspace.yaml`` loads this module. Steps run in one process because DuckDB allows
a single writer.
"""

from __future__ import annotations

import dagster as dg

from mobtrace.assets import discover
from mobtrace.assets.resources import DEFAULT_DATABASE, DEFAULT_REPORTS, resources
from mobtrace.pipelines.sensors import inbox_sensor


def mobtrace_job() -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        "mobtrace",
        selection=dg.AssetSelection.all(),
        description="Ingest the exports, build the co-action graph, find campaigns, write the report.",
        executor_def=dg.in_process_executor,
    )


def definitions(database=DEFAULT_DATABASE, reports=DEFAULT_REPORTS, execution=None, **extra) -> dg.Definitions:
    """Every discovered asset and check with the main job, on one database and reports folder (and the engine
    of ``execution``, an ``EngineSettings``; by default DuckDB)."""
    assets, checks = discover()
    settings = {} if execution is None else {"execution": execution}
    return dg.Definitions(
        assets=assets, asset_checks=checks, jobs=[mobtrace_job()], resources=resources(database, reports, **settings),
        executor=dg.in_process_executor, **extra,
    )


defs = definitions(sensors=[inbox_sensor])
