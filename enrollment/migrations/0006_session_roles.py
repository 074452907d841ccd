from django.db import migrations

from lms.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0005_session_links"),
        ("courses", "0002_roles"),
        ("payments", "0002_payments"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
