from decimal import Decimal

from django.db import migrations

SOURCE = "Target Universal Coverage Jamsostek Provinsi Kalimantan Barat (dipublikasikan 2025)"
TARGETS = {2025: "59.56", 2026: "60.80", 2030: "65.77"}


def seed(apps, schema_editor):
    Target = apps.get_model("indicators", "Target")
    for year, value in TARGETS.items():
        Target.objects.get_or_create(
            region_code="61", indicator="ucj", year=year, defaults={"value": Decimal(value), "source": SOURCE}
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
