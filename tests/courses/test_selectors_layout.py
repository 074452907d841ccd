"""`courses.selectors` is a package split by sub-domain: no module past the ~400-line split
point of the style guide, and every public name still importable from the package."""

import ast
from pathlib import Path

import courses.selectors

PACKAGE = Path(courses.selectors.__file__).parent
SUB_DOMAINS = {"access", "catalogue", "checks", "pages", "progress"}


def _defined(path: Path) -> list[str]:
    """The public names a module defines itself (functions, classes, constants)."""
    names = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
    return [n for n in names if not n.startswith("_") and n != "S"]


def test_no_selectors_module_is_over_400_lines():
    sizes = {p.stem: len(p.read_text().splitlines()) for p in PACKAGE.glob("*.py")}
    assert SUB_DOMAINS <= set(sizes)
    assert max(sizes.values()) <= 400, sizes


def test_the_package_re_exports_each_sub_domain_s_public_names():
    for stem in SUB_DOMAINS:
        module = __import__(f"courses.selectors.{stem}", fromlist=["_"])
        for name in _defined(PACKAGE / f"{stem}.py"):
            assert getattr(courses.selectors, name) is getattr(module, name), name
            assert name in courses.selectors.__all__, name
