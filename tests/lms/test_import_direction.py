"""Imports between apps run one way (README "Where things live"):

    lms  <  enrollment  <  payments  <  courses  <  exams  <  certification

A module may import from its own app and from any app to its left, never from one to its right.
A lower app that must show or check something a higher app owns names a Wagtail hook and the
higher app registers into it (README "Where things live" lists those hooks). Migrations are
exempt (Django writes their dependencies), and so are tests.
"""

import ast
from pathlib import Path

from tests.codebase import LAYERS, ROOT, app_modules

RANK = {app: i for i, app in enumerate(LAYERS)}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _violations(root: Path = ROOT) -> list[str]:
    bad = []
    for app in LAYERS:
        for path in app_modules(app, root):
            for lineno, module in _imports(path):
                target = module.split(".")[0]
                if target in RANK and RANK[target] > RANK[app]:
                    bad.append(f"{path.relative_to(root)}:{lineno} imports {module}")
    return bad


def test_every_app_hasapp_modules():
    for app in LAYERS:
        assert app_modules(app), f"{app}/ has no Python modules: is the layer list out of date?"


def _app_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Which other apps each app's modules import."""
    graph = {app: set() for app in LAYERS}
    for app in LAYERS:
        for path in app_modules(app, root):
            for _, module in _imports(path):
                target = module.split(".")[0]
                if target in RANK and target != app:
                    graph[app].add(target)
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every circle of imports between apps, as the path that closes it (found by a depth-first
    walk, independent of the layer order)."""
    found, done = [], set()

    def walk(app: str, trail: list[str]) -> None:
        if app in trail:
            found.append(trail[trail.index(app) :] + [app])
            return
        if app in done:
            return
        for target in sorted(graph.get(app, ())):
            walk(target, trail + [app])
        done.add(app)

    for app in sorted(graph):
        walk(app, [])
    return found


def test_imports_run_one_way():
    assert _violations() == [], "imports against the direction: use a hook the lower app names"


def test_no_circle_between_apps():
    assert _circles(_app_graph()) == []


def test_the_circle_check_finds_a_circle():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert _circles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_the_check_catches_an_upward_import(tmp_path):
    # The check itself must be able to fail: an enrollment module importing exams is caught.
    for app in LAYERS:
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
    (tmp_path / "enrollment" / "bad.py").write_text("from exams.selectors import x\n")
    (tmp_path / "exams" / "fine.py").write_text("from enrollment.models import y\n")
    assert _violations(tmp_path) == ["enrollment/bad.py:1 imports exams.selectors"]
    assert _circles(_app_graph(tmp_path)) == [["enrollment", "exams", "enrollment"]]


def test_enrollment_itself_has_no_payments_import():
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in app_modules("enrollment")
        for line, module in _imports(path)
        if module.split(".")[0] == "payments"
    ]
    assert found == []


def _test_helper_imports(root: Path = ROOT) -> list[str]:
    """Imports of a test module or of a conftest from anywhere in tests/: shared builders live in
    tests/factories/, shared fixtures in tests/conftest.py."""
    bad = []
    for path in (root / "tests").rglob("*.py"):
        if "node_modules" in path.parts:
            continue
        for lineno, module in _imports(path):
            last = module.split(".")[-1]
            if module.startswith("tests.") and (last == "conftest" or last.startswith("test_")):
                bad.append(f"{path.relative_to(root)}:{lineno} imports {module}")
    return bad


def test_no_test_module_imports_another_test_module_or_a_conftest():
    assert _test_helper_imports() == []


def test_the_test_helper_check_sees_such_an_import(tmp_path):
    (tmp_path / "tests" / "payments").mkdir(parents=True)
    (tmp_path / "tests" / "payments" / "test_x.py").write_text(
        "from tests.payments.conftest import fake_deliver\n"
        "from tests.enrollment.test_booking import make_session\n"
    )
    assert _test_helper_imports(tmp_path) == [
        "tests/payments/test_x.py:1 imports tests.payments.conftest",
        "tests/payments/test_x.py:2 imports tests.enrollment.test_booking",
    ]
