"""The ``mobtrace`` command line.

    mobtrace run INPUT... [--format auto|generic|...] [--out DIR] [--db PATH] [--window SECONDS]
    mobtrace demo                      # run on the bundled sample data
    mobtrace generate --seed S --scale N [--out DIR] [--file-format csv|parquet]

``run`` ingests and materialises every asset in-process (the same Dagster job ``dagster dev`` shows)
and writes report.html, flagged_accounts.csv, campaigns.json, coaction_edges.csv and coaction.graphml.
"""

from __future__ import annotations

import argparse
import sys
import typing
from pathlib import Path

from mobtrace.analysis.compat.params import CntParams, CoortweetParams
from mobtrace.analysis.ingest.params import IngestParams
from mobtrace.analysis.params import Parameter, Params, all_params, describe
from mobtrace.assets.resources import DEFAULT_DATABASE, DEFAULT_REPORTS, SAMPLE_DIR, sample_inputs
from mobtrace.dashboards.transparency import TransparencyParams

COMPAT_PARAMS: dict[str, type[Params]] = {"cnt": CntParams, "coortweet": CoortweetParams}

DEMO_SEED = 7
DEMO_SCALE = 20_000


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.command(args)
    except (FileNotFoundError, ValueError) as error:
        print(f"mobtrace: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mobtrace", description="Find coordinated harassment campaigns in exported social-media data.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="ingest export files and write the report")
    run.add_argument("inputs", nargs="+", metavar="INPUT", help="export files (several platforms may be mixed)")
    _add_run_options(run, default_db=None)
    run.add_argument("--compat", choices=sorted(COMPAT_PARAMS),
                     help="reproduce coordination-network-toolkit 1.5.2 or CooRTweet 2.1.3 exactly: write only the peer tool's coaction_edges.csv")
    run.set_defaults(command=_run)

    demo = commands.add_parser("demo", help="run on the bundled sample data set")
    _add_run_options(demo, default_db=DEFAULT_DATABASE)
    demo.set_defaults(command=_demo, inputs=None)

    generate = commands.add_parser("generate", help="write a synthetic data set with planted campaigns")
    generate.add_argument("--seed", type=int, default=DEMO_SEED)
    generate.add_argument("--scale", type=int, default=DEMO_SCALE, help="about how many interactions")
    generate.add_argument("--out", default=str(SAMPLE_DIR), help="output folder (default: %(default)s)")
    generate.add_argument("--file-format", choices=["csv", "parquet"], default="csv")
    generate.set_defaults(command=_generate)

    evidence = commands.add_parser("evidence", help="write one campaign's evidence package (folder and zip)")
    evidence.add_argument("campaign_id", metavar="CAMPAIGN_ID", help="campaign id as in the report, e.g. C001")
    evidence.add_argument("--db", default=DEFAULT_DATABASE, help="DuckDB file of a run (default: %(default)s)")
    evidence.add_argument("--out", default=str(Path(DEFAULT_REPORTS) / "evidence"), help="output folder (default: %(default)s)")
    evidence.set_defaults(command=_evidence)

    transparency = commands.add_parser("transparency", help="write the publishable aggregate tables (needs MOBTRACE_PSEUDONYM_KEY)")
    transparency.add_argument("--db", default=DEFAULT_DATABASE, help="DuckDB file of a run (default: %(default)s)")
    transparency.add_argument("--out", default=str(Path(DEFAULT_REPORTS) / "transparency"), help="output folder (default: %(default)s)")
    _add_step_flags(transparency, [TransparencyParams])
    transparency.set_defaults(command=_transparency)
    return parser


def _add_run_options(parser: argparse.ArgumentParser, default_db: str | None) -> None:
    parser.add_argument("--out", default=DEFAULT_REPORTS, help="output folder (default: %(default)s)")
    parser.add_argument("--db", default=default_db, help="DuckDB file (default: OUT/mobtrace.duckdb)" if default_db is None else "DuckDB file (default: %(default)s)")
    takes_inputs = "inputs" in {action.dest for action in parser._actions}
    kinds = [kind for kind in all_params() if takes_inputs or kind is not IngestParams]
    _add_step_flags(parser, sorted(kinds, key=lambda kind: kind in COMPAT_PARAMS.values()))  # compat modes' help last


def _add_step_flags(parser: argparse.ArgumentParser, kinds: list[type[Params]]) -> None:
    """One flag per step parameter that declares one (``param(..., flag=...)``), its help and default taken from
    the step's dataclass. A flag several steps share (``--window``) is added once and sets each of them."""
    uses: dict[str, list[tuple[type[Params], Parameter]]] = {}
    for kind in kinds:
        for parameter in describe(kind):
            if parameter.flag:
                uses.setdefault(parameter.flag, []).append((kind, parameter))
    for flag, steps in uses.items():
        parameter = steps[0][1]
        is_list = typing.get_origin(parameter.type) is tuple
        value_type = typing.get_args(parameter.type)[0] if is_list else parameter.type
        shown = {kind.step: _shown(p.default) for kind, p in steps}
        defaults = next(iter(shown.values())) if len(set(shown.values())) == 1 else ", ".join(f"{v} for {k}" for k, v in shown.items())
        parser.add_argument(flag, dest=_dest(flag), metavar=flag.lstrip("-").replace("-", "_").upper(), type=value_type, nargs="+" if is_list else None,
                            default=None, help=f"{parameter.help.rstrip('.')} (default: {defaults})")


def _dest(flag: str) -> str:
    return "step_" + flag.lstrip("-").replace("-", "_")


def _shown(default: object) -> str:
    return " ".join(map(str, default)) if isinstance(default, tuple) else str(default)


def step_params(args: argparse.Namespace, kind: type[Params]) -> Params:
    """A step's parameters: its defaults, with the flags given on the command line."""
    given = {p.name: getattr(args, _dest(p.flag)) for p in describe(kind) if p.flag and getattr(args, _dest(p.flag), None) is not None}
    return kind.from_record(given)


def _run(args: argparse.Namespace) -> int:
    from mobtrace.pipelines.run import RunOptions, run_pipeline

    missing = [path for path in args.inputs if not Path(path).is_file()]
    if missing:
        raise FileNotFoundError(f"input file {missing[0]} does not exist: check the path")
    database = Path(args.db) if args.db else Path(args.out) / "mobtrace.duckdb"
    if getattr(args, "compat", None):
        return _run_compat(args, database)
    ingest = step_params(args, IngestParams)
    _check_format(ingest.format)
    options = RunOptions(
        inputs=[str(path) for path in args.inputs], out_dir=Path(args.out), database=database,
        params=[step_params(args, kind) for kind in all_params() if kind not in COMPAT_PARAMS.values()],
    )
    return run_pipeline(options)


def _check_format(name: str) -> None:
    from mobtrace.analysis.ingest.registry import ADAPTERS

    if name not in ("auto", *ADAPTERS):
        raise ValueError(f"unknown format {name!r}: use auto or one of {', '.join(ADAPTERS)}")


def _run_compat(args: argparse.Namespace, database: Path) -> int:
    from mobtrace.pipelines.compat import CompatOptions, run_compat

    ingest = step_params(args, IngestParams)
    _check_format(ingest.format)
    return run_compat(CompatOptions(
        mode=args.compat, inputs=[str(path) for path in args.inputs], out_dir=Path(args.out), database=database,
        input_format=ingest.format, params=step_params(args, COMPAT_PARAMS[args.compat]),
    ))


def _demo(args: argparse.Namespace) -> int:
    from mobtrace.data.generator import generate

    if not all(Path(path).is_file() for path in sample_inputs()):
        print(f"Building the sample data set in {SAMPLE_DIR} (seed {DEMO_SEED}, scale {DEMO_SCALE}) ...")
        generate(seed=DEMO_SEED, scale=DEMO_SCALE, out_dir=SAMPLE_DIR, fmt="csv")
    args.inputs = sample_inputs()
    return _run(args)


def _generate(args: argparse.Namespace) -> int:
    from mobtrace.data.generator import generate

    result = generate(seed=args.seed, scale=args.scale, out_dir=Path(args.out), fmt=args.file_format)
    print(f"{result.n_interactions:,} interactions by {result.n_accounts:,} accounts written to {args.out}")
    print(f"ground truth: {result.ground_truth_path}")
    return 0



def _evidence(args: argparse.Namespace) -> int:
    import hashlib

    import duckdb

    from mobtrace.dashboards.evidence import write_evidence_package

    if not Path(args.db).is_file():
        raise FileNotFoundError(f"database {args.db} does not exist: run mobtrace run first, or pass --db")
    with duckdb.connect(args.db) as con:
        con.execute("SET TimeZone = 'UTC'")
        folder = write_evidence_package(con, args.campaign_id, Path(args.out))
    archive = folder.with_suffix(".zip")
    print(f"Evidence package: {folder.resolve()}")
    print(f"Zip: {archive.resolve()} (SHA-256 {hashlib.sha256(archive.read_bytes()).hexdigest()})")
    return 0


def _transparency(args: argparse.Namespace) -> int:
    import duckdb

    from mobtrace.dashboards.transparency import key_from_env, write_transparency

    key = key_from_env()  # refuses to run without the key: there is no default
    if not Path(args.db).is_file():
        raise FileNotFoundError(f"database {args.db} does not exist: run mobtrace run first, or pass --db")
    with duckdb.connect(args.db) as con:
        con.execute("SET TimeZone = 'UTC'")
        params = step_params(args, TransparencyParams)
        written = write_transparency(con, Path(args.out), key, k=params.k)
    print(f"Transparency export (k = {params.k}): {len(written)} files in {Path(args.out).resolve()}")
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
