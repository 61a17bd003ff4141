"""Adopted budget lines keep their office's code, so that RAB lines group the kepala dusun of every dusun as one
office (docs/budget.md). Lines adopted before are given it from their label where the label names an office."""

from django.db import migrations, models

# The offices' labels when these lines were adopted (officials.Office), longest first so that a label is matched
# by the whole name of its office. Frozen here: a later rename of a label must not change what old lines read.
LABELS = sorted(
    {
        "Kepala Desa": "kepala_desa",
        "Sekretaris Desa": "sekretaris_desa",
        "Kaur Tata Usaha dan Umum": "kaur_tu_umum",
        "Kaur Keuangan": "kaur_keuangan",
        "Kaur Perencanaan": "kaur_perencanaan",
        "Kasi Pemerintahan": "kasi_pemerintahan",
        "Kasi Kesejahteraan": "kasi_kesejahteraan",
        "Kasi Pelayanan": "kasi_pelayanan",
        "Kepala Dusun": "kepala_dusun",
        "Ketua BPD": "bpd_ketua",
        "Wakil Ketua BPD": "bpd_wakil_ketua",
        "Sekretaris BPD": "bpd_sekretaris",
        "Anggota BPD": "bpd_anggota",
    }.items(),
    key=lambda item: -len(item[0]),
)
ACTING = ("Pj ", "Plt ")  # officials.models.office_label puts the acting kind first


def office_from_label(label: str) -> str:
    """ "Plt Sekretaris Desa" → "sekretaris_desa", "Kepala Dusun Sukamaju" → "kepala_dusun"; "" if none."""
    for prefix in ACTING:
        label = label.removeprefix(prefix)
    for text, office in LABELS:
        if label == text or label.startswith(text + " "):
            return office
    return ""


def fill_office(apps, schema_editor):
    BudgetLine = apps.get_model("budget", "BudgetLine")
    for label in list(BudgetLine.objects.values_list("office_label", flat=True).distinct()):
        office = office_from_label(label)
        if office:
            BudgetLine.objects.filter(office_label=label).update(office=office)


class Migration(migrations.Migration):
    dependencies = [("budget", "0004_budget_labels")]

    operations = [
        migrations.AddField(
            model_name="budgetline",
            name="office",
            field=models.CharField(blank=True, default="", max_length=24),
        ),
        migrations.RunPython(fill_office, migrations.RunPython.noop, elidable=True),
    ]
