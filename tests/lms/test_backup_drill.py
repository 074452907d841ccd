"""The backup drill of the README, run for real: a populated database (the demo data: people at
every step, payments, certificates, audit rows; and uploads in the object store) is dumped with
`pg_dump -Fc`, restored with `pg_restore` into a new database, and the bucket is copied out and
back into a new bucket, as `aws s3 sync` does. Every row of every table, and every upload, must
come back intact (counts and content hashes; sha256 per file)."""

import hashlib
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from enrollment.models import Application, ApplicationUpload
from enrollment.uploads import save_upload
from tests.pg_cluster import _bindir
from tests.samples import image_bytes, pdf_bytes

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# What losing would be unrecoverable for a person: each must be there, and restored intact.
RECORDS = (
    "enrollment_application",
    "enrollment_applicationupload",
    "payments_payment",
    "payments_paymentlineitem",
    "certification_certification",
    "certification_certificationevent",
    "lms_auditevent",
    "lms_user",
)


def _conninfo(dbname: str) -> str:
    s = connection.settings_dict
    return f"host={s['HOST']} port={s['PORT']} user={s['USER']} dbname={dbname}"


def _pg(tool: str, *args: str) -> None:
    s = connection.settings_dict
    command = [str(_bindir() / tool), "-h", s["HOST"], "-p", str(s["PORT"]), "-U", s["USER"]]
    result = subprocess.run([*command, *args], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]


def _fingerprint(dbname: str) -> dict[str, tuple[int, str]]:
    """Every table of the schema: its row count and an md5 over all its rows, in a set order."""
    with psycopg.connect(_conninfo(dbname)) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        found = {}
        for table in tables:
            found[table] = db.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                f' FROM "{table}" t'
            ).fetchone()
        return found


def _uploads(dbname: str) -> list[str]:
    with psycopg.connect(_conninfo(dbname)) as db:
        rows = db.execute("SELECT storage_name FROM enrollment_applicationupload ORDER BY id")
        return [row[0] for row in rows]


def _hashes(store, bucket: str) -> dict[str, str]:
    client = store.client()
    return {
        key: hashlib.sha256(client.get_object(Bucket=bucket, Key=key)["Body"].read()).hexdigest()
        for key in store.keys(bucket)
    }


def _sync_down(store, bucket: str, folder: Path) -> None:
    """What `aws s3 sync s3://bucket folder` does: every object to a file of the same key."""
    client = store.client()
    for key in store.keys(bucket):
        target = folder / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(client.get_object(Bucket=bucket, Key=key)["Body"].read())


def _sync_up(store, folder: Path, bucket: str) -> None:
    client = store.client()
    client.create_bucket(Bucket=bucket)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        client.put_object(
            Bucket=bucket, Key=path.relative_to(folder).as_posix(), Body=path.read_bytes()
        )


@pytest.fixture
def s3_private(settings, object_store):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": object_store.storage_options(),
        },
    }
    return object_store


def test_a_dumped_database_and_copied_bucket_restore_every_record_and_upload(
    settings, s3_private, tmp_path
):
    settings.DEBUG = True  # seed_demo runs only with DEBUG on
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    originals = {}
    for number, application in enumerate(Application.objects.order_by("pk")[:6]):
        content = pdf_bytes(pages=number + 1) if number % 2 == 0 else image_bytes("PNG")
        name, kind, size = save_upload(SimpleUploadedFile(f"transcript-{number}", content))
        ApplicationUpload.objects.create(
            application=application,
            purpose=ApplicationUpload.Purpose.TRANSCRIPT,
            storage_name=name,
            original_name=f"transcript-{number}.{kind}",
            kind=kind,
            size=size,
        )
        originals[name] = hashlib.sha256(content).hexdigest()
    in_bucket = _hashes(s3_private, s3_private.bucket)
    assert all(in_bucket[f"private/{name}"] == digest for name, digest in originals.items())

    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    dump = tmp_path / "lms.dump"
    _pg("pg_dump", "-Fc", "--no-owner", "-f", str(dump), source)
    backup = tmp_path / "bucket-backup"
    _sync_down(s3_private, s3_private.bucket, backup)

    _pg("createdb", restored)
    try:
        _pg("pg_restore", "--no-owner", "--exit-on-error", "-d", restored, str(dump))
        before, after = _fingerprint(source), _fingerprint(restored)
        restored_uploads = _uploads(restored)
    finally:
        _pg("dropdb", restored)

    assert after == before
    for table in RECORDS:
        assert before[table][0] > 0, f"the drill has no {table} rows to restore"
    assert len(before) > 50  # every table of the schema was compared, not just a few

    _sync_up(s3_private, backup, "bhcm-restored")
    assert _hashes(s3_private, "bhcm-restored") == in_bucket
    assert {f"private/{name}" for name in restored_uploads} <= set(in_bucket)
    assert set(originals) <= set(restored_uploads)
