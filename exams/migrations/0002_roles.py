from django.db import migrations

from lms.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0001_bank_attempts"),
        ("courses", "0002_roles"),
        ("enrollment", "0006_session_roles"),
        ("payments", "0002_payments"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
