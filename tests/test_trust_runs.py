"""Issue 18, runs: one run per database, every command on the same database, errors that say what to fix.

- Two runs started at once on one database never interleave: one holds it (lock file beside it, naming
  the process), the other waits (``--wait``) or stops with exit 2 naming the holder; each run's outputs
  hold only what the database held when it ran.
- ``run``, ``demo``, ``evidence`` and ``transparency`` find the database by one rule; an evidence package
  names its database and run, and one from another database is not overwritten without saying so.
- Every parameter is checked where its dataclass is made: the command line exits 2 with one sentence,
  and a step that fails shows its error's own message; an input file of which no row landed is named
  and makes the exit status 1.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import subprocess
import sys
import threading
import time
import typing
from pathlib import Path

import dagster as dg
import pytest

from mobtrace.analysis.coordination.params import CoactionParams
from mobtrace.analysis.params import all_params, describe
from mobtrace.assets.resources import DatabaseBusyError, database_lock, lock_path, resources
from mobtrace.pipelines import cli
from mobtrace.pipelines.cli import main

T0 = 1_740_830_400
HEADER = "platform,event_id,account_id,action,timestamp,target_post_id,target_account_id\n"


def _ring(path: Path, accounts: str, offset: int = 0) -> Path:
    """Four accounts reposting four posts within seconds: one coordination campaign."""
    rows = [f"x,{path.stem}{a}{n},{a},repost,{T0 + offset + 3600 * n + i},p{path.stem}{n},author\n"
            for n in range(4) for i, a in enumerate(accounts)]
    path.write_text(HEADER + "".join(rows))
    return path


def _campaign_inputs(out: Path) -> set[str]:
    return {Path(item["file"]).name for campaign in json.loads((out / "campaigns.json").read_text()) for item in campaign["inputs"]}


HOLD_LOCK = """
import fcntl, json, os, sys, time
handle = open(sys.argv[1], "a+")
fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
handle.truncate(0); handle.write(json.dumps({"pid": os.getpid(), "host": "testhost", "command": "mobtrace run held.csv",
                                             "started": "2025-03-01 10:00:00 UTC"})); handle.flush()
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _hold(database: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the database's run lock (plain flock: no mobtrace import, starts at once)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(lock_path(database)), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_two_runs_started_at_once_on_one_database_never_interleave(tmp_path):
    """Run A and run B start together on one database: one holds it and writes its outputs from what it
    wrote alone; the other stops with exit 2 and one sentence naming the holder (with --wait it waits: see
    the test after the next). Before, A's campaigns.json could hold B's campaigns."""
    database = tmp_path / "shared.duckdb"
    files = {"A": _ring(tmp_path / "a.csv", "abcd"), "B": _ring(tmp_path / "b.csv", "wxyz", offset=100_000)}
    runs = {
        name: subprocess.Popen([sys.executable, "-m", "mobtrace.pipelines.cli", "run", str(path), "--out", str(tmp_path / name),
                                "--db", str(database)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name, path in files.items()
    }
    finished = {name: (run.communicate(timeout=180), run.returncode) for name, run in runs.items()}
    codes = sorted(code for _, code in finished.values())
    assert codes in ([0, 2], [0, 0]), finished
    winner = next(name for name, (_, code) in finished.items() if code == 0)
    loser = "B" if winner == "A" else "A"
    assert _campaign_inputs(tmp_path / winner) == {files[winner].name}  # nothing of the other run
    assert files[loser].name not in (tmp_path / winner / "report.html").read_text()
    (_, err), code = finished[loser]
    if code == 2:  # the two overlapped (the usual case): the second stopped before writing anything
        assert err.count("\n") == 1 and err.startswith(f"mobtrace: the database {database} is in use by mobtrace run pid {runs[winner].pid} ")
        assert err.strip().endswith("pass --wait SECONDS to wait for it, or give this run another --db")
        assert not (tmp_path / loser).exists()
    else:  # the machine was so slow that one finished before the other started: it then saw both files
        assert _campaign_inputs(tmp_path / loser) == {"a.csv", "b.csv"}
    assert not lock_path(database).exists()  # let go at the end


def test_a_held_database_is_a_one_sentence_exit_2_naming_the_holder(tmp_path, capsys):
    database = tmp_path / "mobtrace.duckdb"
    ring = _ring(tmp_path / "ring.csv", "abcd")
    holder = _hold(database, 30)
    try:
        assert main(["run", str(ring), "--out", str(tmp_path)]) == 2
        error = capsys.readouterr().err.strip()
        assert error.count("\n") == 0 and error.startswith(f"mobtrace: the database {database} is in use by mobtrace run pid {holder.pid} ")
        assert "`mobtrace run held.csv`" in error and error.endswith("pass --wait SECONDS to wait for it, or give this run another --db")
        started = time.monotonic()
        assert main(["run", str(ring), "--out", str(tmp_path), "--wait", "0.6"]) == 2
        assert time.monotonic() - started >= 0.6
        error = capsys.readouterr().err
        assert "waiting up to 0.6 s" in error and "it did not finish within --wait 0.6 s" in error
        # A Dagster run (dagster dev, the inbox sensor) holds the database too: it fails at once, naming the holder.
        from mobtrace.assets.ingest import ingested_exports

        result = dg.materialize([ingested_exports], resources=resources(database, tmp_path / "out"), raise_on_error=False,
                                run_config={"ops": {"ingested_exports": {"config": {"paths": [str(ring)]}}}})
        assert not result.success and not database.exists()
        with pytest.raises(DatabaseBusyError, match=f"is in use by mobtrace run pid {holder.pid} "):
            with database_lock(database):
                pass
    finally:
        holder.kill()
        holder.wait()
    with database_lock(database), database_lock(database):  # the same process may take it again (CLI, then its run)
        assert json.loads(lock_path(database).read_text())["pid"] == os.getpid()
    assert not lock_path(database).exists()


def test_every_command_finds_the_database_by_one_rule(tmp_path, monkeypatch):
    monkeypatch.delenv("MOBTRACE_DB", raising=False)
    parser = cli._parser()
    out = tmp_path / "case"
    expected = out / "mobtrace.duckdb"
    for command in (["run", "x.csv"], ["demo"], ["evidence", "C001"], ["transparency"]):
        assert cli._database(parser.parse_args([*command, "--out", str(out)])) == expected, command
        assert cli._database(parser.parse_args([*command, "--out", str(out), "--db", str(tmp_path / "other.duckdb")])) == tmp_path / "other.duckdb"
    defaults = [cli._database(parser.parse_args(command)) for command in (["run", "x.csv"], ["demo"], ["evidence", "C001"], ["transparency"])]
    assert len(set(defaults)) == 1 and defaults[0].name == "mobtrace.duckdb" and defaults[0].parent.name == "reports"
    monkeypatch.setenv("MOBTRACE_DB", str(tmp_path / "env.duckdb"))
    assert cli._database(parser.parse_args(["evidence", "C001", "--out", str(out)])) == tmp_path / "env.duckdb"


def test_a_run_waits_then_evidence_uses_its_database_and_a_foreign_package_is_not_overwritten(tmp_path, capsys):
    folder = tmp_path / "exports"
    folder.mkdir()
    _ring(folder / "ring.csv", "abcd")
    (folder / "zz_empty.csv").write_text("")
    out = tmp_path / "case"
    (out / "evidence" / "C001").mkdir(parents=True)  # a package another database made, which the run will replace
    (out / "evidence" / "C001" / "campaign.json").write_text(json.dumps({"database": "/cases/other.duckdb", "run_id": "0123456789abcdef"}))
    holder = _hold(out / "mobtrace.duckdb", 1.0)  # another run, finishing in a second: this one waits for it
    try:  # a folder is read; a file that landed nothing is named and makes the exit status 1, the rest is written
        assert main(["run", str(folder), "--out", str(out), "--window", "30", "--wait", "60"]) == 1
    finally:
        holder.kill()
        holder.wait()
    printed = capsys.readouterr()
    assert f"is in use by mobtrace run pid {holder.pid} " in printed.err and "waiting up to 60 s for it to finish" in printed.err
    assert f"mobtrace: nothing was ingested from {folder / 'zz_empty.csv'}: the file is empty: export it again, or leave it out\n" in printed.err
    assert "Analysed 16 interactions (1 row quarantined)" in printed.out
    assert (f"evidence_packages: {out / 'evidence' / 'C001'} holds the package of C001 made from the database /cases/other.duckdb "
            f"(run 0123456789abcdef), not from {(out / 'mobtrace.duckdb').resolve()}: replaced by this run's") in printed.out
    package = json.loads((out / "evidence" / "C001" / "campaign.json").read_text())
    assert package["database"] == str((out / "mobtrace.duckdb").resolve()) and len(package["run_id"]) == 16
    assert {item["source_file"] for item in package["inputs"]} == {"ring.csv", "zz_empty.csv"}
    (campaign,) = json.loads((out / "campaigns.json").read_text())
    assert (campaign["database"], campaign["run_id"]) == (package["database"], package["run_id"])
    before = (out / "evidence" / "C001.zip").read_bytes()

    # No --db: evidence reads the run's database (OUT/mobtrace.duckdb) and makes the same package.
    assert main(["evidence", "C001", "--out", str(out)]) == 0
    assert (out / "evidence" / "C001.zip").read_bytes() == before
    assert f"(from {(out / 'mobtrace.duckdb').resolve()})" in capsys.readouterr().out

    # A package from another database is kept unless --replace is given, and its replacement is said.
    other = tmp_path / "other.duckdb"
    other.write_bytes((out / "mobtrace.duckdb").read_bytes())
    assert main(["evidence", "C001", "--out", str(out), "--db", str(other)]) == 2
    error = capsys.readouterr().err
    assert f"holds the package of C001 made from the database {(out / 'mobtrace.duckdb').resolve()} (run {package['run_id']})" in error
    assert error.strip().endswith("pass --replace to overwrite it, or another --out")
    assert (out / "evidence" / "C001.zip").read_bytes() == before
    assert main(["evidence", "C001", "--out", str(out), "--db", str(other), "--replace"]) == 0
    assert "Replaced: " in capsys.readouterr().out
    assert json.loads((out / "evidence" / "C001" / "campaign.json").read_text())["database"] == str(other.resolve())


@pytest.mark.parametrize("flags, sentence", [
    (["--window", "-5"], "--window must be at least 0, not -5.0 (coaction_edges parameter window_seconds; default 60)"),
    (["--min-weight", "0"], "--min-weight must be at least 1, not 0 (coaction_edges parameter min_weight; default 3)"),
    (["--seed", "-1"], "--seed must be between 0 and 4294967295, not -1 (account_clusters parameter seed; default 42)"),
    (["--window", "nan"], "--window must be a finite number, not nan"),
    (["--compat", "coortweet", "--edge-weight", "1.5"], "--edge-weight must be between 0 and 1, not 1.5"),
    (["--compat", "cnt", "--cnt-behaviours", "co_nothing"], "--cnt-behaviours must be one or more of co_retweet, co_link, co_reply, co_tweet"),
    (["--format", "csv"], "--format must be one of auto, twarc2,"),
])
def test_a_bad_parameter_is_exit_2_with_one_sentence(tmp_path, capsys, flags, sentence):
    ring = _ring(tmp_path / "ring.csv", "abcd")
    assert main(["run", str(ring), "--out", str(tmp_path / "out"), *flags]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"mobtrace: {sentence}") and "\n" not in error
    assert not (tmp_path / "out" / "mobtrace.duckdb").exists()  # refused before anything was written


def test_transparency_k_and_generate_are_checked_too(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MOBTRACE_PSEUDONYM_KEY", "k" * 32)
    assert main(["transparency", "--k", "1", "--out", str(tmp_path)]) == 2
    assert "--k must be at least 2, not 1" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_status:
        main(["run", "x.csv", "--wait", "-1"])
    assert exit_status.value.code == 2 and "give 0 or more" in capsys.readouterr().err
    for flag, value in (("--scale", "0"), ("--seed", "-3")):
        with pytest.raises(SystemExit) as exit_status:
            main(["generate", flag, value, "--out", str(tmp_path)])
        assert exit_status.value.code == 2 and f"'{value}' is not a whole number of at least" in capsys.readouterr().err


def test_every_number_parameter_of_every_step_refuses_what_is_not_finite():
    """The generic rule protects every step, a new detector's included, with no check written for it."""
    for kind in all_params():
        for parameter in describe(kind):
            if parameter.type is float:
                for bad in (float("nan"), float("inf")):
                    with pytest.raises(ValueError, match=f"must be a finite number, not {bad}"):
                        kind(**{parameter.name: bad})


def test_a_step_that_fails_shows_its_own_error(tmp_path, capsys):
    """A value that reaches a step past the command line (Dagster config, a library caller) fails there, and
    the run prints the error itself, not only Dagster's "Execution of step ... failed"."""
    from mobtrace.pipelines.run import RunOptions, run_pipeline

    broken = CoactionParams()
    object.__setattr__(broken, "min_weight", 0)  # as if written into the Dagster config by hand
    options = RunOptions(inputs=[str(_ring(tmp_path / "ring.csv", "abcd"))], out_dir=tmp_path / "out",
                         database=tmp_path / "out" / "mobtrace.duckdb", params=[broken])
    assert run_pipeline(options) == 1
    printed = capsys.readouterr().out
    assert ("✗ coaction_edges failed: ValueError: --min-weight must be at least 1, not 0 "
            "(coaction_edges parameter min_weight; default 3)") in printed
    assert 'Execution of step "coaction_edges" failed' not in printed


def test_the_dataclass_refuses_for_library_callers_too():
    with pytest.raises(ValueError, match="alpha must be between 0 and 1, not 2"):
        CoactionParams(alpha=2)
    assert CoactionParams(alpha=None).alpha is None  # None switches the null model's test off
    with pytest.raises(ValueError, match="behaviours must be one or more of all, co_"):
        CoactionParams(behaviours=("co_nothing",))
    assert dataclasses.replace(CoactionParams(), window_seconds=0).window_seconds == 0  # 0 s: the same instant
    assert typing.get_type_hints(CoactionParams)["window_seconds"] is float


def test_a_run_arriving_before_the_holder_wrote_its_name_still_names_it(tmp_path):
    """The holder writes its record just after it takes the lock; a run arriving in between waits for it
    (CI once saw "in use by another mobtrace run" where the holder's pid belonged)."""
    database = tmp_path / "mobtrace.duckdb"
    path = lock_path(database)
    with open(path, "a+", encoding="utf-8") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # held, nothing written yet
        writer = threading.Timer(0.3, lambda: (held.write(json.dumps({"pid": 4242, "host": "h", "command": "mobtrace run x.csv",
                                                                      "started": "now"})), held.flush()))
        writer.start()
        with pytest.raises(DatabaseBusyError, match="is in use by mobtrace run pid 4242 on h "):
            with database_lock(database):
                pass
        writer.join()
