"""The examples in every module's docstrings run and give what they show (all of ``mobtrace``)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ("analysis", "assets", "dashboards", "pipelines", "data")


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        top = importlib.import_module(f"mobtrace.{package}")
        names += [top.__name__, *(info.name for info in pkgutil.walk_packages(top.__path__, f"{top.__name__}."))]
    return sorted(names)


MODULES = _modules()


def test_subpackages_are_walked():
    assert {"mobtrace.analysis.coordination.coaction", "mobtrace.dashboards.html", "mobtrace.data.generator"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
