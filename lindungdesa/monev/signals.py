"""Cases move to *terdaftar* on their own when a finished import or a new snapshot shows the village
covered."""

from django.db import transaction
from django.db.models.signals import post_save

from lindungdesa.imports.models import ImportBatch
from lindungdesa.indicators.services import snapshot_taken


def _batch_saved(sender, instance: ImportBatch, **kwargs) -> None:
    if instance.dry_run or instance.state != ImportBatch.State.DONE:
        return
    from .services import cases_close_by_evidence

    evidence = f"Impor #{instance.pk} ({instance.file_name})"
    transaction.on_commit(lambda: cases_close_by_evidence(evidence=evidence))


def _snapshot(sender, snapshot, **kwargs) -> None:
    from .services import cases_close_by_evidence

    cases_close_by_evidence(evidence=f"Potret {snapshot.period}")


def connect() -> None:
    post_save.connect(_batch_saved, sender=ImportBatch, dispatch_uid="monev-batch-done")
    snapshot_taken.connect(_snapshot, dispatch_uid="monev-snapshot")
