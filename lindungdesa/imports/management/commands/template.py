from pathlib import Path

from django.core.management.base import BaseCommand

from lindungdesa.imports.template import roster_template


class Command(BaseCommand):
    help = "Menulis templat Excel untuk impor (roster: daftar aparat desa dan anggota BPD)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["roster"], help="jenis templat")
        parser.add_argument("--out", required=True, metavar="BERKAS.xlsx")

    def handle(self, *args, **options):
        path = Path(options["out"])
        path.write_bytes(roster_template())
        self.stdout.write(f"Templat ditulis ke {path}.")
