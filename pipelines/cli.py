"""The ``mobtrace`` command line.

    mobtrace run INPUT... [--format auto|generic|...] [--out DIR] [--db PATH] [--wait SECONDS] [--window SECONDS]
    mobtrace demo                      # run on the bundled sample data
    mobtrace generate --seed S --scale N [--out DIR] [--file-format csv|parquet]

``run`` ingests and materialises every asset in-process (the same Dagster job ``dagster dev`` shows)
and writes report.html, flagged_accounts.csv, campaigns.json, coaction_edges.csv and coaction.graphml.

Every command that reads or writes a run's database finds it by one rule (``assets.locations``):
``--db``, else $MOBTRACE_DB, else ``OUT/mobtrace.duckdb`` with OUT the ``--out`` folder (default
``reports/``). It holds the database while it works; ``--wait`` says how long to wait for another run
holding it. Exit status: 0 done, 1 a step or blocking check failed or an input file landed no row, 2 a
usage error (one sentence saying what to fix).
"""

from __future__ import annotations

import argparse
import math
import sys
import typing
from pathlib import Path

# Only what the parser needs is imported here (the steps' dataclasses, the locations rule): each command
# imports its own work: --help loads no Dagster, pandas or plotly, a --compat run no Dagster (tests/test_startup.py).
from mobtrace.analysis.compat.params import CntParams, CoortweetParams
from mobtrace.analysis.engine.settings import ENGINES, EngineSettings
from mobtrace.analysis.params import Parameter, Params, all_params, describe
from mobtrace.assets.locations import (
    DEFAULT_REPORTS, SAMPLE_DIR, DatabaseBusyError, database_lock, default_database, sample_inputs,
)
from mobtrace.dashboards.transparency import TransparencyParams

COMPAT_PARAMS: dict[str, type[Params]] = {"cnt": CntParams, "coortweet": CoortweetParams}

DEMO_SEED = 7
DEMO_SCALE = 20_000


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.command(args)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, ValueError, DatabaseBusyError) as error:
        print(f"mobtrace: {error}", file=sys.stderr)
        return 2
    except Exception as error:
        if not _is_duckdb_io_error(error):
            raise
        # held by a program other than mobtrace, or not a DuckDB file
        detail = str(error).splitlines()[0]
        advice = "close the program that has it open, or pass another --db" if "lock" in detail.lower() else \
            "pass another --db, or move that file away"
        print(f"mobtrace: the database cannot be opened ({detail}): {advice}", file=sys.stderr)
        return 2


def _is_duckdb_io_error(error: Exception) -> bool:
    duckdb = sys.modules.get("duckdb")  # not imported: the command opened no database
    return duckdb is not None and isinstance(error, duckdb.IOException)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mobtrace", description="Find coordinated harassment campaigns in exported social-media data.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="ingest export files and write the report")
    run.add_argument("inputs", nargs="+", metavar="INPUT",
                     help="export files, or folders whose export files are read recursively in name order (several platforms may be mixed)")
    _add_run_options(run)
    run.add_argument("--compat", choices=sorted(COMPAT_PARAMS),
                     help="reproduce coordination-network-toolkit 1.5.2 or CooRTweet 2.1.3 exactly: write only the peer tool's coaction_edges.csv")
    run.set_defaults(command=_run)

    demo = commands.add_parser("demo", help="run on the bundled sample data set")
    _add_run_options(demo)
    demo.set_defaults(command=_demo, inputs=None)

    generate = commands.add_parser("generate", help="write a synthetic data set with planted campaigns")
    generate.add_argument("--seed", type=_count_from(0), default=DEMO_SEED,
                          help="random seed: the same seed and scale give byte-identical files (default: %(default)s)")
    generate.add_argument("--scale", type=_count_from(1), default=DEMO_SCALE, help="about how many interactions (default: %(default)s)")
    generate.add_argument("--out", default=str(SAMPLE_DIR), help="output folder (default: %(default)s)")
    generate.add_argument("--file-format", choices=["csv", "parquet"], default="csv")
    generate.set_defaults(command=_generate)

    evidence = commands.add_parser("evidence", help="write one campaign's evidence package (folder and zip) into OUT/evidence/")
    evidence.add_argument("campaign_id", metavar="CAMPAIGN_ID", help="campaign id as in the report, e.g. C001")
    _add_location_options(evidence)
    evidence.add_argument("--replace", action="store_true",
                          help="overwrite a package of that campaign that came from another database")
    evidence.set_defaults(command=_evidence)

    transparency = commands.add_parser("transparency", help="write the publishable aggregate tables into OUT/transparency/ (needs MOBTRACE_PSEUDONYM_KEY)")
    _add_location_options(transparency)
    _add_step_flags(transparency, [TransparencyParams])
    transparency.set_defaults(command=_transparency)
    return parser


def _add_location_options(parser: argparse.ArgumentParser) -> None:
    """--out, --db and --wait: the same rule for every command that uses a run's database."""
    parser.add_argument("--out", default=DEFAULT_REPORTS, help="the run's output folder (default: %(default)s)")
    parser.add_argument("--db", default=None, help="DuckDB file of the run (default: $MOBTRACE_DB, else OUT/mobtrace.duckdb)")
    parser.add_argument("--wait", type=_seconds, default=0, metavar="SECONDS",
                        help="when another run holds the database, wait up to this long for it (default: 0, stop at once)")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds: give 0 or more, e.g. --wait 60")
    return value


def _count_from(low: int):
    """An argparse type: a whole number of at least ``low``."""
    def count(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if value < low:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least {low}")
        return value
    return count


def _database(args: argparse.Namespace) -> Path:
    """The run's database by the one rule, after checking --out and --db name a folder and a file."""
    out, database = Path(args.out), Path(args.db or default_database(args.out))
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"--out {out} is a file: give a folder for the outputs")
    if database.is_dir():
        raise IsADirectoryError(f"--db {database} is a folder: give the path of a DuckDB file, e.g. {database / 'mobtrace.duckdb'}")
    return database


def _holding(database: Path, args: argparse.Namespace):
    """The database lock for this command, telling the user when it waits for another run."""
    return database_lock(database, wait=args.wait, on_wait=lambda message: print(f"mobtrace: {message} ...", file=sys.stderr, flush=True))


def _check_opens(database: Path) -> None:
    """Open an existing database once before the run: one held by another program, or a file that is not a
    DuckDB database, is a usage error now rather than a failed step after DuckDB's retries."""
    if database.is_file():
        import duckdb

        duckdb.connect(str(database)).close()


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    _add_location_options(parser)
    # Execution settings, not step parameters: they change where the co-action step runs, not its results or
    # the run id (mobtrace.analysis.engine.settings).
    parser.add_argument("--engine", choices=ENGINES, default=EngineSettings.engine,
                        help="engine of the heavy SQL (the co-action step, the signals of engine.SPARK_SIGNALS): duckdb (this machine) or spark (the cluster at --spark-master); "
                             "the same results either way (default: %(default)s)")
    parser.add_argument("--spark-master", default=EngineSettings.spark_master, metavar="URL",
                        help="Spark master URL for --engine spark: local[N], spark://host:7077, yarn, ... (default: %(default)s)")
    parser.add_argument("--spark-dir", default=EngineSettings.spark_dir, metavar="DIR",
                        help="for --engine spark on a cluster: a folder every Spark node mounts at the same path (NFS, ...), "
                             "where the step's input goes as Parquet, removed afterwards (default: this machine's temporary folder)")
    takes_inputs = "inputs" in {action.dest for action in parser._actions}
    ingest = _ingest_params()
    kinds = [kind for kind in all_params() if takes_inputs or kind is not ingest]
    _add_step_flags(parser, sorted(kinds, key=lambda kind: kind in COMPAT_PARAMS.values()))  # compat modes' help last


def _ingest_params() -> type[Params]:
    """``IngestParams``, taken from discovery, which loads it without ``mobtrace.analysis.ingest`` (the readers,
    pyarrow): a plain import would run that package's ``__init__`` first."""
    all_params()
    from mobtrace.analysis.ingest.params import IngestParams

    return IngestParams


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
        kind = {"action": argparse.BooleanOptionalAction} if value_type is bool else {
            "metavar": flag.lstrip("-").replace("-", "_").upper(), "type": value_type, "nargs": "+" if is_list else None}
        parser.add_argument(flag, dest=_dest(flag), default=None, help=f"{parameter.help.rstrip('.')} (default: {defaults})", **kind)


def _dest(flag: str) -> str:
    return "step_" + flag.lstrip("-").replace("-", "_")


def _shown(default: object) -> str:
    return " ".join(map(str, default)) if isinstance(default, tuple) else str(default)


def step_params(args: argparse.Namespace, kind: type[Params]) -> Params:
    """A step's parameters: its defaults, with the flags given on the command line."""
    given = {p.name: getattr(args, _dest(p.flag)) for p in describe(kind) if p.flag and getattr(args, _dest(p.flag), None) is not None}
    return kind.from_record(given)


def _run(args: argparse.Namespace) -> int:
    from mobtrace.analysis.ingest.run import expand_inputs

    missing = [path for path in args.inputs if not Path(path).exists()]
    if missing:
        raise FileNotFoundError(f"input file {missing[0]} does not exist: check the path")
    empty = [path for path in args.inputs if Path(path).is_dir() and not expand_inputs([path])]
    if empty:
        raise FileNotFoundError(f"the folder {empty[0]} holds no export file (.csv, .tsv, .json, .jsonl, .ndjson, .parquet, "
                                "optionally .gz): check the path")
    database = _database(args)
    if getattr(args, "compat", None):
        if args.engine != "duckdb":
            raise ValueError("--compat runs on DuckDB only: drop --engine")
        return _run_compat(args, database)
    from mobtrace.pipelines.run import RunOptions, run_pipeline  # Dagster: not for --compat runs

    ingest = step_params(args, _ingest_params())
    _check_format(ingest.format)
    options = RunOptions(
        inputs=[str(path) for path in args.inputs], out_dir=Path(args.out), database=database,
        params=[step_params(args, kind) for kind in all_params() if kind not in COMPAT_PARAMS.values()],
        execution=EngineSettings(engine=args.engine, spark_master=args.spark_master, spark_dir=args.spark_dir),
    )
    with _holding(database, args):
        _check_opens(database)
        return run_pipeline(options)


def _check_format(name: str) -> None:
    from mobtrace.analysis.ingest.registry import ADAPTERS

    if name not in ("auto", *ADAPTERS):
        raise ValueError(f"unknown format {name!r}: use auto or one of {', '.join(ADAPTERS)}")


def _run_compat(args: argparse.Namespace, database: Path) -> int:
    from mobtrace.pipelines.compat import CompatOptions, run_compat

    ingest = step_params(args, _ingest_params())
    _check_format(ingest.format)
    options = CompatOptions(
        mode=args.compat, inputs=[str(path) for path in args.inputs], out_dir=Path(args.out), database=database,
        input_format=ingest.format, params=step_params(args, COMPAT_PARAMS[args.compat]),
    )
    with _holding(database, args):
        _check_opens(database)
        return run_compat(options)


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

    from mobtrace.dashboards.evidence import foreign_package, write_evidence_package

    database = _existing_database(args)
    folder = Path(args.out) / "evidence"
    with _holding(database, args), duckdb.connect(str(database), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        note = foreign_package(con, args.campaign_id, folder)
        if note and not args.replace:
            raise ValueError(f"{note}: pass --replace to overwrite it, or another --out")
        package = write_evidence_package(con, args.campaign_id, folder)
    archive = package.with_suffix(".zip")
    if note:
        print(f"Replaced: {note}.")
    print(f"Evidence package: {package.resolve()} (from {Path(database).resolve()})")
    print(f"Zip: {archive.resolve()} (SHA-256 {hashlib.sha256(archive.read_bytes()).hexdigest()})")
    return 0


def _existing_database(args: argparse.Namespace) -> Path:
    database = _database(args)
    if not database.is_file():
        raise FileNotFoundError(f"database {database} does not exist: run mobtrace run with this --out first, or pass --db")
    return database


def _transparency(args: argparse.Namespace) -> int:
    import duckdb

    from mobtrace.dashboards.transparency import key_from_env, write_transparency

    key = key_from_env()  # refuses to run without the key: there is no default
    params = step_params(args, TransparencyParams)
    database = _existing_database(args)
    folder = Path(args.out) / "transparency"
    with _holding(database, args), duckdb.connect(str(database), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        written = write_transparency(con, folder, key, k=params.k)
    print(f"Transparency export (k = {params.k}): {len(written)} files in {folder.resolve()} (from {Path(database).resolve()})")
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
