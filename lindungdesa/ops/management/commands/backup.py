from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindungdesa.ops.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Mencadangkan seluruh basis data (SQLite atau PostgreSQL) dan berkas unggahan ke satu arsip "
        ".tar.gz, sementara situs tetap berjalan. Arsip memuat data pribadi: simpan dengan aman."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, metavar="BERKAS", help="arsip yang ditulis (.tar.gz)")

    def handle(self, *args, **options):
        try:
            manifest = backup_write(out=Path(options["out"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"]:
            self.stdout.write(
                f"Cadangan {options['out']}: basis data {manifest['vendor']}, {len(manifest['rows'])} tabel, "
                f"{sum(manifest['rows'].values())} baris, {manifest['media_files']} berkas unggahan."
            )
