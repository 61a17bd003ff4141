"""A button pressed twice queues its import once: "Simpan hasil ini" and "Coba lagi" pressed again (a slow
link) make two requests that may both read the batch before either writes it."""

import pytest

from lindungdesa.imports.models import ImportBatch
from lindungdesa.imports.services import batch_commit_preview, batch_retry

pytestmark = pytest.mark.django_db


def batch(state: str, **fields) -> ImportBatch:
    return ImportBatch.objects.create(
        kind=ImportBatch.Kind.ROSTER, file_name="daftar.csv", state=state, **fields
    )


def test_the_second_of_two_saves_read_at_once_is_refused():
    kept = batch(ImportBatch.State.PREVIEWED, dry_run=True)
    first, second = ImportBatch.objects.get(pk=kept.pk), ImportBatch.objects.get(pk=kept.pk)
    batch_commit_preview(first)
    with pytest.raises(ValueError, match="Hanya uji coba yang selesai yang dapat disimpan."):
        batch_commit_preview(second)  # it read PREVIEWED too, before the first wrote
    kept.refresh_from_db()
    assert (kept.state, kept.dry_run) == (ImportBatch.State.PENDING, False)


def test_the_second_of_two_retries_read_at_once_is_refused():
    kept = batch(ImportBatch.State.FAILED, file="imports/2026/12/daftar.csv", message="Impor terhenti")
    first, second = ImportBatch.objects.get(pk=kept.pk), ImportBatch.objects.get(pk=kept.pk)
    assert batch_retry(first).state == ImportBatch.State.PENDING
    with pytest.raises(ValueError, match="Hanya impor yang gagal"):
        batch_retry(second)
    kept.refresh_from_db()
    assert (kept.state, kept.message, kept.finished_at) == (ImportBatch.State.PENDING, "", None)


def test_a_failed_batch_without_its_file_is_not_retried():
    kept = batch(ImportBatch.State.FAILED)
    with pytest.raises(ValueError):
        batch_retry(kept)
    kept.refresh_from_db()
    assert kept.state == ImportBatch.State.FAILED
