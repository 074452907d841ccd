"""`make bench`'s closing table (bench/report.py) from the reports the benchmarks wrote: each
measure against its target, a missed one marked and failing the run, and every report's load."""

import json

from bench import report


def _suspension(seconds_large: float, again_rows: int = 0) -> dict:
    rows = [
        {
            "job": job,
            "day": day,
            "cohort": cohort,
            "run": run,
            "queries": 8 if run == "first" else 3,
            "rows": cohort if run == "first" else again_rows,
            "seconds": seconds_large if cohort == 100_000 and run == "first" else 1.0,
        }
        for job, day in (("certifications_suspend", "2031-07-01"),)
        for cohort in (1_000, 100_000)
        for run in ("first", "again")
    ]
    return {
        "rows": rows,
        "notice_batch": {"batch": 500, "seconds": 4.1, "queries": 2501},
        "ok": again_rows == 0,
        "load_average": [1.5, 0.5, 0.7],
        "durable_database": {"fsync": "on"},
    }


def _table(tmp_path, monkeypatch, capsys, reports: dict) -> tuple[int, list[str]]:
    for name, body in reports.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(body))
    monkeypatch.setattr(report, "REPORTS", tmp_path)
    status = report.summary()
    return status, capsys.readouterr().out.splitlines()


def test_the_yearly_jobs_are_in_the_table_and_a_slow_one_fails_the_run(
    tmp_path, monkeypatch, capsys
):
    status, lines = _table(tmp_path, monkeypatch, capsys, {"suspension": _suspension(9.5)})
    assert status == 0
    large = next(line for line in lines if "100,000 certifications |" in line)
    assert "100,000 written, 9.50 s, 8 queries" in large and large.endswith("| ok |")
    assert any("2501 queries" in line for line in lines)
    assert "  suspension: [1.5, 0.5, 0.7]; {'fsync': 'on'}" in lines

    status, lines = _table(tmp_path, monkeypatch, capsys, {"suspension": _suspension(10.5)})
    assert status == 1
    large = next(line for line in lines if "100,000 certifications |" in line)
    assert large.endswith("| MISSED |")


def test_a_rerun_that_writes_again_is_missed(tmp_path, monkeypatch, capsys):
    status, lines = _table(tmp_path, monkeypatch, capsys, {"suspension": _suspension(5, 3)})
    assert status == 1
    again = [line for line in lines if "(again)" in line]
    assert len(again) == 2 and all(line.endswith("| MISSED |") for line in again)
