"""Parameters defined once: each pipeline step's parameters are one frozen dataclass in the library.

A step's dataclass subclasses ``Params`` and declares every parameter with ``param(default, help)``: the
default and a one-line meaning, written nowhere else. The Dagster config of the step
(``mobtrace.assets.kit.config_from``) and the command-line flags (``mobtrace.pipelines.cli``) are derived
from it; a parameter given a ``flag`` appears on ``mobtrace run``. ``step`` names the step in the
``parameters`` table that every output quotes.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class ToyParams(Params):
...     step = "toy"
...     window_seconds: float = param(60, "Largest gap between two actions.", flag="--toy-window")
>>> [(p.name, p.default, p.flag) for p in describe(ToyParams)]
[('window_seconds', 60, '--toy-window')]
>>> ToyParams().as_record()
{'window_seconds': 60}
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import pkgutil
import sys
import typing
from dataclasses import dataclass
from typing import ClassVar


def param(default: object, help: str, *, flag: str | None = None) -> typing.Any:
    """A parameter field: its default, its one-line meaning and, optionally, its ``mobtrace run`` flag."""
    return dataclasses.field(default=default, metadata={"help": help, "flag": flag})


@dataclass(frozen=True)
class Params:
    """Base of every step's parameters."""

    step: ClassVar[str]

    def as_record(self) -> dict[str, object]:
        """The parameters as recorded in the ``parameters`` table (tuples as lists, as JSON has them)."""
        return {name: list(value) if isinstance(value, tuple) else value for name, value in dataclasses.asdict(self).items()}

    @classmethod
    def from_record(cls, values: dict[str, object]):
        """The dataclass from recorded or configured values (lists back to tuples)."""
        return cls(**{name: tuple(value) if isinstance(value, list) else value for name, value in values.items()})


@dataclass(frozen=True)
class Parameter:
    name: str
    type: object
    default: object
    help: str
    flag: str | None


def describe(params: type[Params]) -> list[Parameter]:
    """Each parameter of a step: name, type, default, meaning and flag."""
    hints = typing.get_type_hints(params)
    return [
        Parameter(field.name, hints[field.name], field.default, field.metadata["help"], field.metadata["flag"])
        for field in dataclasses.fields(params)
    ]


def all_params() -> list[type[Params]]:
    """Every step's parameter class: those of each library package's ``params`` module, found by discovery
    (a new detector's ``analysis/<detector>/params.py`` is picked up with no other edit)."""
    import mobtrace.analysis

    for package in pkgutil.iter_modules(mobtrace.analysis.__path__):
        if package.ispkg and importlib.util.find_spec(f"mobtrace.analysis.{package.name}.params"):
            importlib.import_module(f"mobtrace.analysis.{package.name}.params")
    return sorted(_subclasses(Params), key=lambda cls: (cls.__module__, cls.__name__))


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    # a module dropped from sys.modules (a detector removed at run time) no longer counts
    return {sub for sub in found if sub.__module__.startswith("mobtrace.") and sub.__module__ in sys.modules}
