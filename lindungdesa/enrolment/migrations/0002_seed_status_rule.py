from datetime import date

from django.db import migrations


def seed(apps, schema_editor):
    StatusRule = apps.get_model("enrolment", "StatusRule")
    StatusRule.objects.get_or_create(
        valid_from=date(2015, 7, 1),
        defaults={
            "grace_months": 1,
            "lapse_months": 3,
            "legal_basis": (
                "PP 44/2015 dan ketentuan BPJS Ketenagakerjaan: peserta PU menjadi tidak aktif setelah 3 bulan "
                "berturut-turut tidak membayar iuran. Aturan Lindung Desa: terlindungi pada bulan M bila iuran "
                "lunas sampai M-1 atau lebih; menunggak bila lunas sampai M-2 atau M-3."
            ),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("enrolment", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
