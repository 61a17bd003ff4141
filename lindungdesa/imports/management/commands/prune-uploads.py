import json

from django.conf import settings
from django.core.management.base import BaseCommand

from lindungdesa.imports.retention import uploads_prune
from lindungdesa.imports.tasks import uploads_prune_schedule
from lindungdesa.lib.readlimits import size_text


class Command(BaseCommand):
    help = (
        "Menghapus unggahan yang melewati masa simpannya: uji coba dan impor gagal (seluruhnya), berkas, "
        "catatan pembatalan dan baris ditolak dari impor yang disimpan atau dibatalkan, serta berkas yatim."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="tampilkan yang akan dihapus tanpa menghapus"
        )
        parser.add_argument("--json", action="store_true", help="ringkasan sebagai satu objek JSON")
        parser.add_argument(
            "--schedule", action="store_true", help="pastikan penghapusan harian terjadwal di antrean latar"
        )

    def handle(self, *args, **options):
        if options["schedule"]:
            added = uploads_prune_schedule()
            self.stdout.write(
                "Penghapusan unggahan harian dijadwalkan."
                if added
                else "Penghapusan unggahan sudah terjadwal."
            )
            return
        summary = uploads_prune(dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps({"dry_run": options["dry_run"], **summary.as_dict()}))
            return
        verb = "Akan dihapus" if options["dry_run"] else "Dihapus"
        self.stdout.write(
            f"{verb}: {len(summary.deleted)} uji coba atau impor gagal; berkas dan rincian "
            f"{len(summary.pruned)} impor yang disimpan atau dibatalkan; {len(summary.orphans)} berkas tanpa "
            f"impor. Seluruhnya {summary.files} berkas, {size_text(summary.bytes)}."
        )
        self.stdout.write(
            f"Masa simpan: uji coba, impor gagal dan impor dibatalkan {settings.IMPORT_DRAFT_DAYS} hari; "
            f"impor yang disimpan {settings.IMPORT_UNDO_DAYS} hari (selama itu dapat dibatalkan)."
        )
        for pk in summary.deleted:
            self.stdout.write(f"  impor #{pk}: dihapus seluruhnya")
        for pk in summary.pruned:
            self.stdout.write(f"  impor #{pk}: berkas, catatan pembatalan dan baris ditolak dihapus")
        for name in summary.orphans:
            self.stdout.write(f"  berkas tanpa impor: {name}")
