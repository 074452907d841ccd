"""Benchmark reports: each benchmark writes var/bench/<name>.json (LMS_BENCH_DIR elsewhere, e.g.
a test's own folder); `summary` prints one table of every report `make bench` wrote in this run."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = Path(os.environ.get("LMS_BENCH_DIR") or ROOT / "var" / "bench")


def write_report(name: str, report: dict) -> Path:
    """Write var/bench/<name>.json with the machine's load and the database's durability."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    path = REPORTS / f"{name}.json"
    report = {
        **report,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cores": len(os.sched_getaffinity(0)),
        "durable_database": _durable(),
    }
    path.write_text(json.dumps(report, indent=2, default=str))
    print(f"report: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


def _durable() -> dict | str:
    """fsync, synchronous_commit and full_page_writes as the database under test has them."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return "n/a"
    try:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
            return {
                name: conn.execute(f"SHOW {name}").fetchone()[0]
                for name in ("fsync", "synchronous_commit", "full_page_writes")
            }
    except Exception as exc:  # the report is still worth having
        return f"unknown ({type(exc).__name__})"


def _row(name: str, measure: str, value: str, target: str, ok: bool | None) -> str:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    return f"| {name} | {measure} | {value} | {target} | {verdict} |"


def _suspension_rows(add, suspension: dict) -> None:
    """The yearly clock's jobs: each cohort's first run (≤ 10 s) and its re-run (writes nothing);
    the query count must be the same for both cohorts (set-based)."""
    for row in suspension["rows"]:
        first = row["run"] == "first"
        add(
            "suspension",
            f"{row['job']} on {row['day']}, {row['cohort']:,} certifications"
            + ("" if first else " (again)"),
            f"{row['rows']:,} written, {row['seconds']:.2f} s, {row['queries']} queries",
            "≤ 10 s" if first else "≤ 10 s, writes nothing",
            row["seconds"] <= 10 and (first or row["rows"] == 0),
        )
    add(
        "suspension",
        "query count the same for both cohorts, every re-run writing nothing",
        "yes" if suspension["ok"] else "no",
        "yes",
        suspension["ok"],
    )
    batch = suspension["notice_batch"]
    add(
        "suspension",
        f"after commit: one batch of {batch['batch']} holder emails and agency alerts",
        f"{batch['seconds']:.2f} s, {batch['queries']} queries",
        "",
        None,
    )


def _renewal_rows(add, renewal: dict) -> None:
    """The renewal rush: errors, each step beside the trivial view, throughput, the database."""
    add(
        "renewal",
        f"errors ({renewal['label']})",
        str(renewal["errors"]),
        "0",
        renewal["errors"] == 0,
    )
    notes = {"pay": " (the stand-in's page)", "confirmed": " (pay → paid: the webhook, 1 s delay)"}
    rows = {**renewal["steps_ms"], "trivial view, same run": renewal["ping_ms"]}
    for step, row in rows.items():
        add(
            "renewal",
            f"{step}{notes.get(step, '')}: p50 / p95",
            f"{row['p50']:.0f} / {row['p95']:.0f} ms (n={row['n']})",
            "",
            None,
        )
    add(
        "renewal",
        "throughput",
        f"{renewal['holders_per_minute']} renewals/min, {renewal['requests_per_s']} requests/s",
        "",
        None,
    )
    stored = renewal["database"]
    add(
        "renewal",
        "submitted, each paid once (database)",
        f"{stored['submitted']} submitted, {stored['paid_payments']} paid, "
        f"{stored['renewals_paid_twice']} paid twice",
        f"exactly {renewal['holders']}, none twice",
        renewal["database_ok"],
    )


def summary() -> int:
    """One table of the reports, each against its target; 1 when a target was missed."""
    found = {p.stem: json.loads(p.read_text()) for p in sorted(REPORTS.glob("*.json"))}
    rows = ["| benchmark | measure | result | target | |", "| --- | --- | --- | --- | --- |"]
    missed = False

    def add(*args):
        nonlocal missed
        missed |= args[-1] is False
        rows.append(_row(*args))

    if exam := found.get("exam"):
        think, stress = exam["think"], exam["stress"]
        add(
            "exam",
            f"autosave vs trivial view, p50 ({think['label']})",
            f"{think['save_ms']['p50']:.1f} / {think['ping_ms']['p50']:.1f} ms = "
            f"{think['ratio_p50']:.2f}×",
            "≤ 2.0×",
            think["ratio_p50"] <= 2.0,
        )
        add(
            "exam",
            "autosave vs trivial view, p95",
            f"{think['save_ms']['p95']:.1f} / {think['ping_ms']['p95']:.1f} ms",
            "",
            None,
        )
        add(
            "exam",
            f"throughput ({stress['label']})",
            f"save {stress['save_per_s']}/s, trivial {stress['ping_per_s']}/s; p50 "
            f"{stress['save_ms']['p50']:.1f} / {stress['ping_ms']['p50']:.1f} ms = "
            f"{stress['ratio_p50']:.2f}×",
            "",
            None,
        )
        start = exam["start_ms"]
        add(
            "exam",
            f"start, {exam['candidates']} together: p50 / p95",
            f"{start['p50']:.0f} / {start['p95']:.0f} ms",
            "p95 ≤ 2,000 ms",
            start["p95"] <= 2000,
        )
        add("exam", "errors", str(exam["errors"]), "0", exam["errors"] == 0)
    if booking := found.get("booking"):
        add(
            "booking",
            f"{booking['attempted']} people race for {booking['seats']} seats",
            f"{booking['confirmed']} of {booking['seats']} confirmed, p95 {booking['p95_ms']} ms",
            f"exactly {booking['seats']}",
            booking["ok"],
        )
    if sweeps := found.get("sweeps"):
        for sweep in sweeps["sweeps"]:
            add(
                "sweeps",
                f"{sweep['name']} ({sweeps['applications']:,} applications, {sweep['rows']:,} due)",
                f"{sweep['seconds']:.2f} s, {sweep['queries']} queries",
                "≤ 10 s",
                sweep["seconds"] <= 10,
            )
        if stats := sweeps.get("statistics"):
            add(
                "sweeps",
                f"exam statistics page, {stats['attempts']:,} graded attempts",
                f"{stats['seconds'] * 1000:.0f} ms, {stats['queries']} queries",
                "< 300 ms",
                stats["seconds"] < 0.3,
            )
    if suspension := found.get("suspension"):
        _suspension_rows(add, suspension)
    if renewal := found.get("renewal"):
        _renewal_rows(add, renewal)
    if verify := found.get("verify"):
        add("verify", "verification JSON", json.dumps(verify.get("summary", ""))[:80], "", None)
    print("\n".join(rows))
    print("\nload average (1, 5, 15 min) as each report was written, and its database:")
    for name, report in found.items():
        print(f"  {name}: {report.get('load_average')}; {report.get('durable_database')}")
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"uptime now: {uptime}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(summary())
