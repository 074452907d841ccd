from django.db import migrations

from lms.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_curriculum"),
        ("enrollment", "0003_degree_list_and_roles"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
