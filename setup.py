"""Install the project's top-level folders as one package, ``mobtrace``: ``analysis/`` becomes
``mobtrace.analysis`` and so on, so ``pip install`` adds exactly one top-level name (``data`` and
``assets`` would collide with other distributions). Everything else is in pyproject.toml."""

from setuptools import find_namespace_packages, setup

FOLDERS = ("analysis", "assets", "dashboards", "pipelines", "data")

setup(
    # every folder, code or not, so the SQL, templates and CSS beside the code ship (package-data in pyproject)
    packages=[
        f"mobtrace.{folder}{sub}" for folder in FOLDERS
        for sub in ("", *(f".{p}" for p in find_namespace_packages(folder, exclude=["*__pycache__*", "sample*"])))
    ],
    package_dir={f"mobtrace.{folder}": folder for folder in FOLDERS},
)
