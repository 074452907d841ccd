"""The platform's own source, for the tests that read it: the apps in their layers (lowest
first, as the README's "Where things live" says) and each app's modules."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["lms", "enrollment", "payments", "courses", "exams", "certification"]


def app_modules(app: str, root: Path = ROOT) -> list[Path]:
    """The app's Python files, migrations left out."""
    return [p for p in (root / app).rglob("*.py") if "migrations" not in p.parts]
