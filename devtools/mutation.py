"""`make mutation`: mutation testing (cosmic-ray) over the modules where a silent regression costs
the most, each with its own narrow test selection, one mutant at a time per job.

    python tests/pg_cluster.py -- python devtools/mutation.py [--module enrollment/rules.py ...]

Why cosmic-ray and not mutmut: cosmic-ray runs a plain shell command per mutant, so the test
command is our ordinary pytest (pytest-django, `lms.settings.test`, the DATABASE_URL that
`tests/pg_cluster.py` exports). The test database is migrated once per module into a template
and copied from it before each mutant (`--fresh-db`), so no run sees what an earlier one left.
mutmut 3 rewrites every function into a trampoline inside a copied `mutants/` tree and forks pytest
in-process per mutant, which fights Django's app registry, model classes and the open database
connection.

The mutants are applied to copies of the work tree under `var/mutation/tree*/` (never to the
checkout you are editing). Per module the report says how many mutants, how many the tests
killed, which survived (file:line, operator, diff) and which survivors are listed as equivalent,
with the reason, in `tests/mutation_equivalents.md`. It writes `var/mutation/report.json` and
prints a table. Exit status 1 when a survivor is not listed as equivalent.

Each mutant runs only the tests that execute the lines it changed, fastest first: before its
mutants, a module's selection runs once under coverage with a context per test (pytest-cov), which
maps each line to the tests that ran it. A mutant on a line only run at import (a decorator, a
default, a constant), or on a line no test ran, gets the whole selection. A test that starts a
process (a `manage.py` command, a worker) may run the module where coverage cannot see it, so such
a test runs for every mutant. A test cannot notice a change to a line it never executes, so this
drops only runs that could not kill (and a wrong drop would show as a survivor, not hide one).
A failure counts as a kill only when the same tests, in the same order, pass on the unmutated
module; otherwise (a test that needs a cache an earlier test warmed) the whole selection decides.
Modules run side by side (`--jobs`, one per core by default), each job on its own copy of the
tree and its own databases.

Issue 19's four hand-made mutants (HAND: a keyword argument added, a branch or a registration
removed, which no cosmic-ray operator makes) are applied one by one after the modules (or alone
with `--hand`), each with the test named to kill it; the table says which test killed which.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "mutation"
EQUIVALENTS = ROOT / "tests" / "mutation_equivalents.md"

# Pure modules (no Django, no database): their tests run without pytest-django and without the
# conftest files, a few seconds per mutant instead of Django's start-up.
PURE = {"enrollment/rules.py", "certification/renewal_rules.py", "exams/rules.py"}

# module -> the tests that cover it (the narrowest selection that exercises it).
MODULES: dict[str, list[str]] = {
    "enrollment/rules.py": ["tests/enrollment/test_rules.py"],
    "certification/renewal_rules.py": ["tests/certification/test_renewal_rules.py"],
    "certification/rules.py": ["tests/certification/test_app.py"],
    "enrollment/services/booking.py": [
        "tests/enrollment/test_booking.py",
        "tests/enrollment/test_booking_checks.py",
        "tests/enrollment/test_waitlist.py",
        "tests/enrollment/test_booking_concurrency.py",
    ],
    "enrollment/services/expiry.py": ["tests/enrollment/test_expiry.py"],
    "payments/services/events.py": [
        "tests/payments/test_webhooks.py",
        "tests/payments/test_services.py",
        # money read back from the provider, then its webhook: reported once
        "tests/payments/test_reconcile.py"
        "::test_money_found_when_an_application_ends_is_flagged_and_told_once",
    ],
    "payments/providers/stripe.py": [
        "tests/payments/test_webhook_refusals.py",
        "tests/payments/test_providers.py",
    ],
    "exams/rules.py": ["tests/exams/test_rules.py"],
    "exams/services/attempts.py": [
        "tests/exams/test_attempts.py",
        "tests/exams/test_views.py",
        # Start's fast path on PostgreSQL (a paper drawn ahead, _start_prepared, _START_READY)
        "tests/exams/test_ready_paper.py",
        "tests/exams/test_attempt_page.py",
        "tests/exams/test_start_concurrency.py",
        # grading keeps each answer's chosen options, which the item statistics count
        "tests/exams/test_stats.py"
        "::test_the_choices_a_candidate_submitted_are_what_the_statistics_count",
        # the overdue sweep: at most 500 a run; one its candidate is submitting is left to them
        "tests/exams/test_close_queries.py",
        "tests/exams/test_close_concurrency.py",
    ],
    "lms/middleware.py": [
        *(
            f"tests/lms/test_accounts.py::{name}"
            for name in (
                "test_staff_roles_must_set_up_totp_when_required",
                "test_staff_with_totp_pass_after_the_code_and_applicants_pass_through",
                "test_enrolled_staff_are_asked_for_the_code_and_refused_without_it",
                "test_staff_who_set_up_totp_in_this_session_carry_on_without_a_second_prompt",
                "test_a_session_whose_device_was_replaced_elsewhere_is_asked_for_the_new_code",
                "test_mfa_is_optional_for_staff_when_the_setting_is_off",
            )
        ),
        *(
            f"tests/lms/test_busy.py::{name}"
            for name in (
                "test_a_locked_database_answers_a_polite_page_with_503_and_retry_after",
                "test_fetch_and_api_callers_get_json",
                "test_either_sign_of_a_json_caller_gets_json",
                "test_other_errors_are_not_hidden",
            )
        ),
        "tests/lms/test_headers.py",  # the CSP and Permissions-Policy middlewares
    ],
    "certification/services/certificates.py": [
        "tests/certification/test_certificates.py",
        # the CM I Upgrade: issuing the CM II supersedes the holder's CM I
        "tests/certification/test_upgrade.py::test_upgrade_starts_from_the_cm1_and_supersedes_it",
    ],
    "certification/services/verification.py": ["tests/certification/test_verification.py"],
    "certification/services/renewals.py": [
        "tests/certification/test_renewal_services.py",
        "tests/certification/test_renewal_records.py",
        # the checkout's edges: Dec 30, a cancelled or open checkout, a confirmation twice
        "tests/certification/test_renewal_checkout.py",
        # a payment another app references is left to that app
        "tests/payments/test_services.py"
        "::test_a_payment_owned_by_a_higher_app_is_closed_only_when_its_owner_says_so",
    ],
}

# Issue 19's hand-made mutants, which cosmic-ray's operators do not make (a keyword argument
# added, a branch or a call removed): file, the text replaced, its replacement, and the test that
# must fail. `--hand` runs only these; a full run runs them after the modules.
HAND: list[tuple[str, str, str, str]] = [
    (
        "payments/stripe_api.py",
        "settings.STRIPE_WEBHOOK_SECRET)",
        "settings.STRIPE_WEBHOOK_SECRET, tolerance=None)",
        "tests/payments/test_webhook_refusals.py"
        "::test_the_sdk_itself_refuses_a_replay_signed_before_its_window",
    ),
    (
        "payments/services/events.py",
        "        if stored.processed_at is None:\n",
        "        if True:\n",
        "tests/payments/test_webhooks.py::test_a_redelivered_mismatch_is_flagged_once",
    ),
    (
        "exams/services/attempts.py",
        "        rng.shuffle(order)\n",
        "        pass\n",
        "tests/exams/test_attempts.py::test_options_are_shuffled_across_attempts",
    ),
    (
        "enrollment/wagtail_hooks.py",
        'hooks.register("register_admin_viewset", register_session_admin)\n',
        "\n",
        "tests/enrollment/test_calendar.py::test_staff_find_the_sessions_admin_in_the_menu",
    ),
]

# The operators kept: one flip per operator, as a reviewer would try them (a boundary moved,
# a test negated, + and - swapped, * and / swapped, a number off by one, True/False, and/or,
# an empty loop, an exception or a decorator removed). cosmic-ray also offers every comparison
# for every comparison and the bit/shift/power operators; on a 2-core machine those multiply
# the run time for mutants that the same tests kill, so they are left out.
KEEP = [
    r"core/ReplaceComparisonOperator_(Lt_LtE|LtE_Lt|Gt_GtE|GtE_Gt|Eq_NotEq|NotEq_Eq|Is_IsNot|IsNot_Is)$",
    r"core/ReplaceBinaryOperator_(Add_Sub|Sub_Add|Mul_Div|Div_Mul)$",
    r"core/(NumberReplacer|AddNot|ReplaceAndWithOr|ReplaceOrWithAnd|ReplaceTrueWithFalse)$",
    r"core/(ReplaceFalseWithTrue|ReplaceBreakWithContinue|ReplaceContinueWithBreak)$",
    r"core/(ZeroIterationForLoop|ExceptionReplacer|RemoveDecorator)$",
    r"core/ReplaceUnaryOperator_Delete_(Not|USub)$",  # `not x` -> `x`, `-x` -> `x`
]


def _bare_star(tree: Path, module: str, row: int, col: int) -> bool:
    """The `*` that makes the parameters after it keyword-only is no multiplication: cosmic-ray
    still offers to "replace" it, which only loosens a signature every caller uses by keyword."""
    line = (tree / module).read_text().splitlines()[row - 1]
    return line[col : col + 1] == "*" and line[col + 1 :].lstrip()[:1] in (",", ")")


def _skip_unkept(tree: Path, session: Path, module: str) -> None:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    keep = re.compile("|".join(f"(?:{k})" for k in KEEP))
    with use_db(session, WorkDB.Mode.open) as db:
        for item in list(db.pending_work_items):
            why = None
            for m in item.mutations:
                if not keep.match(m.operator_name):
                    why = "operator left out"
                elif m.operator_name.startswith("core/ReplaceBinaryOperator_Mul_") and _bare_star(
                    tree, module, *m.start_pos
                ):
                    why = "keyword-only marker"
            if why:
                db.set_result(
                    item.job_id, WorkResult(output=why, worker_outcome=WorkerOutcome.SKIPPED)
                )


def _defer_pending(session: Path) -> list[str]:
    """Park the mutants not run yet (marked skipped) so that `exec` runs only the survivors."""
    import sqlite3

    with sqlite3.connect(session) as db:
        ids = [
            row[0]
            for row in db.execute(
                "SELECT job_id FROM work_items"
                " WHERE job_id NOT IN (SELECT job_id FROM work_results)"
            )
        ]
        db.executemany(
            "INSERT INTO work_results (job_id, worker_outcome, output)"
            " VALUES (?, 'SKIPPED', 'deferred')",
            [(i,) for i in ids],
        )
    return ids


def _undefer(session: Path, ids: list[str]) -> None:
    import sqlite3

    with sqlite3.connect(session) as db:
        db.executemany("DELETE FROM work_results WHERE job_id = ?", [(i,) for i in ids])


def _forget_survivors(session: Path) -> int:
    """Make the survivors of an earlier run pending again, to try them against today's tests."""
    import sqlite3

    with sqlite3.connect(session) as db:
        return db.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED'").rowcount


def _copy_tree(tree: Path) -> None:
    """The tracked (and new, unignored) files of the checkout, copied fresh, plus the venv."""
    if tree.exists():
        shutil.rmtree(tree)
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if not src.is_file():
            continue
        dst = tree / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
    venv = ROOT / ".venv"
    if venv.exists():
        (tree / ".venv").symlink_to(venv.resolve())
    shared = ROOT.parent / "shared"  # the specs and seeds beside the checkout (../shared)
    if shared.exists() and not (tree.parent / "shared").exists():
        (tree.parent / "shared").symlink_to(shared.resolve())
    node_modules = ROOT / "tests" / "e2e" / "node_modules"
    if node_modules.exists():
        (tree / "tests" / "e2e" / "node_modules").symlink_to(node_modules.resolve())


def _equivalents() -> dict[tuple[str, int, str], str]:
    """`| module | line | operator | reason |` rows of tests/mutation_equivalents.md."""
    found = {}
    if not EQUIVALENTS.exists():
        return found
    for line in EQUIVALENTS.read_text().splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[1].isdigit():
            found[(cells[0], int(cells[1]), cells[2])] = cells[3]
    return found


# The database modules' tests get a test database copied from a migrated template before each
# run. Reusing one test database from run to run is not enough: a test that commits ends with a
# flush, and the next run would start without what the migrations created (the role groups, the
# home page), so every later mutant would look killed.
@dataclass(frozen=True)
class Job:
    """One runner of modules, one at a time: its own copy of the tree (a mutant is applied to a
    file in place) and its own databases, so that runners side by side never see each other."""

    tree: Path
    env: dict[str, str]

    @classmethod
    def number(cls, n: int) -> Job:
        url = os.environ["DATABASE_URL"] + (f"_{n}" if n else "")
        tree = OUT / ("tree" if n == 0 else f"tree-{n}")
        return cls(tree, {**os.environ, "DATABASE_URL": url, "PYTHONDONTWRITEBYTECODE": "1"})


def _template_name(url: str) -> str:
    return "mutation_template_" + url.rsplit("/", 1)[1]


def _admin_connection(url: str):
    import psycopg

    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def _template_build(job: Job) -> None:
    """A database migrated as pytest-django would migrate its test database."""
    url = job.env["DATABASE_URL"]
    template = _template_name(url)
    with _admin_connection(url) as db:
        db.execute(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {template}")
        name = url.rsplit("/", 1)[1]
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f'CREATE DATABASE "{name}"')  # a second job's own, beside the cluster's
    env = {**job.env, "DATABASE_URL": url.rsplit("/", 1)[0] + f"/{template}"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=job.tree,
        env={**env, "DJANGO_SETTINGS_MODULE": "lms.settings.test"},
        check=True,
    )


def _fresh_test_db() -> None:
    """The per-mutant command's test database, copied from its job's template."""
    url = os.environ["DATABASE_URL"]
    name = "test_" + url.rsplit("/", 1)[1]
    with _admin_connection(url) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}" TEMPLATE {_template_name(url)}')


def _pytest_options(module: str) -> list[str]:
    options = ["-x", "-q", "-p", "no:cacheprovider"]
    if module in PURE:
        return [*options, "-p", "no:django", "--noconftest", "-o", "addopts="]
    return [*options, "--reuse-db", "-o", "addopts=--strict-markers"]


def _test_command(
    tree: Path, module: str, tests: list[str], *, select: Path | None = None
) -> list[str]:
    if module in PURE:
        return [sys.executable, "-m", "pytest", *_pytest_options(module), *tests]
    wrapper = [sys.executable, str(tree / "devtools" / "mutation.py"), "--fresh-db"]
    if select:
        wrapper += ["--select", str(select)]
    return [*wrapper, *_pytest_options(module), *tests]


_DURATION = re.compile(r"^\s*([\d.]+)s (?:setup|call|teardown)\s+(\S.*?)\s*$")


def _line_map(job: Job, module: str, tests: list[str]) -> tuple[Path, float]:
    """Run the module's selection once under coverage, a context per test, and write which tests
    execute each line (fastest first) beside the session. This is also the unmutated baseline,
    which must pass. Returns the map's path and the run's seconds."""
    from coverage import CoverageData

    slug = module.replace("/", "_").removesuffix(".py")
    data_file = OUT / f"{slug}.coverage"
    data_file.unlink(missing_ok=True)
    # the module's folder, not its dotted name: coverage would import a dotted name's packages
    # before pytest-django has set up the test database
    measure = [f"--cov={Path(module).parent}", "--cov-context=test"]
    measure += ["--cov-report=", "--durations=0", "-vv"]  # the spawn recorder: see _PLUGIN
    spawns = OUT / f"{slug}.spawns.json"
    spawns.unlink(missing_ok=True)
    started = time.monotonic()
    run = subprocess.run(
        _test_command(job.tree, module, tests) + measure,
        cwd=job.tree,
        env={**job.env, "COVERAGE_FILE": str(data_file), "MUTATION_SPAWNS": str(spawns)},
        capture_output=True,
    )
    took = time.monotonic() - started
    if run.returncode != 0:
        print(run.stdout.decode()[-3000:], file=sys.stderr)
        raise SystemExit(f"{module}: its tests fail before any mutation; fix that first.")
    seconds: dict[str, float] = {}
    for line in run.stdout.decode().splitlines():
        if found := _DURATION.match(line):
            seconds[found[2]] = seconds.get(found[2], 0.0) + float(found[1])
    data = CoverageData(basename=str(data_file))
    data.read()
    by_line = {
        n: {c.rsplit("|", 1)[0] for c in contexts}
        for n, contexts in data.contexts_by_lineno(str(job.tree / module)).items()
    }
    spawned = set(json.loads(spawns.read_text()))
    ran = set().union(spawned, *by_line.values()) - {""}
    order = sorted(ran, key=lambda t: (seconds.get(t, 0.0), t))
    rank = {t: i for i, t in enumerate(order)}
    line_map = {
        "path": str(job.tree / module),  # where the mutants are applied
        "original": (job.tree / module).read_text(),
        "options": _pytest_options(module),
        "tests": order,
        "seconds": {t: round(s, 3) for t, s in seconds.items()},  # each test, under coverage
        "spawn": sorted(spawned, key=rank.__getitem__),  # may run any line, out of coverage's sight
        # lines run at import (context ""), which any test may depend on: the whole selection
        "import": sorted(n for n, ran in by_line.items() if "" in ran),
        "lines": {str(n): sorted(ran - {""}, key=rank.__getitem__) for n, ran in by_line.items()},
    }
    path = OUT / f"{slug}.lines.json"
    path.write_text(json.dumps(line_map))
    path.with_suffix(".verified").unlink(missing_ok=True)  # checked against these tests only
    return path, took


def _changed_lines(original: str, mutated: str) -> set[int]:
    """The original's line numbers that a mutant changed (both neighbours of an insertion)."""
    import difflib

    lines: set[int] = set()
    matcher = difflib.SequenceMatcher(a=original.splitlines(), b=mutated.splitlines())
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal":
            lines.update(range(i1 + 1, i2 + 1) if i2 > i1 else (i1, i1 + 1))
    return lines


def _selected(line_map: dict, args: list[str]) -> list[str]:
    """The per-mutant pytest arguments: only the tests that execute the lines the mutant changed,
    fastest first; `args` unchanged (the whole selection) for a line run at import or by no test."""
    changed = _changed_lines(line_map["original"], Path(line_map["path"]).read_text())
    runs = line_map["lines"]
    if not changed or any(n in line_map["import"] or not runs.get(str(n)) for n in changed):
        return args
    wanted = set().union(line_map["spawn"], *(runs[str(n)] for n in changed))
    return [*line_map["options"], *(t for t in line_map["tests"] if t in wanted)]


def _source_hash(module: str) -> str:
    import hashlib

    return hashlib.sha256((ROOT / module).read_bytes()).hexdigest()


def _run_module(
    job: Job, module: str, tests: list[str], equivalents: dict, *, again: str = ""
) -> dict:
    """Run a module's mutants. `again`: "" starts a new session; "survivors" re-runs only the
    earlier survivors; "resume" runs what a stopped run left plus the earlier survivors."""
    slug = module.replace("/", "_").removesuffix(".py")
    session = OUT / f"{slug}.sqlite"
    config = OUT / f"{slug}.toml"
    source = OUT / f"{slug}.sha256"  # the module the session's mutants were cut from
    if again and session.exists() and source.exists():
        if source.read_text().strip() != _source_hash(module):
            raise SystemExit(
                f"{module} changed since its session was made, so its mutants' positions are "
                "stale; run the module without --survivors or --resume."
            )
    tree, env = job.tree, job.env
    began = time.monotonic()
    select = None
    if module in PURE:  # a few seconds a run: the whole selection for every mutant
        started = time.monotonic()
        baseline = subprocess.run(
            _test_command(tree, module, tests), cwd=tree, env=env, capture_output=True
        )
        took = time.monotonic() - started
        if baseline.returncode != 0:
            print(baseline.stdout.decode()[-3000:], file=sys.stderr)
            raise SystemExit(f"{module}: its tests fail before any mutation; fix that first.")
    else:
        _template_build(job)
        select, took = _line_map(job, module, tests)
    cmd = " ".join(_test_command(tree, module, tests, select=select))
    config.write_text(
        "[cosmic-ray]\n"
        f'module-path = "{module}"\n'
        # a backstop: the per-mutant command stops its own runs (`_budget`)
        f"timeout = {max(60.0, round(took * (12 if select else 4), 1))}\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(cmd)}\n"
        "[cosmic-ray.distributor]\n"
        'name = "local"\n'
    )
    cr = Path(sys.executable).with_name("cosmic-ray")
    deferred: list[str] = []
    if again and session.exists():
        if again == "survivors":
            deferred = _defer_pending(session)  # only the survivors now; the rest stays not run
        print(f"{module}: trying {_forget_survivors(session)} earlier survivors again", flush=True)
    else:
        session.unlink(missing_ok=True)
        subprocess.run([cr, "init", config, session], cwd=tree, env=env, check=True)
        source.write_text(_source_hash(module) + "\n")
    _skip_unkept(tree, session, module)
    print(f"{module}: running mutants (baseline {took:.1f} s) ...", flush=True)
    try:
        subprocess.run([cr, "exec", config, session], cwd=tree, env=env, check=True)
    finally:
        _undefer(session, deferred)
    # cosmic-ray restores each file after its mutant; make sure, in case it was interrupted.
    original = (ROOT / module).read_bytes()
    if (tree / module).read_bytes() != original:
        (tree / module).write_bytes(original)
    # The database is reused from mutant to mutant: a test that leaves rows behind (a webhook
    # landing after its test ended) fails every later run, and every later mutant looks killed.
    after = subprocess.run(
        _test_command(tree, module, tests), cwd=tree, env=env, capture_output=True
    )
    if after.returncode != 0:
        print(after.stdout.decode()[-3000:], file=sys.stderr)
        raise SystemExit(
            f"{module}: the unmutated tests fail after the run (state left behind by a test), "
            "so its kills cannot be trusted; fix the test and run the module again."
        )
    elapsed = time.monotonic() - began
    return _summary(module, tests, session, equivalents) | {"seconds": round(elapsed)}


def _run_hand(job: Job) -> list[dict]:
    """Each hand-made mutant applied to the tree copy, its test run, the file restored."""
    results = []
    tree, env = job.tree, job.env
    _template_build(job)
    for path, old, new, test in HAND:
        target = tree / path
        original = target.read_text()
        if original.count(old) != 1:
            raise SystemExit(f"{path}: the hand-made mutant's text is not there once: {old!r}")
        unmutated = subprocess.run(_test_command(tree, path, [test]), cwd=tree, env=env)
        if unmutated.returncode != 0:
            raise SystemExit(f"{test} fails before its hand-made mutant; fix that first.")
        target.write_text(original.replace(old, new))
        try:
            run = subprocess.run(
                _test_command(tree, path, [test]), cwd=tree, env=env, capture_output=True
            )
        finally:
            target.write_text(original)
        killed = run.returncode != 0
        print(f"hand-made {path}: {'killed' if killed else 'SURVIVED'} by {test}", flush=True)
        results.append({"file": path, "from": old, "to": new, "test": test, "killed": killed})
    return results


def _size(module: str) -> int:
    """A stand-in for a module's run time before it has one: its lines, a tenth for pure ones."""
    lines = len((ROOT / module).read_text().splitlines())
    return lines // 10 if module in PURE else lines


def _summary(module: str, tests: list[str], session: Path, equivalents: dict) -> dict:
    """Killed, survived (and which), equivalent, and not yet run, from a module's session."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    result = {"module": module, "tests": tests, "mutants": 0, "killed": 0, "skipped": 0}
    result |= {"survived": [], "equivalent": [], "incompetent": 0, "not_run": 0}
    with use_db(session, WorkDB.Mode.open) as db:
        result["not_run"] = sum(1 for _ in db.pending_work_items)
        for item, outcome in db.completed_work_items:
            if outcome.worker_outcome == WorkerOutcome.SKIPPED:
                result["skipped"] += 1
                continue
            result["mutants"] += 1
            mutation = item.mutations[0]
            if outcome.test_outcome == TestOutcome.KILLED:
                result["killed"] += 1
            elif outcome.test_outcome == TestOutcome.INCOMPETENT:
                result["incompetent"] += 1  # timed out or broke the interpreter: caught
                result["killed"] += 1
            else:
                line = mutation.start_pos[0]
                entry = {
                    "line": line,
                    "operator": mutation.operator_name,
                    "occurrence": mutation.occurrence,
                    "diff": outcome.diff,
                }
                reason = equivalents.get((module, line, mutation.operator_name))
                if reason:
                    result["equivalent"].append(entry | {"reason": reason})
                else:
                    result["survived"].append(entry)
    return result


def _table(results: list[dict], hand: list[dict]) -> str:
    rows = [("module", "mutants", "killed", "survived", "equivalent", "not run")]
    for r in results:
        rows.append(
            (
                r["module"],
                str(r["mutants"]),
                str(r["killed"]),
                str(len(r["survived"])),
                str(len(r["equivalent"])),
                str(r.get("not_run", 0)),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for r in results:
        for s in r["survived"]:
            lines.append(f"SURVIVED {r['module']}:{s['line']} {s['operator']}")
    for h in hand:
        verdict = "killed" if h["killed"] else "SURVIVED"
        lines.append(f"hand-made {h['file']} {verdict} by {h['test']}")
    return "\n".join(lines)


_PLUGIN = ["-p", "devtools.mutation"]  # the recorders below, when their variable is set


def _pytest(args: list[str], *, budget: float | None = None, **env: str) -> int:
    """pytest on a fresh test database; past `budget` seconds (a mutant that loops forever) it
    is stopped and counts as failed."""
    _fresh_test_db()
    command = [sys.executable, "-m", "pytest", *args, *_PLUGIN]
    try:
        return subprocess.run(command, env={**os.environ, **env}, timeout=budget).returncode
    except subprocess.TimeoutExpired:
        print(f"mutation: stopped after {budget:.0f} s", flush=True)
        return 1


def _budget(line_map: dict, tests: list[str]) -> float:
    """Time enough for `tests`: four times what they took under coverage, plus start-up."""
    return 60 + 4 * sum(line_map["seconds"].get(t, 1.0) for t in tests)


def _run_selected(map_path: Path, given: list[str]) -> int:
    """One mutant's tests, chosen by `_selected`. A failure counts as a kill only when the same
    tests, in the same order, pass on the unmutated module: a test that fails for want of what
    an earlier test left warm (a per-process cache) would otherwise kill every mutant it runs
    first for. When they fail unmutated too, the whole selection, in its own order, decides."""
    line_map = json.loads(map_path.read_text())
    chosen = _selected(line_map, given)
    whole = _budget(line_map, list(line_map["seconds"]))
    if chosen is given:
        return _pytest(given, budget=whole)
    ran = map_path.with_suffix(f".ran-{os.getpid()}")
    try:
        budget = _budget(line_map, chosen[len(line_map["options"]) :])
        outcome = _pytest(chosen, budget=budget, MUTATION_RAN=str(ran))
        executed = json.loads(ran.read_text()) if ran.exists() else []
    finally:
        ran.unlink(missing_ok=True)
    if outcome == 0 or not executed:  # survived, or the mutant broke the import itself
        return outcome
    # the same tests in the same order already passed unmutated for an earlier mutant
    verified = map_path.with_suffix(".verified")
    key = json.dumps(executed)
    if verified.exists() and key in verified.read_text().splitlines():
        return outcome
    module = Path(line_map["path"])
    mutated = module.read_text()
    module.write_text(line_map["original"])
    try:
        unmutated = _pytest([*line_map["options"], *executed], budget=whole)
    finally:
        module.write_text(mutated)
    if unmutated == 0:
        with verified.open("a") as known:
            known.write(key + "\n")
        return outcome
    print("mutation: these tests fail unmutated too; the whole selection decides", flush=True)
    return _pytest(given, budget=whole)


class _RanRecorder:
    """A pytest plugin for a mutant's run: the tests it ran, in order (the failing one last)."""

    def __init__(self, path: str) -> None:
        self.path, self.ran = path, []

    def pytest_runtest_logstart(self, nodeid, location) -> None:
        self.ran.append(nodeid)

    def pytest_unconfigure(self, config) -> None:
        Path(self.path).write_text(json.dumps(self.ran))


class _SpawnRecorder:
    """A pytest plugin for the coverage run: which tests start a process."""

    def __init__(self, path: str) -> None:
        self.path, self.current, self.spawned = path, "", set()
        start = subprocess.Popen.__init__

        def recorded(popen, *args, **kwargs):
            if self.current:
                self.spawned.add(self.current)
            start(popen, *args, **kwargs)

        subprocess.Popen.__init__ = recorded

    def pytest_runtest_logstart(self, nodeid, location) -> None:
        self.current = nodeid

    def pytest_runtest_logfinish(self, nodeid, location) -> None:
        self.current = ""

    def pytest_unconfigure(self, config) -> None:
        Path(self.path).write_text(json.dumps(sorted(self.spawned)))


def pytest_configure(config) -> None:  # loaded by `-p devtools.mutation` (the runs above)
    if path := os.environ.get("MUTATION_SPAWNS"):
        config.pluginmanager.register(_SpawnRecorder(path), "mutation-spawns")
    if path := os.environ.get("MUTATION_RAN"):
        config.pluginmanager.register(_RanRecorder(path), "mutation-ran")


def main() -> int:
    if sys.argv[1:2] == ["--fresh-db"]:  # the per-mutant test command: a fresh test database
        args = sys.argv[2:]
        if args[:1] == ["--select"]:  # only the tests that run the mutated lines
            return _run_selected(Path(args[1]), args[2:])
        _fresh_test_db()
        os.execv(sys.executable, [sys.executable, "-m", "pytest", *args, *_PLUGIN])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", choices=sorted(MODULES), help="only these")
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="keep each module's earlier session: run only its survivors (and anything not run "
        "yet) against the current tests",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep each module's earlier session: run what a stopped run did not reach, and its "
        "survivors again",
    )
    parser.add_argument(
        "--report", action="store_true", help="only report what the sessions on disk hold"
    )
    parser.add_argument(
        "--hand", action="store_true", help="only the hand-made mutants (HAND), no module"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="modules run side by side, each on its own tree copy and database (default: one "
        "per core; a job is one pytest and one PostgreSQL backend at a time)",
    )
    args = parser.parse_args()
    if not args.report and "DATABASE_URL" not in os.environ:
        raise SystemExit("Run it through tests/pg_cluster.py (make mutation does).")
    OUT.mkdir(parents=True, exist_ok=True)
    equivalents = _equivalents()
    report_path = OUT / "report.json"
    previous = json.loads(report_path.read_text()) if report_path.exists() else {}
    hand = previous.get("hand", [])
    by_module = {}
    if args.report:  # what the sessions on disk hold, including a run stopped half-way
        for module, tests in MODULES.items():
            session = OUT / f"{module.replace('/', '_').removesuffix('.py')}.sqlite"
            if session.exists():
                by_module[module] = _summary(module, tests, session, equivalents)
    else:
        modules = [] if args.hand else args.module or list(MODULES)
        jobs = [Job.number(n) for n in range(max(1, min(args.jobs, len(modules))))]
        for job in jobs:
            _copy_tree(job.tree)
        by_module = {r["module"]: r for r in previous.get("modules", [])}
        again = "resume" if args.resume else "survivors" if args.survivors else ""
        # The longest first (by the last run's time, else the module's size), so the jobs end
        # together.
        took = {r["module"]: r.get("seconds", 0) for r in previous.get("modules", [])}
        queue = sorted(modules, key=lambda m: took.get(m) or _size(m), reverse=True)
        lock, failures = threading.Lock(), []

        def work(job: Job) -> None:
            while True:
                with lock:
                    if failures or not queue:
                        return
                    module = queue.pop(0)
                try:
                    result = _run_module(job, module, MODULES[module], equivalents, again=again)
                except BaseException as error:  # a SystemExit (tests failing unmutated) too
                    with lock:
                        failures.append(error)
                    return
                with lock:
                    by_module[module] = result
                    report = [by_module[m] for m in MODULES if m in by_module]
                    report_path.write_text(json.dumps({"modules": report, "hand": hand}, indent=2))

        threads = [threading.Thread(target=work, args=(job,)) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]
        if args.hand or not args.module:
            hand = _run_hand(jobs[0])
    results = [by_module[m] for m in MODULES if m in by_module]
    report_path.write_text(json.dumps({"modules": results, "hand": hand}, indent=2))
    table = _table(results, hand)
    (OUT / "report.txt").write_text(table + "\n")
    print(table)
    return 1 if any(r["survived"] for r in results) or not all(h["killed"] for h in hand) else 0


if __name__ == "__main__":
    sys.exit(main())
