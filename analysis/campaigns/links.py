"""Campaign fusion's link rules, found by name: ``link_<rule>.sql`` here and in every detector package."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path


def link_rules() -> dict[str, Path]:
    """Every link rule by name: each ``link_<rule>.sql`` of this package and of every detector package of the
    library (a detector that knows a reason to join its groups adds one beside its code).

    >>> {'shared_content', 'shared_handle', 'shared_target'} <= set(link_rules())
    True
    """
    import mobtrace.analysis

    folders = [Path(folder) for folder in mobtrace.analysis.__path__]
    return {path.stem.removeprefix("link_"): path for folder in folders for path in sorted(folder.glob("*/link_*.sql"))}


def chosen_rules(names: Sequence[str]) -> dict[str, Path]:
    """The rules a run applies: ``all`` of them, some by name, or none."""
    rules = link_rules()
    chosen = set(rules) if "all" in names else set(names)
    unknown = chosen - set(rules)
    if unknown:
        raise ValueError(f"unknown link rule(s) {sorted(unknown)}: use all, some of {sorted(rules)}, or none")
    return {name: rules[name] for name in sorted(chosen)}


def describe_rule(path: Path, parameters: dict[str, object]) -> str:
    """What a link rule joins, in plain words: its SQL file's header comment without the rule's name and the
    sentences about its implementation ("Reads ...", "One row ..."), with its ``$parameters`` filled in.

    >>> describe_rule(link_rules()["shared_handle"], {"min_handle_chars": 4})[:86]
    'a member of one group and a member of another, on different platforms, use the same ha'
    """
    header = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        header.append(line[2:].strip())
    text = re.sub(r"^Link rule \w+( \([^)]*\))?: ", "", " ".join(header))
    sentences = [s for s in re.split(r"(?<=[.;]) ", text) if not s.lower().startswith(("reads ", "one row"))]
    return re.sub(r"\$(\w+)", lambda match: str(parameters.get(match.group(1), match.group(0))), " ".join(sentences)).rstrip(";")
