"""The letter number names its sending office as a field, `{office}` (DPMD or DPMPD: Case.letter_office),
where a DPMD's letter had "DPMPD" of the round's format replaced by "DPMD". A stored format that names the
DPMPD now names `{office}` there: its next numbers read as before; the numbers already given are kept as
they are (Case.letter_number)."""

from django.db import migrations, models


def office_named(apps, schema_editor):
    Round = apps.get_model("monev", "Round")
    for round_ in Round.objects.filter(letter_number_format__contains="DPMPD").exclude(
        letter_number_format__contains="{office}"
    ):
        round_.letter_number_format = round_.letter_number_format.replace("DPMPD", "{office}")
        round_.save(update_fields=["letter_number_format"])


def office_written(apps, schema_editor):
    Round = apps.get_model("monev", "Round")
    for round_ in Round.objects.filter(letter_number_format__contains="{office}"):
        round_.letter_number_format = round_.letter_number_format.replace("{office}", "DPMPD")
        round_.save(update_fields=["letter_number_format"])


class Migration(migrations.Migration):
    dependencies = [("monev", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="round",
            name="letter_number_format",
            field=models.CharField(
                default="400.10/{n}/{office}/{year}", max_length=80, verbose_name="format nomor surat"
            ),
        ),
        migrations.RunPython(office_named, office_written),
    ]
