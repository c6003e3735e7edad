"""What every asset module shares: Dagster config derived from a step's parameters, and the signal tag.

A step's parameters are a frozen dataclass in the library (``mobtrace.analysis.params``); its Dagster config
is derived here, so a default and its meaning are written once. An asset that writes ``account_signals``
rows carries ``signal_tags(name)``: campaign fusion depends on every asset with that tag, found by
discovery, so a new detector needs no edit outside its own files.
"""

from __future__ import annotations

import typing

import dagster as dg
import pydantic

from mobtrace.analysis.params import Params, describe
from mobtrace.analysis.provenance import record_parameters

SIGNAL_TAG = "mobtrace/signal"
_PARAMS_OF_CONFIG: dict[type, type[Params]] = {}


def signal_tags(signal: str) -> dict[str, str]:
    """Tags of an asset that writes the ``account_signals`` rows of ``signal``."""
    return {SIGNAL_TAG: signal}


def config_from(params: type[Params]) -> type[dg.Config]:
    """The Dagster config class of a step: one field per parameter, with its default and meaning.

    >>> from mobtrace.analysis.coordination.params import ClusterParams
    >>> ClusterConfig = config_from(ClusterParams)
    >>> ClusterConfig().seed, ClusterConfig.model_fields["seed"].description
    (42, 'Random state of the Louvain heuristic.')
    >>> params_of(ClusterConfig(seed=1)) == ClusterParams(seed=1)
    True
    """
    fields = {
        p.name: (_config_type(p.type), pydantic.Field(default=_config_value(p.default), description=p.help))
        for p in describe(params)
    }
    config = pydantic.create_model(params.__name__.removesuffix("Params") + "Config", __base__=dg.Config, **fields)
    _PARAMS_OF_CONFIG[config] = params
    return config


def params_class(config: type[dg.Config]) -> type[Params] | None:
    """The parameter dataclass a config class was derived from (None for a config written by hand)."""
    return _PARAMS_OF_CONFIG.get(config)


def params_of(config: dg.Config) -> Params:
    """The library's parameters from an asset's config."""
    return params_class(type(config)).from_record(config.model_dump())


def use_params(con, config: dg.Config) -> Params:
    """The step's parameters from its config, recorded in the ``parameters`` table for provenance."""
    params = params_of(config)
    record_parameters(con, params.step, params.as_record())
    return params


def _config_type(annotation: object) -> object:
    """Dagster config has lists, not tuples."""
    if typing.get_origin(annotation) is tuple:
        return list[typing.get_args(annotation)[0]]
    return annotation


def _config_value(default: object) -> object:
    return list(default) if isinstance(default, tuple) else default
