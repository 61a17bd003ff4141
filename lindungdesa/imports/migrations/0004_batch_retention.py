from django.core.files.storage import default_storage
from django.db import migrations, models


def file_sizes_fill(apps, schema_editor):
    """The size of every file already kept, for the upload quota; a file no longer there counts nothing."""
    ImportBatch = apps.get_model("imports", "ImportBatch")
    for batch in ImportBatch.objects.exclude(file="").only("pk", "file").iterator():
        try:
            size = default_storage.size(batch.file.name)
        except OSError:
            continue
        ImportBatch.objects.filter(pk=batch.pk).update(file_size=size)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0003_batch_change_runs"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="file_size",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="missing_columns",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="pruned_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(file_sizes_fill, migrations.RunPython.noop),
    ]
