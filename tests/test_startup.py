"""Start-up imports only what the command uses: ``mobtrace --help`` builds every flag from the steps'
dataclasses without Dagster, pandas, plotly or matplotlib, and a ``--compat`` run needs no Dagster either.

What is imported is read from ``sys.modules`` of a fresh interpreter when the command ends (the test
process has imported everything already); how long start-up takes is measured by the bench
(bench/bench_startup.py), not here.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from mobtrace.analysis.params import all_params, describe

HEAVY = {"dagster", "plotly", "matplotlib", "pandas"}
MAIN = textwrap.dedent("""
    import sys
    try:
        from mobtrace.pipelines.cli import main
        code = main(sys.argv[1:])
    except SystemExit as done:  # --help
        code = done.code
    print("MODULES", *sorted(sys.modules), file=sys.stderr)
    sys.exit(code)
""")


def _imported(*argv: str) -> tuple[set[str], str]:
    """The modules a fresh ``mobtrace ARGV`` has imported when it ends, and what it printed."""
    done = subprocess.run([sys.executable, "-c", MAIN, *argv], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("MODULES ")]
    return set(line.split()[1:]), done.stdout


def _top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["transparency", "--help"]], ids=" ".join)
def test_help_imports_no_dagster_pandas_plotly_or_matplotlib(argv):
    modules, _ = _imported(*argv)
    assert "mobtrace.analysis.params" in modules  # the import list was read: it names what the parser needs
    assert _top_level(modules) & HEAVY == set()


def test_run_help_still_lists_every_flag_of_every_step():
    modules, shown = _imported("run", "--help")
    flags = {parameter.flag for kind in all_params() for parameter in describe(kind) if parameter.flag}
    assert {"--window", "--format", "--min-weight", "--null-model", "--cnt-behaviours"} <= flags
    words = set(shown.replace(",", " ").split())
    assert {flag for flag in flags if flag not in words and flag.replace("--", "--no-", 1) not in words} == set()
    # the detectors' packages (their DuckDB, pandas and networkx code) are not run for it: only their params
    assert {"mobtrace.analysis.coordination.params", "mobtrace.analysis.burst.params"} <= modules
    assert not {"mobtrace.analysis.coordination", "mobtrace.analysis.burst", "mobtrace.analysis.ingest"} & modules


def test_a_params_module_loaded_for_the_parser_is_the_one_its_package_uses():
    check = textwrap.dedent("""
        import sys
        from mobtrace.analysis.params import all_params
        kinds = {kind.__name__: kind for kind in all_params()}
        assert "mobtrace.analysis.coordination" not in sys.modules
        import mobtrace.analysis.coordination as coordination
        from mobtrace.analysis.coordination.params import CoactionParams
        assert coordination.CoactionParams is CoactionParams is kinds["CoactionParams"]
        assert set(all_params()) == set(kinds.values())
    """)
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_compat_run_imports_no_dagster_plotly_matplotlib_or_networkx(tmp_path):
    export = tmp_path / "cnt.csv"
    export.write_text("message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"
                      "1,a,a,,,hello,1600000000,\n2,b,b,1,,RT hello,1600000010,\n3,c,c,1,,RT hello,1600000070,\n"
                      "4,b,b,9,,RT x,1600000100,\n5,c,c,9,,RT x,1600000160,\n", encoding="utf-8")
    out = tmp_path / "out"
    modules, _ = _imported("run", "--compat", "cnt", str(export), "--out", str(out))
    assert (out / "coaction_edges.csv").read_text().splitlines()[1:] == ['"b","c","2","co_retweet"', '"c","b","2","co_retweet"']
    assert "mobtrace.pipelines.compat" in modules
    assert _top_level(modules) & {"dagster", "plotly", "matplotlib", "networkx"} == set()
