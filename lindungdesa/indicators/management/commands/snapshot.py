import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lindungdesa.indicators.services import snapshot_take
from lindungdesa.indicators.tasks import snapshot_schedule
from lindungdesa.lib.months import Month


class Command(BaseCommand):
    help = (
        "Potret bulanan: menghitung dan menyimpan indikator setiap wilayah untuk satu bulan "
        "(atau serangkaian bulan). Menghitung ulang potret yang sudah ada."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", metavar="TTTT-BB", help="bulan potret; bawaan: bulan ini")
        parser.add_argument(
            "--from", dest="start", metavar="TTTT-BB", help="potret tiap bulan dari bulan ini s.d. --period"
        )
        parser.add_argument(
            "--schedule", action="store_true", help="pastikan potret bulanan terjadwal di antrean latar"
        )
        parser.add_argument("--json", action="store_true", help="keluaran satu objek JSON per potret")

    def handle(self, *args, **options):
        if options["schedule"]:
            added = snapshot_schedule()
            self.stdout.write("Potret bulanan dijadwalkan." if added else "Potret bulanan sudah terjadwal.")
            if not options["period"] and not options["start"]:
                return
        try:
            end = Month.parse(options["period"]) if options["period"] else Month.of(timezone.localdate())
            start = Month.parse(options["start"]) if options["start"] else end
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if start > end:
            raise CommandError(f"--from {start} sesudah --period {end}.")
        if not options["json"] and end - start > 0:
            self.stderr.write(f"Potret {end - start + 1} bulan, {start} sampai {end}.")
        month = start
        while month <= end:
            progress = None
            if not options["json"] and sys.stderr.isatty():

                def progress(done: int, total: int, month: Month = month) -> None:
                    self.stderr.write(f"\r{month}: provinsi {done}/{total}", ending="")

            snapshot = snapshot_take(period=month, progress=progress)
            if progress:
                self.stderr.write("")
            data = {
                "snapshot": snapshot.pk,
                "period": snapshot.period,
                "regions": snapshot.regions,
                "seconds": snapshot.seconds,
                "made_at": snapshot.made_at.isoformat(),
                "batches": [b["id"] for b in snapshot.batches],
            }
            if options["json"]:
                self.stdout.write(json.dumps(data, ensure_ascii=False))
            else:
                self.stdout.write(
                    f"Potret {data['period']}: {data['regions']} wilayah dalam {data['seconds']} detik."
                )
            month = month.add(1)
