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
from pathlib import Path

from pipelines.resources import DEFAULT_DATABASE, DEFAULT_REPORTS, SAMPLE_DIR, sample_inputs

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
    run.set_defaults(command=_run)

    demo = commands.add_parser("demo", help="run on the bundled sample data set")
    _add_run_options(demo, default_db=DEFAULT_DATABASE)
    demo.set_defaults(command=_demo, inputs=None, format="auto")

    generate = commands.add_parser("generate", help="write a synthetic data set with planted campaigns")
    generate.add_argument("--seed", type=int, default=DEMO_SEED)
    generate.add_argument("--scale", type=int, default=DEMO_SCALE, help="about how many interactions")
    generate.add_argument("--out", default=str(SAMPLE_DIR), help="output folder (default: %(default)s)")
    generate.add_argument("--file-format", choices=["csv", "parquet"], default="csv")
    generate.set_defaults(command=_generate)
    return parser


def _add_run_options(parser: argparse.ArgumentParser, default_db: str | None) -> None:
    from analysis.ingest.registry import ADAPTERS

    if "inputs" in {action.dest for action in parser._actions}:
        parser.add_argument("--format", default="auto", choices=["auto", *ADAPTERS], help="input format (default: recognise each file)")
    parser.add_argument("--out", default=DEFAULT_REPORTS, help="output folder (default: %(default)s)")
    parser.add_argument("--db", default=default_db, help="DuckDB file (default: OUT/mobtrace.duckdb)" if default_db is None else "DuckDB file (default: %(default)s)")
    parser.add_argument("--window", type=float, default=60, help="co-action window in seconds, inclusive (default: 60)")
    parser.add_argument("--min-weight", type=int, default=3, help="fewest shared objects for a co-action edge (default: 3)")
    parser.add_argument("--seed", type=int, default=42, help="Louvain random state (default: 42)")


def _run(args: argparse.Namespace) -> int:
    from pipelines.run import RunOptions, run_pipeline

    missing = [path for path in args.inputs if not Path(path).is_file()]
    if missing:
        raise FileNotFoundError(f"input file {missing[0]} does not exist: check the path")
    options = RunOptions(
        inputs=[str(path) for path in args.inputs],
        input_format=args.format,
        out_dir=Path(args.out),
        database=Path(args.db) if args.db else Path(args.out) / "mobtrace.duckdb",
        window_seconds=args.window,
        min_weight=args.min_weight,
        seed=args.seed,
    )
    return run_pipeline(options)


def _demo(args: argparse.Namespace) -> int:
    from data.generator import generate

    if not all(Path(path).is_file() for path in sample_inputs()):
        print(f"Building the sample data set in {SAMPLE_DIR} (seed {DEMO_SEED}, scale {DEMO_SCALE}) ...")
        generate(seed=DEMO_SEED, scale=DEMO_SCALE, out_dir=SAMPLE_DIR, fmt="csv")
    args.inputs = sample_inputs()
    return _run(args)


def _generate(args: argparse.Namespace) -> int:
    from data.generator import generate

    result = generate(seed=args.seed, scale=args.scale, out_dir=Path(args.out), fmt=args.file_format)
    print(f"{result.n_interactions:,} interactions by {result.n_accounts:,} accounts written to {args.out}")
    print(f"ground truth: {result.ground_truth_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
