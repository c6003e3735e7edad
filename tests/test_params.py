"""Parameters are defined once, in the library's dataclasses: the Dagster config and the CLI derive from them."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from mobtrace.analysis.coordination import build_account_clusters, build_coaction_edges
from mobtrace.analysis.coordination.params import ClusterParams, CoactionParams
from mobtrace.analysis.params import all_params, describe
from mobtrace.assets import discover
from mobtrace.assets.kit import params_class, params_of
from mobtrace.dashboards.transparency import TransparencyParams
from mobtrace.pipelines.cli import COMPAT_PARAMS, _parser, step_params

KINDS = all_params()


def _configs() -> dict[str, type]:
    assets, _ = discover()
    return {asset.op.name: typing.get_type_hints(asset.op.compute_fn.decorated_fn).get("config") for asset in assets}


def test_every_step_of_the_library_is_found():
    assert {kind.step for kind in KINDS} >= {"ingest", "coaction_edges", "account_clusters", "campaigns", "compat_cnt", "compat_coortweet"}


def test_dagster_config_defaults_are_the_dataclass_defaults():
    configs = {op: config for op, config in _configs().items() if config is not None}
    assert all(params_class(config) for config in configs.values()), "every asset's config is derived from its dataclass"
    used = {params_class(config) for config in configs.values()}
    assert used >= set(KINDS) - set(COMPAT_PARAMS.values()) and TransparencyParams in used
    for op, config in configs.items():
        assert params_of(config()) == params_class(config)(), op
        for parameter in describe(params_class(config)):
            assert config.model_fields[parameter.name].description == parameter.help


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.step)
def test_cli_defaults_are_the_dataclass_defaults(kind):
    args = _parser().parse_args(["run", "input.csv"])
    assert step_params(args, kind) == kind()


def _other_value(kind, parameter) -> object:
    """A valid value of the parameter other than its default."""
    default = parameter.default
    candidates = {
        int: [default + 1, default - 1] if isinstance(default, int) else [],
        float: [default / 2, default + 1] if isinstance(default, (int, float)) else [],
        str: ["generic", "cnt"],
    }.get(parameter.type, [default[:1], default[::-1]] if isinstance(default, tuple) else [])
    for value in candidates:
        try:
            kind(**{parameter.name: value})
        except ValueError:
            continue
        if value != default:
            return value
    raise AssertionError(f"no other valid value found for {parameter.name}")


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.step)
def test_each_flag_sets_its_parameter_and_its_help_names_the_default(kind):
    run_help = " ".join(_parser()._subparsers._group_actions[0].choices["run"].format_help().split())
    for parameter in describe(kind):
        if not parameter.flag or parameter.type is bool:  # booleans: test_a_boolean_parameter_is_a_pair_of_flags
            continue
        value = _other_value(kind, parameter)
        words = [str(item) for item in value] if isinstance(value, tuple) else [str(value)]
        args = _parser().parse_args(["run", "input.csv", parameter.flag, *words])
        assert getattr(step_params(args, kind), parameter.name) == value
        shown = " ".join(map(str, parameter.default)) if isinstance(parameter.default, tuple) else str(parameter.default)
        assert parameter.flag in run_help and shown in run_help


def test_transparency_k_flag_is_derived():
    args = _parser().parse_args(["transparency"])
    assert step_params(args, TransparencyParams) == TransparencyParams()
    assert step_params(_parser().parse_args(["transparency", "--k", "5"]), TransparencyParams).k == 5


def test_one_flag_shared_by_two_steps_sets_both():
    args = _parser().parse_args(["run", "input.csv", "--window", "30"])
    assert step_params(args, CoactionParams).window_seconds == 30
    assert step_params(args, COMPAT_PARAMS["cnt"]).time_window == 30


def test_compat_cnt_minimum_weight_is_the_toolkits_own_default():
    args = _parser().parse_args(["run", "input.csv", "--compat", "cnt"])
    assert step_params(args, COMPAT_PARAMS["cnt"]).min_edge_weight == 2  # coordination-network-toolkit's --min_edge_weight


def test_parameters_are_frozen_and_recorded_as_json_values():
    params = CoactionParams(behaviours=("co_repost", "co_link"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.min_weight = 1
    assert params.as_record()["behaviours"] == ["co_repost", "co_link"]
    assert CoactionParams.from_record(params.as_record()) == params


def _ring(con, gaps: list[float]):
    """Three accounts reposting four posts; the n-th repost of each post ``gaps[n]`` seconds after the first."""
    rows = [
        (f"r{p}{a}", f"acct{a}", f"2025-01-01 {p:02d}:00:00", f"post{p}", seconds)
        for p in range(4) for a, seconds in enumerate(gaps)
    ]
    for event_id, account, hour, post, seconds in rows:
        con.execute(
            "INSERT INTO interactions (platform, event_id, account_id, action, ts, target_post_id, source_file, source_line) "
            "VALUES ('x', ?, ?, 'repost', CAST(? AS TIMESTAMP) + to_microseconds(CAST(? * 1e6 AS BIGINT)), ?, 'f', 1)",
            [event_id, account, hour, seconds, post],
        )


def test_a_fixed_window_is_quoted_as_such(con):
    _ring(con, [0, 10, 20])
    build_coaction_edges(con, CoactionParams(behaviours=("co_repost",), alpha=None, window_seconds=45))
    build_account_clusters(con, ClusterParams())
    evidence = [e for (e,) in con.sql("SELECT evidence FROM account_signals ORDER BY account_id").fetchall()]
    assert len(evidence) == 3 and all("came within 45 s of the same action" in e for e in evidence)


def test_automatic_windows_are_quoted_as_the_windows_used_not_the_default(con):
    # Each post has 12 reposts over 110 s: the 10% quantile of the 11 gaps after the first (10 to 110 s) is 20 s, inside [5, 300].
    _ring(con, [0, 10, 20, *range(30, 120, 10)])
    build_coaction_edges(con, CoactionParams(behaviours=("co_repost",), alpha=None, auto_window=True))
    build_account_clusters(con, ClusterParams())
    (used,) = con.sql("SELECT auto, objects, min_window_s, max_window_s FROM coaction_windows_used").fetchall()
    assert used == (True, 4, 20.0, 20.0)
    evidence = [e for (e,) in con.sql("SELECT evidence FROM account_signals ORDER BY account_id").fetchall()]
    assert evidence and all("within 20 s of the same action" in e and "60 s" not in e for e in evidence)


def test_a_boolean_parameter_is_a_pair_of_flags():
    assert step_params(_parser().parse_args(["run", "input.csv", "--no-null-model"]), CoactionParams).null_model is False
    assert step_params(_parser().parse_args(["run", "input.csv", "--null-model"]), CoactionParams).null_model is True
    assert step_params(_parser().parse_args(["run", "input.csv"]), CoactionParams).null_model is True
