"""Campaign assets: the detectors' signals fused into campaigns, and the accounts they flag.

``campaign_fusion`` depends on every asset tagged as a signal (``kit.signal_tags``); the tagged assets are only
known once every asset module is loaded, so the asset is built by ``campaign_fusion_asset`` at discovery
(``mobtrace.assets.definitions``).
"""

from collections.abc import Sequence

import dagster as dg
from dagster_duckdb import DuckDBResource

from mobtrace.analysis.campaigns import fuse_campaigns
from mobtrace.analysis.campaigns.params import FusionParams
from mobtrace.analysis.ingest.core import prepare
from mobtrace.assets.kit import config_from, use_params
from mobtrace.assets.metadata import row_count, table_metadata

CampaignConfig = config_from(FusionParams)


def campaign_fusion_asset(signal_assets: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    """``campaigns`` and ``flagged_accounts``, fused from the ``account_signals`` rows of ``signal_assets``."""
    deps = [*signal_assets, "accounts"]

    @dg.multi_asset(
        specs=[
            dg.AssetSpec("campaigns", deps=deps, description="One row per campaign: accounts, targets, time span, signals, score."),
            dg.AssetSpec("flagged_accounts", deps=deps, description="One row per flagged account with its signals, score and evidence sentence."),
        ],
        name="campaign_fusion",
        description="Fuse every detector's signal groups that share accounts into campaigns.",
    )
    def campaign_fusion(context: dg.AssetExecutionContext, config: CampaignConfig, duckdb: DuckDBResource):
        with duckdb.get_connection() as con:
            prepare(con)
            params = use_params(con, config)
            found = fuse_campaigns(
                con, min_target_share=params.min_target_share, min_target_lift=params.min_target_lift,
                max_targets=params.max_targets, link_rules=params.link_rules,
                min_shared_content=params.min_shared_content, min_text_chars=params.min_text_chars,
                min_handle_chars=params.min_handle_chars,
            )
            context.log.info(f"{found} campaigns")
            yield dg.MaterializeResult(asset_key="campaigns", metadata=table_metadata(con, "campaigns"))
            yield dg.MaterializeResult(asset_key="flagged_accounts", metadata=table_metadata(con, "flagged_accounts"))

    return campaign_fusion


@dg.asset_check(asset="flagged_accounts", blocking=True, description="Every flagged account has a score in [0, 1] and an evidence sentence.")
def flags_have_evidence(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        bad = row_count(
            con,
            "flagged_accounts WHERE score IS NULL OR score < 0 OR score > 1 "
            "OR evidence IS NULL OR length(trim(evidence)) = 0 OR signals IS NULL OR campaign_id IS NULL",
        )
    return dg.AssetCheckResult(passed=bad == 0, metadata={"flags_without_evidence": bad})
