"""Campaign fusion's parameters (see the package docstring for what each rule does)."""

from __future__ import annotations

from dataclasses import dataclass

from mobtrace.analysis.params import Params, at_least, between, one_of, param


def _link_rules() -> list[str]:
    from mobtrace.analysis.campaigns.links import link_rules

    return ["all", *link_rules()]


@dataclass(frozen=True)
class FusionParams(Params):
    step = "campaigns"

    min_target_share: float = param(0.3, "Share of members that must have acted on an account for it to be a target.",
                                    check=between(0, 1))
    min_target_lift: float = param(
        5.0, "shared_target joins groups only through a target their members engage at least this many times as often as unflagged accounts do.",
        check=at_least(0),
    )
    max_targets: int = param(5, "Most targets listed per campaign.", check=at_least(0))
    link_rules: tuple[str, ...] = param(
        ("all",),
        "Rules that join signal groups into one campaign besides shared accounts: all (every link_<rule>.sql found), some by name, or an empty list (off).",
        check=one_of(_link_rules, empty_ok=True),
    )
    min_shared_content: int = param(2, "shared_content: fewest identical texts/links two groups must share.", check=at_least(1))
    min_text_chars: int = param(20, "shared_content: shortest normalised text that counts.", check=at_least(1))
    min_handle_chars: int = param(4, "shared_target / shared_handle: shortest handle matched across platforms.", check=at_least(1))
