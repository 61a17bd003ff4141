"""How long uploads are kept, the command that prunes them, and the upload quota (issue 18, defect 8)."""

import io
import json
import os
import re
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from lindungdesa.accounts.models import User
from lindungdesa.api.auth import token_create
from lindungdesa.imports.engine import batch_create
from lindungdesa.imports.models import BatchChange, ImportBatch, RejectedRow
from lindungdesa.imports.retention import (
    QuotaExceeded,
    kept_until,
    stored_upload_bytes,
    undo_expired,
    upload_quota_check,
    uploads_prune,
)
from lindungdesa.imports.services import UndoRefused, batch_process, batch_undo, roster_import_file
from lindungdesa.imports.summary import ImportFailed
from lindungdesa.imports.tasks import next_prune, uploads_prune_schedule
from lindungdesa.lib.readlimits import MB, ReadLimits
from lindungdesa.officials.models import Person
from tests.imports.conftest import ROSTER_HEADER, to_csv

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture(autouse=True)
def _retention(settings):
    settings.IMPORT_DRAFT_DAYS = 7
    settings.IMPORT_UNDO_DAYS = 30
    settings.IMPORT_QUOTA_MB = 1


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_user(
        username="rudi", password="x" * 12, role=User.Role.REGENCY_OPERATOR, region_id="61.03"
    )


def roster(people, *serials: int) -> bytes:
    rows = [people.row(f"Orang {s}", "Kepala Dusun", serial=s, nama_dusun=f"Dusun {s}") for s in serials]
    rows.append(people.row("Bukan Jabatan", "Camat", serial=99))  # one rejected row each time
    return to_csv(ROSTER_HEADER, rows)


def saved(people, operator, *serials: int) -> ImportBatch:
    summary = roster_import_file(data=roster(people, *serials), file_name="daftar.csv", user=operator)
    return ImportBatch.objects.get(pk=summary.batch)


def previewed(people, operator) -> ImportBatch:
    batch = batch_create(
        kind="roster", data=roster(people, 50), file_name="uji.csv", user=operator, scope_code="61.03",
        dry_run=True,
    )  # fmt: skip
    batch_process(batch)
    batch.refresh_from_db()
    return batch


def failed(operator) -> ImportBatch:
    batch = batch_create(kind="roster", data=b"PK\x03\x04 rusak", file_name="rusak.xlsx", user=operator)
    with pytest.raises(ImportFailed):
        batch_process(batch)
    batch.refresh_from_db()
    return batch


def aged(batch: ImportBatch, days: float, *, field: str = "finished_at") -> ImportBatch:
    ImportBatch.objects.filter(pk=batch.pk).update(**{field: NOW - timedelta(days=days)})
    batch.refresh_from_db()
    return batch


def stored(batch: ImportBatch) -> bool:
    return bool(batch.file) and default_storage.exists(batch.file.name)


# ---------------------------------------------------------------------------------------------------------
# What goes and what stays


def test_old_dry_runs_and_failures_are_deleted_whole_young_ones_stay(people, operator):
    old_preview, old_failure = aged(previewed(people, operator), 8), aged(failed(operator), 7.5)
    young_preview, young_failure = aged(previewed(people, operator), 6), aged(failed(operator), 1)
    assert old_preview.state == "previewed" and old_failure.state == "failed"
    assert RejectedRow.objects.filter(batch=old_preview).exists()
    files = [old_preview.file.name, old_failure.file.name]

    summary = uploads_prune(now=NOW)

    assert sorted(summary.deleted) == sorted([old_preview.pk, old_failure.pk])
    assert summary.pruned == [] and summary.files == 2
    assert summary.bytes == old_preview.file_size + old_failure.file_size > 0
    assert not ImportBatch.objects.filter(pk__in=[old_preview.pk, old_failure.pk]).exists()
    assert not RejectedRow.objects.filter(batch_id=old_preview.pk).exists()
    assert not any(default_storage.exists(name) for name in files)
    assert stored(young_preview) and stored(young_failure)
    assert Person.objects.count() == 0  # a dry run wrote nothing, and pruning it changes nothing


def test_a_saved_import_keeps_its_file_undo_log_and_rejects_while_it_can_be_undone(people, operator):
    batch = saved(people, operator, 1, 2)
    assert (batch.state, batch.created, batch.rejected) == ("done", 2, 1)
    day_29 = batch.finished_at + timedelta(days=29)

    assert uploads_prune(now=day_29).pruned == []

    assert stored(batch) and batch.changes.exists() and batch.rejected_rows.exists()
    assert not undo_expired(batch, day_29) and kept_until(batch) == batch.finished_at + timedelta(days=30)
    assert batch_undo(batch=batch) == 4  # two people, two positions
    assert Person.objects.count() == 0


def test_after_the_undo_period_its_file_and_details_go_and_the_history_stays(people, operator):
    batch = aged(saved(people, operator, 1, 2), 31)
    name, size = batch.file.name, batch.file_size

    summary = uploads_prune(now=NOW)

    assert (summary.pruned, summary.deleted, summary.files, summary.bytes) == ([batch.pk], [], 1, size)
    batch.refresh_from_db()
    assert (batch.file.name, batch.pruned_at, batch.warnings) == ("", NOW, [])
    assert (batch.state, batch.file_name, batch.created, batch.rejected) == ("done", "daftar.csv", 2, 1)
    assert batch.file_sha256 and batch.uploaded_by == operator
    assert not default_storage.exists(name)
    assert not BatchChange.objects.filter(batch=batch).exists()
    assert not RejectedRow.objects.filter(batch=batch).exists()
    assert Person.objects.count() == 2  # the data it imported stays
    with pytest.raises(UndoRefused, match="lebih dari 30 hari yang lalu"):
        batch_undo(batch=batch)
    assert Person.objects.count() == 2


def test_undo_is_refused_once_the_period_is_over_even_before_the_pruning(people, operator):
    batch = aged(saved(people, operator, 1), 30.01)
    assert undo_expired(batch)
    with pytest.raises(UndoRefused, match="catatan untuk membatalkannya sudah tidak disimpan"):
        batch_undo(batch=batch)
    assert Person.objects.count() == 1 and batch.changes.exists()


def test_an_undone_import_is_pruned_a_draft_period_after_its_undo(people, operator):
    batch = saved(people, operator, 1)
    batch_undo(batch=batch)
    batch = aged(batch, 6, field="undone_at")
    assert uploads_prune(now=NOW).pruned == []
    aged(batch, 8, field="undone_at")
    assert uploads_prune(now=NOW).pruned == [batch.pk]
    batch.refresh_from_db()
    assert batch.state == "undone" and batch.pruned_at == NOW and not batch.file


def test_only_expired_batches_go_in_a_mixed_history(people, operator):
    # Each kind of batch, young and old: what goes is by age and by state alone.
    waiting = batch_create(kind="roster", data=roster(people, 70), file_name="antre.csv", user=operator)
    aged(waiting, 400, field="created_at")
    old_saved = aged(saved(people, operator, 1), 45)
    new_saved = saved(people, operator, 2)
    old_preview = aged(previewed(people, operator), 10)

    summary = uploads_prune(now=NOW)

    assert (summary.deleted, summary.pruned) == ([old_preview.pk], [old_saved.pk])
    assert ImportBatch.objects.filter(pk=waiting.pk, state="pending").exists() and stored(waiting)
    assert stored(new_saved) and new_saved.changes.exists()
    assert batch_undo(batch=new_saved) == 2  # the newest import can still be undone


def test_a_dry_run_of_the_pruning_deletes_nothing_and_says_the_same(people, operator):
    preview, batch = aged(previewed(people, operator), 8), aged(saved(people, operator, 1), 31)
    looked = uploads_prune(now=NOW, dry_run=True)
    assert (looked.deleted, looked.pruned, looked.files) == ([preview.pk], [batch.pk], 2)
    assert stored(preview) and stored(batch) and batch.changes.exists()
    assert ImportBatch.objects.get(pk=batch.pk).pruned_at is None
    assert uploads_prune(now=NOW).as_dict() == looked.as_dict()


def test_files_no_batch_names_are_swept_once_old(people, operator, settings):
    kept = saved(people, operator, 1)
    old = default_storage.save("imports/2026/01/sisa-crash.csv", ContentFile(b"nik\n1\n"))
    young = default_storage.save("imports/2026/12/sedang-diunggah.csv", ContentFile(b"nik\n2\n"))
    week_ago = (NOW - timedelta(days=8)).timestamp()
    os.utime(settings.MEDIA_ROOT / old, (week_ago, week_ago))

    summary = uploads_prune(now=NOW)

    assert summary.orphans == [old] and summary.bytes == 6
    assert not default_storage.exists(old)
    assert default_storage.exists(young) and stored(kept)


def test_a_batch_whose_file_is_gone_fails_with_a_clear_message(people, operator):
    batch = batch_create(kind="roster", data=roster(people, 1), file_name="hilang.csv", user=operator)
    default_storage.delete(batch.file.name)
    with pytest.raises(ImportFailed):
        batch_process(batch)
    batch.refresh_from_db()
    assert (batch.state, batch.message) == (
        "failed",
        "Berkas impor ini tidak tersimpan lagi. Unggah kembali berkasnya.",
    )


# ---------------------------------------------------------------------------------------------------------
# The command and its schedule


def prune_command(*args: str) -> str:
    out = StringIO()
    call_command("prune-uploads", *args, stdout=out)
    return out.getvalue()


def test_the_command_says_what_it_would_delete_and_then_deletes_it(people, operator):
    preview = aged(previewed(people, operator), 8)
    batch = aged(saved(people, operator, 1), 31)
    looked = json.loads(prune_command("--dry-run", "--json"))
    assert looked["dry_run"] is True
    assert (looked["deleted_batches"], looked["pruned_batches"], looked["files"]) == (
        [preview.pk],
        [batch.pk],
        2,
    )
    assert ImportBatch.objects.filter(pk=preview.pk).exists()

    text = prune_command()
    assert text.startswith(
        "Dihapus: 1 uji coba atau impor gagal; berkas dan rincian 1 impor yang disimpan atau dibatalkan; "
        "0 berkas tanpa impor. Seluruhnya 2 berkas,"
    )
    assert (
        "Masa simpan: uji coba, impor gagal dan impor dibatalkan 7 hari; impor yang disimpan 30 hari" in text
    )
    assert f"impor #{preview.pk}: dihapus seluruhnya" in text
    assert not ImportBatch.objects.filter(pk=preview.pk).exists()
    assert prune_command("--dry-run").startswith("Akan dihapus: 0 uji coba")


def test_the_pruning_runs_every_night_at_half_past_two():
    assert (
        next_prune(timezone.make_aware(datetime(2026, 12, 31, 23, 0)))
        .isoformat()
        .startswith("2027-01-01T02:30")
    )
    assert next_prune(timezone.make_aware(datetime(2026, 12, 6, 1, 0))).date().isoformat() == "2026-12-07"
    assert uploads_prune_schedule() is False  # the immediate backend of the tests cannot run a task later
    assert "sudah terjadwal" in prune_command("--schedule")


# ---------------------------------------------------------------------------------------------------------
# Quota


def test_the_quota_counts_the_files_kept_for_the_user(people, operator, settings):
    settings.IMPORT_QUOTA_MB = 1
    first = saved(people, operator, 1)
    assert stored_upload_bytes(operator) == first.file_size > 0
    upload_quota_check(user=operator, size=MB - first.file_size)  # exactly full: taken
    with pytest.raises(QuotaExceeded) as refused:
        upload_quota_check(user=operator, size=MB - first.file_size + 1)
    message = str(refused.value)
    assert message.startswith("Ruang simpan unggahan Anda penuh: berkas Anda yang masih disimpan ")
    assert "KB, melebihi batas 1 MB per pengguna. Uji coba dan impor yang gagal dihapus 7 hari" in message
    upload_quota_check(user=None, size=10 * MB)  # the command line has no quota
    settings.IMPORT_QUOTA_MB = 0
    upload_quota_check(user=operator, size=10 * MB)  # 0: no quota


def test_a_pruned_file_no_longer_counts(people, operator):
    batch = aged(saved(people, operator, 1), 31)
    assert stored_upload_bytes(operator) > 0
    uploads_prune(now=NOW)
    assert stored_upload_bytes(operator) == 0
    assert ImportBatch.objects.get(pk=batch.pk).file_size == batch.file_size  # its size stays in the history


def test_the_api_refuses_an_upload_past_the_quota_too(operator, settings):
    settings.IMPORT_QUOTA_MB = 1
    _token, key = token_create(user=operator, name="uji")
    upload = io.BytesIO(b"nik,nama\n" + b"6103014507890001,Maria\n" * 50_000)
    upload.name = "daftar.csv"
    response = Client(headers={"Authorization": f"Token {key}"}).post(
        "/api/imports/upload/", {"kind": "roster", "file": upload}
    )
    assert response.status_code == 400
    assert "melebihi batas 1 MB per pengguna" in response.json()["errors"]["file"][0]
    assert not ImportBatch.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# The settings and their documentation

ROOT = Path(__file__).resolve().parents[2]


def test_every_limit_and_retention_setting_is_documented():
    names = re.findall(r"^(IMPORT_[A-Z_]+) = ", (ROOT / "lindungdesa" / "settings.py").read_text(), re.M)
    assert len(names) == 9
    for doc in ("README.md", "docs/security.md"):
        text = (ROOT / doc).read_text()
        assert [name for name in names if f"`{name}`" not in text] == [], doc


def test_the_readers_defaults_are_the_settings_defaults():
    # lib/readlimits.py works without Django too; both say the same.
    assert ReadLimits.from_settings() == ReadLimits()
