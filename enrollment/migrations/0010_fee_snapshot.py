from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations, models


def _cents(amount) -> int:
    return int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def fix_submitted_fees(apps, schema_editor):
    """Applications already submitted keep the fees in force today (the policy row, else the
    spec's defaults)."""
    Application = apps.get_model("enrollment", "Application")
    Policy = apps.get_model("enrollment", "CertificationPolicy")
    row = Policy.objects.order_by("pk").first()
    day_fee = row.day_fee if row else Decimal("25")
    reapplication_fee = row.reapplication_fee if row else Decimal("15")
    Application.objects.filter(submitted_on__isnull=False, day_fee_cents__isnull=True).update(
        day_fee_cents=_cents(day_fee), reapplication_fee_cents=_cents(reapplication_fee)
    )


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0009_resubmission")]

    operations = [
        migrations.AddField(
            model_name="application",
            name="day_fee_cents",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                help_text="Classroom fee per day, when submitted.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="reapplication_fee_cents",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                help_text="Reapplication fee, when submitted.",
                null=True,
            ),
        ),
        migrations.RunPython(fix_submitted_fees, migrations.RunPython.noop),
    ]
