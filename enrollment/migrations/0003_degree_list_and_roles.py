from django.db import migrations

from lms.roles import sync_role_groups

# The behavioral-health fields named in OAC 450:50 (seed 001) and the FAQ's "education degree".
APPROVED_DEGREES = [
    "Chemical dependency studies",
    "Criminal justice",
    "Early childhood development",
    "Education",
    "Family studies",
    "Gerontology",
    "Human developmental psychology",
    "Human resources/services counseling",
    "Occupational therapy",
    "Psychology",
    "Rehabilitative services",
    "School guidance/counseling",
    "Social work",
    "Sociology",
]


def seed_degrees(apps, schema_editor):
    ApprovedDegree = apps.get_model("enrollment", "ApprovedDegree")
    for name in APPROVED_DEGREES:
        ApprovedDegree.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0002_applications"),
        ("lms", "0004_roles"),
    ]

    operations = [
        migrations.RunPython(seed_degrees, migrations.RunPython.noop),
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
    ]
