from pathlib import Path

from django.core.management.base import BaseCommand

from lindungdesa.imports.template import bpjs_template, roster_template

TEMPLATES = {"roster": roster_template, "bpjs": bpjs_template}


class Command(BaseCommand):
    help = (
        "Menulis templat Excel untuk impor (roster: daftar aparat desa dan anggota BPD; bpjs: ekstrak "
        "peserta BPJS Ketenagakerjaan), masing-masing dengan lembar Petunjuk."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(TEMPLATES), help="jenis templat")
        parser.add_argument("--out", required=True, metavar="BERKAS.xlsx")

    def handle(self, *args, **options):
        path = Path(options["out"])
        path.write_bytes(TEMPLATES[options["kind"]]())
        self.stdout.write(f"Templat ditulis ke {path}.")
