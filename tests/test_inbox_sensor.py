"""The inbox sensor requests runs for new files only."""

from __future__ import annotations

import os

import dagster as dg

import mobtrace.pipelines.sensors as sensors


def _evaluate(cursor: str | None) -> dg.SensorResult:
    return sensors.inbox_sensor(dg.build_sensor_context(cursor=cursor))


def _paths(result: dg.SensorResult) -> list[list[str]]:
    return [request.run_config["ops"]["ingested_exports"]["config"]["paths"] for request in result.run_requests or []]


def test_only_new_or_changed_files_are_requested(tmp_path, monkeypatch):
    monkeypatch.setattr(sensors, "DEFAULT_INBOX", str(tmp_path))
    assert not _evaluate(None).run_requests  # empty inbox

    first = tmp_path / "x_export.jsonl"
    first.write_text("{}\n")
    (tmp_path / ".partial.csv").write_text("downloading")
    result = _evaluate(None)
    assert _paths(result) == [[str(first)]]

    assert not _evaluate(result.cursor).run_requests  # nothing new since

    second = tmp_path / "reports.csv"
    second.write_text("reporter_id\n")
    later = _evaluate(result.cursor)
    assert _paths(later) == [[str(second)]]

    os.utime(first, (1, 1))  # the same name with new content or time is new again
    assert _paths(_evaluate(later.cursor)) == [[str(first)]]


def test_run_key_is_stable_for_the_same_files(tmp_path):
    assert sensors.inbox_run_request(["a"]).run_key == sensors.inbox_run_request(["a"]).run_key
    assert sensors.inbox_run_request(["a"]).run_key != sensors.inbox_run_request(["b"]).run_key


def test_the_sensor_is_part_of_the_definitions():
    from mobtrace.pipelines.definitions import defs

    assert defs.resolve_sensor_def("inbox_sensor").job_name == "mobtrace"
