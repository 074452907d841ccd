"""Every task name the Celery app is asked for exists: the periodic jobs of `lms/celery.py`'s
beat schedule (django-celery-beat keeps those names in the database, so a module that moves must
keep its tasks' names) and every task the code enqueues with `.delay()` / `.apply_async()`."""

import ast
import importlib

from lms.celery import app
from tests.codebase import LAYERS, ROOT, app_modules

ENQUEUE = {"delay", "apply_async"}


def _registered() -> set[str]:
    app.loader.import_default_modules()  # what a worker imports at start (autodiscovery)
    return set(app.tasks)


def _enqueued() -> list[tuple[str, str, str]]:
    """(where, module, name) of every `name.delay(...)` / `name.apply_async(...)` in the apps,
    `module` being where `name` comes from (its import, or the module itself)."""
    found = []
    for app_name in LAYERS:
        for path in app_modules(app_name):
            tree = ast.parse(path.read_text())
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            imported = {
                alias.asname or alias.name: node.module
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module
                for alias in node.names
            }
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ENQUEUE
                    and isinstance(node.func.value, ast.Name)
                ):
                    name = node.func.value.id
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.append((where, imported.get(name, module), name))
    return found


def test_every_scheduled_task_is_registered():
    registered = _registered()
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled, "the beat schedule is empty: is lms/celery.py still where it is read?"
    assert scheduled - registered == set()


def test_every_enqueued_task_is_registered():
    registered = _registered()
    enqueued = _enqueued()
    assert enqueued, "no .delay() found: is the scan still looking in the right place?"
    for where, module, name in enqueued:
        task = getattr(importlib.import_module(module), name)
        assert task.name in registered, f"{where}: {name} ({task.name}) is not registered"


def test_the_enrollment_tasks_keep_their_scheduled_names():
    assert {
        "enrollment.tasks.applications_expire_task",
        "enrollment.tasks.application_reminders_task",
        "enrollment.classroom_tasks.registration_reminders_task",
        "enrollment.classroom_tasks.waitlist_offers_expire_task",
    } <= _registered()
