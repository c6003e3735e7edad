"""Campaign assets: the detectors' signals fused into campaigns, and the accounts they flag."""


import dagster as dg
from dagster_duckdb import DuckDBResource
from pydantic import Field

from mobtrace.analysis.campaigns import fuse_campaigns
from mobtrace.analysis.ingest.core import prepare
from mobtrace.analysis.provenance import record_parameters
from mobtrace.assets.metadata import table_metadata


class CampaignConfig(dg.Config):
    min_target_share: float = Field(default=0.3, description="Share of members that must have acted on an account for it to be a target.")
    max_targets: int = Field(default=5, description="Most targets listed per campaign.")
    link_rules: list[str] = Field(
        default=["shared_target", "shared_content", "shared_handle"],
        description="Rules that join signal groups into one campaign besides shared accounts (empty list: off). See analysis/campaigns.",
    )
    min_shared_content: int = Field(default=2, description="shared_content: fewest identical texts/links two groups must share.")
    min_text_chars: int = Field(default=20, description="shared_content: shortest normalised text that counts.")
    min_handle_chars: int = Field(default=4, description="shared_target / shared_handle: shortest handle matched across platforms.")


@dg.multi_asset(
    specs=[
        dg.AssetSpec("campaigns", deps=["account_clusters", "accounts"], description="One row per campaign: accounts, targets, time span, signals, score."),
        dg.AssetSpec("flagged_accounts", deps=["account_clusters", "accounts"], description="One row per flagged account with its signals, score and evidence sentence."),
    ],
    name="campaign_fusion",
    description="Fuse every detector's signal groups that share accounts into campaigns.",
)
def campaign_fusion(context: dg.AssetExecutionContext, config: CampaignConfig, duckdb: DuckDBResource):
    with duckdb.get_connection() as con:
        prepare(con)
        record_parameters(con, "campaigns", config.model_dump())
        found = fuse_campaigns(
            con, min_target_share=config.min_target_share, max_targets=config.max_targets, link_rules=tuple(config.link_rules),
            min_shared_content=config.min_shared_content, min_text_chars=config.min_text_chars, min_handle_chars=config.min_handle_chars,
        )
        context.log.info(f"{found} campaigns")
        yield dg.MaterializeResult(asset_key="campaigns", metadata=table_metadata(con, "campaigns"))
        yield dg.MaterializeResult(asset_key="flagged_accounts", metadata=table_metadata(con, "flagged_accounts"))


@dg.asset_check(asset="flagged_accounts", blocking=True, description="Every flagged account has a score in [0, 1] and an evidence sentence.")
def flags_have_evidence(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        bad = con.sql(
            "SELECT count(*) FROM flagged_accounts WHERE score IS NULL OR score < 0 OR score > 1 "
            "OR evidence IS NULL OR length(trim(evidence)) = 0 OR signals IS NULL OR campaign_id IS NULL"
        ).fetchall()[0][0]
    return dg.AssetCheckResult(passed=bad == 0, metadata={"flags_without_evidence": bad})
