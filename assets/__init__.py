"""Thin Dagster assets over the analysis library; each names the table or file it produces.

Assets and checks are discovered: every module of this package is loaded, so a detector's
``assets/<detector>.py`` joins the graph with no other edit. Campaign fusion is built last, depending on
every asset tagged as a signal (``kit.signal_tags``).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where assets are loaded: the command line imports mobtrace.assets.locations cheaply
    import dagster as dg


def asset_modules() -> list[ModuleType]:
    """Every module of this package, imported (read at call time: a module added to ``__path__`` counts)."""
    return [importlib.import_module(f"{__name__}.{info.name}") for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)]


def signal_assets(assets: list[dg.AssetsDefinition]) -> list[dg.AssetKey]:
    """The keys of the assets that write ``account_signals`` rows."""
    from mobtrace.assets.kit import SIGNAL_TAG

    return sorted(
        {key for asset in assets for key in asset.keys if SIGNAL_TAG in asset.specs_by_key[key].tags},
        key=lambda key: key.to_user_string(),
    )


def discover() -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """Every asset and asset check of the package, campaign fusion included."""
    import dagster as dg

    from mobtrace.assets.campaigns import campaign_fusion_asset

    modules = asset_modules()
    assets = list(dg.load_assets_from_modules(modules))
    checks = list(dg.load_asset_checks_from_modules(modules))
    return [*assets, campaign_fusion_asset(signal_assets(assets))], checks
