"""Campaign fusion's parameters (see the package docstring for what each rule does)."""

from __future__ import annotations

from dataclasses import dataclass

from mobtrace.analysis.params import Params, param


@dataclass(frozen=True)
class FusionParams(Params):
    step = "campaigns"

    min_target_share: float = param(0.3, "Share of members that must have acted on an account for it to be a target.")
    max_targets: int = param(5, "Most targets listed per campaign.")
    link_rules: tuple[str, ...] = param(
        ("shared_target", "shared_content", "shared_handle"),
        "Rules that join signal groups into one campaign besides shared accounts (empty list: off). See analysis/campaigns.",
    )
    min_shared_content: int = param(2, "shared_content: fewest identical texts/links two groups must share.")
    min_text_chars: int = param(20, "shared_content: shortest normalised text that counts.")
    min_handle_chars: int = param(4, "shared_target / shared_handle: shortest handle matched across platforms.")
