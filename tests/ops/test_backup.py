"""Backup and restore, on whichever database the suite runs on (SQLite in `make test`, PostgreSQL when
DATABASE_URL says so, as in CI): backup, wipe, restore, and the same indicators, batches, audit and files.

Transactional tests: pg_dump and psql read and write through their own sessions, and SQLite's backup API
cannot write into a connection inside a transaction.
"""

import io
import json
import sqlite3
import tarfile
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from lindungdesa.accounts.models import AuditEntry, User
from lindungdesa.imports.models import ImportBatch, RejectedRow
from lindungdesa.imports.services import roster_import_file
from lindungdesa.indicators.models import RegionFigure
from lindungdesa.indicators.selectors import region_indicators
from lindungdesa.indicators.services import snapshot_take
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Person
from lindungdesa.ops.backup import BackupError, backup_restore, backup_write, database_tables
from lindungdesa.regions.models import Region
from tests.imports.conftest import ROSTER_HEADER, People, to_csv

pytestmark = pytest.mark.django_db(transaction=True)

PERIOD = Month(2026, 3)


def wipe_database() -> None:
    """Every table gone, as on a new server."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        sqlite3.connect(":memory:").backup(connection.connection)
    else:
        with connection.cursor() as cursor:
            for table in database_tables():
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    assert database_tables() == []


def wipe_media(media: Path) -> None:
    for path in sorted(media.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


@pytest.fixture
def filled(settings):
    """A regency operator's roster import (one row rejected), with its file, audit and a snapshot."""
    desa = Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code").first()
    people = People(desa)
    operator = User.objects.create_user(
        username="operator.kab",
        password="kata-sandi-uji-12345",
        role=User.Role.REGENCY_OPERATOR,
        region=Region.objects.get(code="61.03"),
    )
    rows = [
        people.row("Budi Santoso", "Kepala Desa", serial=1),
        people.row("Siti Aminah", "Sekretaris Desa", sex="P", serial=2),
        people.row("Tanpa NIK", "Kaur Keuangan", serial=3, nik="123"),
    ]
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="aparat.csv", user=operator)
    assert summary.accepted == 2 and summary.rejected == 1
    snapshot_take(period=PERIOD)
    return desa


def state() -> dict:
    """What a restore must give back, read the way the pages and the CLI read it."""
    province = Region.objects.get(code="61")
    return {
        "indicators": region_indicators(province, PERIOD).as_dict(),
        "snapshot": sorted(
            RegionFigure.objects.values_list("region_code", "aparat_serving", "aparat_protected")
        ),
        "batches": list(ImportBatch.objects.order_by("pk").values()),
        "rejected": list(RejectedRow.objects.order_by("pk").values()),
        "audit": list(AuditEntry.objects.order_by("pk").values()),
        "people": sorted(Person.objects.values_list("nik", "name")),
    }


def test_backup_wipe_restore_gives_back_the_same_data_and_files(filled, settings, tmp_path):
    before = state()
    batch = ImportBatch.objects.get()
    uploaded = Path(batch.file.path)
    uploaded_bytes = uploaded.read_bytes()
    assert before["audit"] and before["people"] and before["indicators"]["aparat_serving"] == 2

    archive = tmp_path / "cadangan.tar.gz"
    call_command("backup", out=str(archive), verbosity=0)
    assert archive.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only

    wipe_database()
    wipe_media(Path(settings.MEDIA_ROOT))
    assert not uploaded.exists()

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "1 berkas unggahan" in out.getvalue()
    assert state() == before
    assert uploaded.read_bytes() == uploaded_bytes
    if connection.vendor == "postgresql":  # the planner knows the restored rows (ANALYZE ran)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'officials_person'")
            assert cursor.fetchone()[0] > 0


def test_restore_refuses_a_database_that_is_not_empty(filled, tmp_path):
    archive = tmp_path / "cadangan.tar.gz"
    backup_write(out=archive)
    Person.objects.filter(name="Siti Aminah").update(name="Siti Berubah")

    with pytest.raises(CommandError, match="tidak kosong.*--force"):
        call_command("restore", str(archive), verbosity=0)
    assert Person.objects.filter(name="Siti Berubah").exists()  # untouched


def test_restore_with_force_replaces_whatever_the_database_holds(filled, tmp_path):
    before = state()
    archive = tmp_path / "cadangan.tar.gz"
    backup_write(out=archive)
    ImportBatch.objects.all().delete()
    Person.objects.filter(name="Siti Aminah").update(name="Siti Berubah")

    result = backup_restore(path=archive, force=True)
    assert state() == before
    assert result.unapplied == 0 and result.unknown == 0


def test_a_damaged_archive_leaves_the_database_as_it_was(filled, tmp_path):
    archive = tmp_path / "cadangan.tar.gz"
    manifest = backup_write(out=archive)
    damaged = tmp_path / "rusak.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == manifest["database_file"]:
                data = data[: len(data) // 3]  # cut short, as by a full disk
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    before = state()

    with pytest.raises(BackupError, match="tidak diubah"):
        backup_restore(path=damaged, force=True)
    assert state() == before


@pytest.mark.django_db  # refused before the database is read
def test_restore_refuses_what_is_not_a_backup_of_this_database(tmp_path):
    not_an_archive = tmp_path / "bukan.tar.gz"
    not_an_archive.write_text("halo")
    with pytest.raises(BackupError, match="tidak dapat dibaca sebagai cadangan"):
        backup_restore(path=not_an_archive)

    other_vendor = tmp_path / "lain.tar.gz"
    manifest = {"format": "lindungdesa-backup", "version": 1, "vendor": "oracle", "rows": {}}
    with tarfile.open(other_vendor, "w:gz") as archive:
        data = json.dumps(manifest).encode()
        member = tarfile.TarInfo("manifest.json")
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="Cadangan ini dari basis data oracle"):
        backup_restore(path=other_vendor)


def test_files_outside_the_media_folder_are_never_written(settings, tmp_path):
    """An archive edited by hand may name files anywhere: only plain files under media/ are restored."""
    archive = tmp_path / "cadangan.tar.gz"
    backup_write(out=archive)
    edited = tmp_path / "diubah.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(edited, "w:gz") as target:
        for member in source:
            target.addfile(member, source.extractfile(member))
        for name in ["media/../../lolos.txt", f"{tmp_path}/mutlak.txt", "lain/berkas.txt", "media/baik.txt"]:
            member = tarfile.TarInfo(name)
            member.size = 2
            target.addfile(member, io.BytesIO(b"ok"))
    wipe_database()

    backup_restore(path=edited)
    media = Path(settings.MEDIA_ROOT)
    assert (media / "baik.txt").read_bytes() == b"ok"
    assert not (media.parent.parent / "lolos.txt").exists()
    assert not (tmp_path / "mutlak.txt").exists()
    assert not (media.parent / "lain").exists()


def test_the_manifest_names_what_the_archive_holds(filled, tmp_path):
    archive = tmp_path / "cadangan.tar.gz"
    manifest = backup_write(out=archive)
    with tarfile.open(archive) as opened:
        names = opened.getnames()
        stored = json.loads(opened.extractfile("manifest.json").read())
    assert stored == manifest
    assert names[:2] == ["manifest.json", manifest["database_file"]]
    assert manifest["vendor"] == connection.vendor
    assert manifest["rows"]["imports_importbatch"] == 1
    assert manifest["media_files"] == 1 and f"media/{ImportBatch.objects.get().file.name}" in names
    assert "ops.0001_worker_heartbeat" in manifest["migrations"]
    assert datetime.fromisoformat(manifest["created_at"]) <= timezone.now()
