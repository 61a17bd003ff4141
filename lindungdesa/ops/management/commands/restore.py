from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindungdesa.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Memulihkan basis data dan berkas unggahan dari arsip `lindungdesa backup`. Hanya ke basis data "
        "kosong, kecuali dengan --force (seluruh isi basis data tujuan diganti). Hentikan proses web dan "
        "pekerja latar lebih dulu."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="BERKAS", help="arsip cadangan (.tar.gz)")
        parser.add_argument(
            "--force", action="store_true", help="timpa basis data tujuan walaupun tidak kosong"
        )

    def handle(self, *args, **options):
        try:
            result = backup_restore(path=Path(options["file"]), force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not options["verbosity"]:
            return
        self.stdout.write(
            f"Dipulihkan dari {options['file']} (cadangan {result.manifest['created_at']}): "
            f"{result.tables} tabel, {result.rows} baris, {result.media_files} berkas unggahan."
        )
        if result.unapplied:
            self.stdout.write(
                f"Kode ini punya {result.unapplied} migrasi yang belum ada di cadangan: jalankan "
                "`lindungdesa migrate`."
            )
        if result.unknown:
            self.stderr.write(
                f"Cadangan ini dibuat oleh versi yang lebih baru ({result.unknown} migrasi tidak dikenal "
                "kode ini): pasang versi itu sebelum menjalankan situs."
            )
