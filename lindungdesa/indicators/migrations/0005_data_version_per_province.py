from django.core.management.color import no_style
from django.db import migrations, models


def province_rows(apps, schema_editor):
    """Each loaded province starts from the national version (the one row so far): what was kept under it
    is read again once, then a change in one province leaves the others' kept results in use."""
    DataVersion = apps.get_model("indicators", "DataVersion")
    Region = apps.get_model("regions", "Region")
    if schema_editor is not None:
        # The one row was made with its key given (pk=1): PostgreSQL's sequence has not moved past it, and
        # the first row made now would collide with it (and be dropped, ignore_conflicts).
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [DataVersion]):
                cursor.execute(sql)
    national = DataVersion.objects.filter(province="").first()
    if national is None:
        return
    DataVersion.objects.bulk_create(
        [
            DataVersion(province=code, version=national.version, changed_at=national.changed_at)
            for code in Region.objects.filter(level=1).order_by("code").values_list("code", flat=True)
        ],
        ignore_conflicts=True,
    )


def province_rows_back(apps, schema_editor):
    apps.get_model("indicators", "DataVersion").objects.exclude(province="").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_region_figure_serving_without_nik"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataversion",
            name="province",
            field=models.CharField(blank=True, default="", max_length=2),
        ),
        migrations.AddConstraint(
            model_name="dataversion",
            constraint=models.UniqueConstraint(fields=("province",), name="data_version_per_province"),
        ),
        migrations.AddField(
            model_name="snapshot",
            name="province_versions",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(province_rows, province_rows_back),
    ]
