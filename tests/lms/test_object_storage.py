"""Production keeps every upload in the object store (S3 API; moto's server stands in here):
nothing lands in a local folder, and a download streams back through the app."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories.enrollment import EXAMPLE_ENV, LOCAL_PATHS
from tests.samples import pdf_bytes

ROOT = Path(__file__).resolve().parents[2]

# Run inside a production process: save an applicant upload (the checker every upload uses), a
# Wagtail document and a deck import the way the app does, then read the upload back the way a
# download does.
PRODUCTION_WRITES = """
import json, sys
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from enrollment.uploads import private_file_response, save_upload
pdf = open(sys.argv[1], "rb").read()
name, kind, size = save_upload(SimpleUploadedFile("transcript.pdf", pdf))
document = storages["default"].save("documents/handbook.txt", ContentFile(b"handbook"))
deck = storages["private"].save("imports/deck.pptx", ContentFile(b"deck"))
body = b"".join(private_file_response(name, filename="t.pdf", kind=kind).streaming_content)
print(json.dumps({
    "upload": name, "document": document, "deck": deck, "same_bytes": body == pdf,
    "backends": [type(storages[a]).__name__ for a in ("private", "default")],
}))
"""


def test_uploads_under_production_settings_go_to_the_object_store(object_store, tmp_path):
    var = tmp_path / "var"
    sample = tmp_path / "sample.pdf"
    sample.write_bytes(pdf_bytes())
    clean = {k: v for k, v in os.environ.items() if k not in {*EXAMPLE_ENV, *LOCAL_PATHS}}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    env = {**clean, **EXAMPLE_ENV, **object_store.env, "LMS_VAR_DIR": str(var)}
    result = subprocess.run(
        [sys.executable, "-c", _script(), str(sample)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    saved = json.loads(result.stdout.strip().splitlines()[-1])
    assert saved["backends"] == ["S3Storage", "S3Storage"]
    assert saved["same_bytes"] is True
    keys = object_store.keys()
    assert f"private/{saved['upload']}" in keys
    assert f"private/{saved['deck']}" in keys
    assert f"media/{saved['document']}" in keys
    # Not one file on the local disk: no var/, no media/, no private/ folder.
    assert not var.exists() or not [p for p in var.rglob("*") if p.is_file()]
    assert not (ROOT / "var" / "private" / saved["upload"]).exists()


def _script() -> str:
    setup = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'lms.settings.production';"
        " django.setup()\n"
    )
    return setup + PRODUCTION_WRITES


@pytest.mark.parametrize("alias", ["private", "default"])
def test_the_embedded_default_stays_a_local_folder(alias, settings):
    from django.core.files.storage import FileSystemStorage, storages

    assert isinstance(storages[alias], FileSystemStorage)
