"""Import rules, read from the source with ``ast``.

- Tests import the project only as ``mobtrace.*`` (never the folders' own names, never ``tests``): shared
  fixtures and helpers are conftest.py's fixtures, not imports from another test module.
- ``mobtrace.analysis`` is the library: it imports neither Dagster nor the layers built on it
  (``mobtrace.assets``, ``mobtrace.pipelines``, ``mobtrace.dashboards``).
- Ingest depends one way: ``core`` imports neither the adapter ``registry`` nor ``run``, which import it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
TESTS = Path(__file__).parent
ANALYSIS = ROOT / "analysis"
FOLDERS = ("analysis", "assets", "dashboards", "pipelines", "data", "tests")
ABOVE_ANALYSIS = ("mobtrace.assets", "mobtrace.pipelines", "mobtrace.dashboards")


def imported_modules(source: str, package: tuple[str, ...] = ()) -> list[tuple[int, str]]:
    """(line, module) of every import in ``source``, also inside functions; ``from x import y`` gives both
    x and x.y (y may be a submodule); a relative import is resolved against ``package`` (the folder's
    parts below the project root, e.g. ("analysis", "ingest"))."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ("mobtrace", *package[: len(package) - node.level + 1]) if node.level else ()
            module = ".".join((*base, *([node.module] if node.module else [])))
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def _imports(path: Path) -> list[tuple[int, str]]:
    return imported_modules(path.read_text(encoding="utf-8"), path.parent.relative_to(ROOT).parts)


def offences(paths, forbidden) -> list[str]:
    return [f"{path.relative_to(ROOT)}:{line} imports {module}"
            for path in paths for line, module in _imports(path) if forbidden(module)]


def _top(module: str) -> str:
    return module.split(".")[0]


def _within(module: str, prefixes) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def test_tests_import_the_project_only_as_mobtrace():
    """Nor a test module by its bare name: pytest puts tests/ on sys.path, so ``import conftest`` would work."""
    local = {*FOLDERS, "bench", *(path.stem for path in TESTS.glob("*.py"))}
    assert not offences(sorted(TESTS.glob("*.py")), lambda module: _top(module) in local)


def test_analysis_imports_no_dagster_and_no_layer_above_it():
    paths = sorted(ANALYSIS.rglob("*.py"))
    assert len(paths) > 20
    assert not offences(paths, lambda module: _top(module).startswith("dagster") or _within(module, ABOVE_ANALYSIS))


def test_ingest_core_imports_neither_the_registry_nor_the_runner():
    ingest = ("mobtrace.analysis.ingest.registry", "mobtrace.analysis.ingest.run")
    assert not offences([ANALYSIS / "ingest" / "core.py"], lambda module: _within(module, ingest))
    # and the other way round, which the one-way rule relies on
    assert "mobtrace.analysis.ingest.core" in {module for _, module in _imports(ANALYSIS / "ingest" / "registry.py")}


def test_importing_all_of_analysis_loads_no_dagster():
    """The same rule at run time: no module of mobtrace.analysis pulls Dagster in, even indirectly."""
    script = """
import importlib, pkgutil, sys
import mobtrace.analysis as analysis
for info in pkgutil.walk_packages(analysis.__path__, "mobtrace.analysis."):
    importlib.import_module(info.name)
print(*sorted(name for name in sys.modules
             if name.split(".")[0].startswith("dagster") or ".".join(name.split(".")[:2]) in %r))
""" % (ABOVE_ANALYSIS,)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == []


@pytest.mark.parametrize(("source", "expected"), [
    ("import analysis.ingest", ["analysis.ingest"]),
    ("from tests.conftest import repost", ["tests.conftest", "tests.conftest.repost"]),
    ("def f():\n    from mobtrace.analysis.ingest.registry import ADAPTERS",
     ["mobtrace.analysis.ingest.registry", "mobtrace.analysis.ingest.registry.ADAPTERS"]),
    ("from .registry import ADAPTERS", ["mobtrace.analysis.ingest.registry", "mobtrace.analysis.ingest.registry.ADAPTERS"]),
    ("from ...assets import kit", ["mobtrace.assets", "mobtrace.assets.kit"]),
])
def test_imports_are_found_also_inside_functions_and_relative(source, expected):
    assert [module for _, module in imported_modules(source, ("analysis", "ingest"))] == expected
