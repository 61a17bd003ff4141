import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region
from lindungdesa.reports.kemendagri import ReportError, report_build, report_pdf, report_xlsx


class Command(BaseCommand):
    help = "Laporan untuk Kemendagri dari potret bulanan: XLSX atau PDF (menurut akhiran --out)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["kemendagri"], help="jenis laporan")
        parser.add_argument("--period", metavar="TTTT-BB", help="bulan laporan; bawaan: bulan lalu")
        parser.add_argument(
            "--province", metavar="KODE", help="kode provinsi; bawaan: satu-satunya yang dimuat"
        )
        parser.add_argument("--out", required=True, metavar="BERKAS.xlsx|BERKAS.pdf")

    def handle(self, *args, **options):
        out = Path(options["out"])
        if out.suffix.lower() not in (".xlsx", ".pdf"):
            raise CommandError("--out harus berakhiran .xlsx atau .pdf.", returncode=2)
        try:
            period = (
                Month.parse(options["period"])
                if options["period"]
                else Month.of(timezone.localdate()).add(-1)
            )
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        province = options["province"]
        if not province:
            codes = list(Region.objects.filter(level=1).values_list("code", flat=True)[:2])
            if len(codes) != 1:
                raise CommandError(
                    "Sebutkan --province: ada lebih dari satu provinsi (atau belum ada).", returncode=2
                )
            province = codes[0]
        try:
            report = report_build(province_code=province, period=period)
        except ReportError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        data = report_xlsx(report) if out.suffix.lower() == ".xlsx" else report_pdf(report)
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Tidak dapat menulis {out}: {exc.strerror}", returncode=2) from exc
        t = report.dash.total
        self.stdout.write(
            f"{out}: {report.province.name} {period}, {t.villages} desa, "
            f"{t.villages_unregistered} belum mendaftar ({len(data):,} bytes)."
        )
        sys.stdout.flush()
