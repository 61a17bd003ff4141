"""Backups: the whole database and the uploaded files in one archive, and their restore.

The archive is a gzip-compressed tar holding `manifest.json` (what it holds: database kind, migrations,
row counts of every table, uploaded files), the database (`database.sqlite3`, a copy made with SQLite's
backup API, or `database.pgdump`, pg_dump's custom format) and `media/`, the uploaded files. It holds
personal data: it is written readable by its owner only.

Both databases are copied as one consistent moment while the site keeps running: SQLite's backup API
reads one snapshot; on PostgreSQL pg_dump reads the snapshot of the transaction that counts the rows.
A restore replaces the database in one transaction (PostgreSQL) or one backup-API copy (SQLite), then
checks that every table holds as many rows as the manifest says.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.postgresql.client import DatabaseClient as PostgresClient
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "lindungdesa-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Indonesian."""


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    tables: int
    rows: int
    media_files: int
    # Migrations of this code the restored database has not had yet (run `lindungdesa migrate`).
    unapplied: int
    # Migrations the restored database has had that this code does not know (a backup of newer code).
    unknown: int


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Basis data {vendor} tidak didukung; hanya SQLite dan PostgreSQL.")
    return vendor


def database_tables(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    return sorted(connections[alias].introspection.table_names())


def _row_counts(cursor, tables: Iterable[str], quote) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def database_row_counts(alias: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return _row_counts(cursor, database_tables(alias), connection.ops.quote_name)


def _applied_migrations(alias: str) -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connections[alias]).applied_migrations())


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"Perintah {name} tidak ditemukan: pasang klien PostgreSQL (paket postgresql-client) dengan "
            "versi yang sama dengan server atau lebih baru."
        )
    return path


def _pg_command(alias: str, tool: str, options: list[str]) -> tuple[list[str], dict]:
    """A PostgreSQL client tool's command line and environment for the database of `alias`, the way
    Django's `dbshell` builds them (the password goes in the environment, never on the command line)."""
    args, env = PostgresClient.settings_to_cmd_args_env(connections[alias].settings_dict, options)
    return [_tool(tool), *args[1:]], {**os.environ, **(env or {})}


def _run(argv: list[str], env: dict | None = None) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{Path(argv[0]).name} gagal: {done.stderr.strip() or done.returncode}")


# --- backup ---------------------------------------------------------------------------------------------


def _copy_sqlite(alias: str, target: Path) -> tuple[dict[str, int], list[str]]:
    connection = connections[alias]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        tables = [
            name
            for (name,) in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        # Counted in the copy: the same moment as the copy, whatever was written since.
        counts = _row_counts(copy.cursor(), sorted(tables), connection.ops.quote_name)
        has_recorder = "django_migrations" in tables
        migrations = (
            sorted(f"{app}.{name}" for app, name in copy.execute("SELECT app, name FROM django_migrations"))
            if has_recorder
            else []
        )
    finally:
        copy.close()
    return counts, migrations


def _dump_postgresql(alias: str, target: Path) -> tuple[dict[str, int], list[str]]:
    connection = connections[alias]
    connection.ensure_connection()
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # pg_dump reads the snapshot of this transaction: the rows counted here are the rows dumped.
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = database_row_counts(alias)
        migrations = _applied_migrations(alias)
        argv, env = _pg_command(
            alias,
            "pg_dump",
            # Not compressed: the whole archive is. No owners or grants: restored as whoever restores it.
            ["--format=custom", "--compress=0", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
            + [f"--file={target}"],
        )
        _run(argv, env)
    return counts, migrations


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def backup_write(*, out: Path, alias: str = DEFAULT_DB_ALIAS) -> dict:
    """Write the database of `alias` and MEDIA_ROOT to the archive `out`; returns its manifest."""
    vendor = _vendor(alias)
    out = Path(out).resolve()
    if not out.parent.is_dir():
        raise BackupError(f"Folder {out.parent} tidak ada.")
    database_file = DATABASE_FILES[vendor]
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".lindungdesa-backup-") as work:
        dump = Path(work) / database_file
        if vendor == "sqlite":
            counts, migrations = _copy_sqlite(alias, dump)
        else:
            counts, migrations = _dump_postgresql(alias, dump)
        # After the database: every file a row of the copy names was saved before that row.
        media_root = Path(settings.MEDIA_ROOT)
        media = _media_files(media_root)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "vendor": vendor,
            "database_file": database_file,
            "migrations": migrations,
            "rows": counts,
            "media_files": len(media),
            "media_bytes": sum(path.stat().st_size for path in media),
        }
        manifest_path = Path(work) / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        partial = Path(work) / (out.name + ".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            archive.add(manifest_path, arcname=MANIFEST)
            archive.add(dump, arcname=database_file)
            for path in media:
                archive.add(path, arcname=f"{MEDIA}/{path.relative_to(media_root).as_posix()}")
        # Only a finished archive takes the name: an interrupted backup never looks like one.
        os.replace(partial, out)
    return manifest


# --- restore --------------------------------------------------------------------------------------------


def backup_manifest(archive: tarfile.TarFile, path: Path) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} bukan cadangan Lindung Desa (tidak ada {MANIFEST} yang dikenali).")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"{path} berformat cadangan versi {manifest.get('version')}; versi ini membaca versi {VERSION}."
        )
    return manifest


def _media_member_path(member: tarfile.TarInfo) -> PurePosixPath | None:
    """The path under MEDIA_ROOT of an archive member, or None when it is not a plain file under media/
    (a link, a device, or a name climbing out of the folder is never written)."""
    name = PurePosixPath(member.name)
    if not member.isfile() or name.is_absolute() or ".." in name.parts or name.parts[:1] != (MEDIA,):
        return None
    relative = PurePosixPath(*name.parts[1:])
    return relative if relative.parts else None


def _restore_sqlite(alias: str, dump: Path, rows: dict[str, int]) -> None:
    """The copy is checked before it replaces anything: a damaged archive leaves the database as it was."""
    connection = connections[alias]
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        try:
            check = source.execute("PRAGMA quick_check").fetchone()[0]
            tables = [
                name
                for (name,) in source.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            counts = _row_counts(source.cursor(), sorted(tables), connection.ops.quote_name)
        except sqlite3.DatabaseError as exc:
            check, counts = str(exc), None
        if check != "ok":
            raise BackupError(
                f"Basis data di dalam cadangan rusak ({check}); basis data tujuan tidak diubah."
            )
        if counts != rows:
            raise BackupError(
                f"Basis data di dalam cadangan tidak sama dengan {MANIFEST}-nya; "
                "basis data tujuan tidak diubah."
            )
        # Page by page over the whole database: tables the backup does not hold are gone afterwards.
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_postgresql(alias: str, dump: Path, tables: list[str]) -> None:
    """pg_restore writes the dump as SQL; psql runs it inside one transaction that is committed only when
    pg_restore read the whole dump and psql met no error. Anything else rolls back: the database is as it
    was, the tables dropped by --force included."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    restore_argv = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)]
    psql_argv, env = _pg_command(alias, "psql", ["--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1"])
    begin = "BEGIN;\n" + "".join(f"DROP TABLE IF EXISTS {quote(t)} CASCADE;\n" for t in tables)
    connection.close()  # our own session holds nothing the restore waits for
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        psql = subprocess.Popen(
            psql_argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_errors
        )
        restore = subprocess.Popen(restore_argv, stdout=subprocess.PIPE, stderr=restore_errors)
        try:
            psql.stdin.write(begin.encode())
            shutil.copyfileobj(restore.stdout, psql.stdin)
            if restore.wait() == 0:
                psql.stdin.write(b"COMMIT;\n")
            psql.stdin.close()  # without COMMIT, psql ends and the server rolls the transaction back
        except BrokenPipeError:  # psql stopped at an error
            restore.kill()
        finally:
            restore.wait()
            psql.wait()
        if restore.returncode:
            restore_errors.seek(0)
            message = restore_errors.read().decode(errors="replace").strip()
            raise BackupError(f"pg_restore gagal, basis data tidak diubah: {message or restore.returncode}")
        if psql.returncode:
            psql_errors.seek(0)
            message = psql_errors.read().decode(errors="replace").strip()
            raise BackupError(f"psql gagal, basis data tidak diubah: {message or psql.returncode}")
    # The restored rows have no planner statistics until autovacuum comes round (never, where it is off):
    # the province's pages would be planned for empty tables, 3-8 times slower (docs/benchmarks.md), as
    # after `setup`, which analyses too.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def backup_restore(*, path: Path, force: bool = False, alias: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Replace the database of `alias` with the archive's, and write its uploaded files into MEDIA_ROOT.
    Refuses a database that holds any table unless `force`."""
    path = Path(path)
    vendor = _vendor(alias)
    try:
        archive = tarfile.open(path, mode="r:*")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{path} tidak dapat dibaca sebagai cadangan: {exc}") from exc
    with archive, tempfile.TemporaryDirectory(dir=settings.VAR_DIR, prefix=".lindungdesa-restore-") as work:
        manifest = backup_manifest(archive, path)
        if manifest["vendor"] != vendor:
            raise BackupError(
                f"Cadangan ini dari basis data {manifest['vendor']}, basis data tujuan {vendor}: pulihkan ke "
                f"basis data {manifest['vendor']} (DATABASE_URL)."
            )
        tables = database_tables(alias)
        if tables and not force:
            raise BackupError(
                f"Basis data tujuan tidak kosong ({len(tables)} tabel). Pemulihan menimpa seluruh isinya: "
                "pulihkan ke basis data kosong, atau ulangi dengan --force bila memang itu maksudnya."
            )
        database_file = manifest["database_file"]
        dump = Path(work) / "database"
        try:
            source = archive.extractfile(database_file)
        except KeyError:
            source = None
        if source is None:
            raise BackupError(f"{path} tidak memuat {database_file}.")
        with source, open(dump, "wb") as written:
            shutil.copyfileobj(source, written)
        if vendor == "sqlite":
            _restore_sqlite(alias, dump, manifest["rows"])
        else:
            _restore_postgresql(alias, dump, tables)
        ContentType.objects.clear_cache()  # ids cached before the restore may name other types

        media_root = Path(settings.MEDIA_ROOT)
        media_files = 0
        for member in archive:
            relative = _media_member_path(member)
            if relative is None:
                continue
            target = media_root.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, open(target, "wb") as written:
                shutil.copyfileobj(source, written)
            media_files += 1

    counts = database_row_counts(alias)
    if counts != manifest["rows"]:
        differing = sorted(
            table
            for table in set(counts) | set(manifest["rows"])
            if counts.get(table) != manifest["rows"].get(table)
        )
        raise BackupError(
            "Basis data yang dipulihkan tidak sama dengan cadangan: jumlah baris berbeda di "
            + ", ".join(differing[:10])
        )
    in_backup = set(manifest["migrations"])
    in_code = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.nodes}
    return RestoreResult(
        manifest=manifest,
        tables=len(counts),
        rows=sum(counts.values()),
        media_files=media_files,
        unapplied=len(in_code - in_backup),
        unknown=len(in_backup - in_code),
    )
