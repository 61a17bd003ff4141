import json
import sys
from typing import TYPE_CHECKING

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lindungdesa.lib.months import Month, month_label_id

if TYPE_CHECKING:
    from lindungdesa.dev.demodata import DemoSummary


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}".replace(".", ",") + " %"


class Command(BaseCommand):
    help = (
        "Mengisi setiap desa satu provinsi dengan data demo: aparat desa, BPD, riwayat jabatan dan "
        "kepesertaan BPJS Ketenagakerjaan, dikalibrasi ke gambaran Kalimantan Barat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, metavar="KODE", help="kode provinsi, mis. 61")
        parser.add_argument(
            "--regency",
            action="append",
            metavar="KODE",
            help="hanya kabupaten ini (boleh berulang), mis. 61.03; bawaan: seluruh provinsi",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="benih acak; benih dan bulan sama = data sama"
        )
        parser.add_argument("--as-of", metavar="TTTT-BB", help="bulan acuan data (bawaan: bulan ini)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="hapus dulu orang, jabatan dan kepesertaan di wilayah itu",
        )
        parser.add_argument("--json", action="store_true", help="ringkasan sebagai satu objek JSON")

    def handle(self, *args, **options):
        try:
            as_of = Month.parse(options["as_of"]) if options["as_of"] else Month.of(timezone.localdate())
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        show_progress = options["verbosity"] >= 1 and not options["json"] and sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if show_progress:
                self.stderr.write(f"\r  {done}/{total} desa", ending="")

        try:
            from lindungdesa.dev.demodata import DemoDataError, demo_load
        except ModuleNotFoundError as exc:  # Faker comes with the `demo` extra only
            if exc.name != "faker":
                raise
            raise CommandError(
                f"Data demo memerlukan paket {exc.name}: pasang dengan pip install 'lindungdesa[demo]' "
                "(make run memasangnya)."
            ) from exc
        try:
            summary = demo_load(
                province_code=options["province"],
                seed=options["seed"],
                as_of=as_of,
                replace=options["replace"],
                regency_codes=options["regency"],
                progress=progress,
            )
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        if show_progress:
            self.stderr.write("")
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
        elif options["verbosity"] >= 1:
            self._print(summary)

    def _print(self, s: "DemoSummary") -> None:
        where = f"{s.province_name} ({s.province_code})"
        if s.regency_codes:
            where += ", kabupaten " + ", ".join(s.regency_codes)
        self.stdout.write(f"Data demo {where}, benih {s.seed}, keadaan akhir {month_label_id(s.as_of)}:")
        if s.deleted_positions:
            self.stdout.write(
                f"  Dihapus dulu: {_number(s.deleted_persons)} orang, "
                f"{_number(s.deleted_positions)} jabatan, {_number(s.deleted_enrolments)} kepesertaan."
            )
        seconds = f"{s.seconds:.1f}".replace(".", ",")
        self.stdout.write(
            f"  Dimuat: {_number(s.villages)} desa, {_number(s.persons)} orang, "
            f"{_number(s.positions)} jabatan ({_number(s.positions_ended)} sudah berakhir), "
            f"{_number(s.enrolments)} kepesertaan "
            f"dalam {seconds} detik."
        )
        i = s.indicators
        self.stdout.write(
            f"  Desa terdaftar: {_number(i['villages_registered'])} dari {_number(i['villages'])} "
            f"({_percent(i['villages_registered_pct'])}); belum mendaftarkan siapa pun: "
            f"{_number(i['villages'] - i['villages_registered'])}; tercakup penuh: "
            f"{_number(i['villages_fully_covered'])}"
        )
        self.stdout.write(
            f"  Aparat desa terlindungi: {_number(i['aparat_protected'])} "
            f"dari {_number(i['aparat_serving'])} ({_percent(i['aparat_coverage_pct'])})"
        )
        self.stdout.write(
            f"  Anggota BPD terlindungi: {_number(i['bpd_protected'])} dari {_number(i['bpd_serving'])} "
            f"({_percent(i['bpd_coverage_pct'])})"
        )
