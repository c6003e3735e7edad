"""The distribution installs one top-level package, ``mobtrace``, with every file the code reads beside it."""

from __future__ import annotations

import runpy
from pathlib import Path

import setuptools

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("*.py", "*.sql", "*.html", "*.css", "*.js")


def _setup_arguments(monkeypatch) -> dict:
    captured: dict = {}
    monkeypatch.setattr(setuptools, "setup", lambda **arguments: captured.update(arguments))
    runpy.run_path(str(ROOT / "setup.py"))
    return captured


def test_one_top_level_package(monkeypatch):
    packages = _setup_arguments(monkeypatch)["packages"]
    assert {name.split(".")[0] for name in packages} == {"mobtrace"}
    assert {"mobtrace.analysis", "mobtrace.assets", "mobtrace.dashboards", "mobtrace.pipelines", "mobtrace.data"} <= set(packages)


def test_every_folder_with_code_sql_or_templates_is_shipped(monkeypatch):
    arguments = _setup_arguments(monkeypatch)
    shipped = set()
    for package in arguments["packages"]:
        top = ".".join(package.split(".")[:2])
        shipped.add(ROOT / arguments["package_dir"][top] / Path(*package.split(".")[2:]))
    needed = {
        path.parent for folder in ("analysis", "assets", "dashboards", "pipelines", "data") for pattern in SHIPPED
        for path in (ROOT / folder).rglob(pattern) if "__pycache__" not in path.parts
    }
    assert needed - shipped == set()
    assert ROOT / "analysis" / "coordination" / "behaviours" in shipped and ROOT / "dashboards" / "templates" in shipped
