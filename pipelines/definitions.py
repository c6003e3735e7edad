"""The Dagster code location: every asset, its checks, the main job and the resources.

``dagster dev -w workspace.yaml`` loads this module. Steps run in one process because DuckDB allows
a single writer.
"""

from __future__ import annotations

import dagster as dg

from mobtrace.assets import ALL_ASSETS, ALL_CHECKS
from mobtrace.pipelines.resources import resources
from mobtrace.pipelines.sensors import inbox_sensor

mobtrace_job = dg.define_asset_job(
    "mobtrace",
    selection=dg.AssetSelection.all(),
    description="Ingest the exports, build the co-action graph, find campaigns, write the report.",
    executor_def=dg.in_process_executor,
)

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_CHECKS,
    jobs=[mobtrace_job],
    sensors=[inbox_sensor],
    resources=resources(),
    executor=dg.in_process_executor,
)
