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

A ``check`` states the rule a value must follow; a value that breaks it (or a number that is not finite)
is refused where the dataclass is made, so the command line (exit 2), the Dagster config and library
callers get the same one-sentence error:

>>> @dataclass(frozen=True)
... class CheckedParams(Params):
...     step = "toy"
...     window_seconds: float = param(60, "Largest gap between two actions.", flag="--toy-window", check=at_least(0))
>>> CheckedParams(window_seconds=-5)
Traceback (most recent call last):
ValueError: --toy-window must be at least 0, not -5 (toy parameter window_seconds; default 60)
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.machinery
import importlib.util
import math
import os
import pkgutil
import sys
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar

# A parameter's rule: the requirement its value misses, in words ("at least 1"), or None when it meets it.
Check = Callable[[object], "str | None"]


def param(default: object, help: str, *, flag: str | None = None, check: Check | None = None) -> typing.Any:
    """A parameter field: its default, its one-line meaning and, optionally, its ``mobtrace run`` flag and
    the rule its value must follow (``at_least``, ``above``, ``between``, ``one_of``, ``optional``)."""
    return dataclasses.field(default=default, metadata={"help": help, "flag": flag, "check": check})


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def at_least(low: float) -> Check:
    return lambda value: None if _number(value) and value >= low else f"at least {low}"


def above(low: float) -> Check:
    return lambda value: None if _number(value) and value > low else f"above {low}"


def between(low: float, high: float) -> Check:
    return lambda value: None if _number(value) and low <= value <= high else f"between {low} and {high}"


def one_of(names: Iterable[str] | Callable[[], Iterable[str]], *, empty_ok: bool = False) -> Check:
    """A name, or for a tuple parameter one or more names (none when ``empty_ok``), from ``names`` (a callable
    is asked when checking, for lists known only at run time, such as the adapters or the behaviours)."""

    def check(value: object) -> str | None:
        allowed = list(names() if callable(names) else names)
        given = value if isinstance(value, tuple) else (value,)
        if (given or empty_ok) and all(isinstance(item, str) and item in allowed for item in given):
            return None
        if not isinstance(value, tuple):
            return "one of " + ", ".join(allowed)
        return ("none or some of " if empty_ok else "one or more of ") + ", ".join(allowed)

    return check


def optional(check: Check) -> Check:
    """``check``, or None (which switches the step's use of the parameter off)."""
    return lambda value: None if value is None else check(value)


@dataclass(frozen=True)
class Params:
    """Base of every step's parameters."""

    step: ClassVar[str]

    def as_record(self) -> dict[str, object]:
        """The parameters as recorded in the ``parameters`` table (tuples as lists, as JSON has them)."""
        return {name: list(value) if isinstance(value, tuple) else value for name, value in dataclasses.asdict(self).items()}

    def __post_init__(self) -> None:
        """Refuse a value that breaks its parameter's rule, or a number that is not finite, with one sentence
        naming the flag (or field), the rule, the value and the default."""
        for field in dataclasses.fields(self):
            value, check = getattr(self, field.name), field.metadata.get("check")
            if isinstance(value, float) and not math.isfinite(value):
                problem = "a finite number"
            else:
                problem = check(value) if check else None
            if problem is not None:
                shown = " ".join(map(str, value)) if isinstance(value, tuple) else repr(value)
                default = " ".join(map(str, field.default)) if isinstance(field.default, tuple) else field.default
                raise ValueError(f"{field.metadata.get('flag') or field.name} must be {problem}, not {shown} "
                                 f"({self.step} parameter {field.name}; default {default})")

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
        if package.ispkg:
            _import_params_module(package)
    return sorted(_subclasses(Params), key=lambda cls: (cls.__module__, cls.__name__))


def _import_params_module(package: pkgutil.ModuleInfo) -> None:
    """Import ``mobtrace.analysis.<package>.params``, if there is one, without running the package's
    ``__init__`` when it is not imported yet: a detector's package imports DuckDB, pandas or networkx, and
    ``mobtrace --help`` needs only the dataclasses (a params module imports the standard library and this
    module). The package, imported later, finds this same module in ``sys.modules``: one class per step
    (reached by import, ``from mobtrace.analysis.<package>.params import ...``, as the code does everywhere;
    the package gets no ``params`` attribute then, which a plain ``package.params`` would need)."""
    package_name = f"mobtrace.analysis.{package.name}"
    name = f"{package_name}.params"
    if name in sys.modules:
        return
    if package_name in sys.modules or not hasattr(package.module_finder, "path"):
        if importlib.util.find_spec(name):
            importlib.import_module(name)
        return
    spec = importlib.machinery.PathFinder.find_spec(name, [os.path.join(package.module_finder.path, package.name)])
    if spec is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    # a module dropped from sys.modules (a detector removed at run time) no longer counts
    return {sub for sub in found if sub.__module__.startswith("mobtrace.analysis.") and sub.__module__ in sys.modules}
