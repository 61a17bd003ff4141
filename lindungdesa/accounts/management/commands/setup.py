from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from lindungdesa.accounts.models import User
from lindungdesa.accounts.services import user_ensure
from lindungdesa.budget.demo import budget_demo
from lindungdesa.budget.tasks import budget_totals_warm_soon
from lindungdesa.imports.tasks import uploads_prune_schedule
from lindungdesa.indicators.demo import demo_progress
from lindungdesa.indicators.tasks import snapshot_schedule
from lindungdesa.lib.months import Month
from lindungdesa.monev.services import agencies_ensure
from lindungdesa.officials.models import Position
from lindungdesa.regions.models import Region, under


class Command(BaseCommand):
    help = (
        "Menyiapkan Lindung Desa: migrasi basis data, memuat wilayah, (opsional) data demo, "
        "dan membuat administrator."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", action="append", required=True, metavar="KODE")
        parser.add_argument("--demo", action="store_true", help="isi data demo bila provinsi masih kosong")
        parser.add_argument("--seed", type=int, default=1, help="benih data demo (bawaan 1)")
        parser.add_argument("--as-of", metavar="TTTT-BB", help="bulan acuan data demo (bawaan: bulan ini)")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=0)
        if verbosity:
            self.stdout.write("Basis data siap.")
        call_command("load-regions", province=options["province"], verbosity=verbosity, stdout=self.stdout)

        provinces = list(Region.objects.filter(code__in=options["province"]))
        for province in provinces:
            agencies_ensure(province)  # the offices monitoring cases are assigned to
        if options["demo"]:
            for province in provinces:
                if Position.objects.filter(under(province.code, "desa__code")).exists():
                    if verbosity:
                        self.stdout.write(f"Data demo {province.name} sudah ada; tidak diubah.")
                    continue
                demo_args = ["demo-data", "--province", province.code, "--seed", str(options["seed"])]
                if options["as_of"]:
                    demo_args += ["--as-of", str(Month.parse(options["as_of"]))]
                call_command(*demo_args, verbosity=verbosity, stdout=self.stdout)
                as_of = Month.parse(options["as_of"]) if options["as_of"] else Month.of(timezone.localdate())
                months = demo_progress(province, as_of=as_of, seed=options["seed"])
                if verbosity:
                    self.stdout.write(
                        f"Angka UCJ demo, target contoh dan potret {months} bulan terakhir dibuat."
                    )
                paying = budget_demo(province=province, seed=options["seed"])
                if verbosity and paying:
                    self.stdout.write(f"Sumber pembayaran demo: {len(paying)} kabupaten/kota memakai APBDes.")
        if connection.vendor == "postgresql":
            # The rows just loaded have no planner statistics until autovacuum comes round (never, where
            # it is off): the province's pages were planned for a near-empty region table, 3-8 times
            # slower (docs/benchmarks.md). A few hundred ms for a province.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if options["demo"]:
            # The demo's budget pages open without the seconds a province's totals take to compute
            # (the task worker started beside the server computes them; not with the immediate backend).
            budget_totals_warm_soon()
        if snapshot_schedule() and verbosity:
            self.stdout.write("Potret bulanan dijadwalkan (tanggal 1 setiap bulan).")
        if uploads_prune_schedule() and verbosity:
            self.stdout.write("Penghapusan unggahan yang lewat masa simpannya dijadwalkan (setiap malam).")

        region = provinces[0] if len(provinces) == 1 else None
        admin = user_ensure(
            username=settings.ADMIN_USERNAME,
            password=settings.ADMIN_PASSWORD,
            role=User.Role.ADMIN,
            region=region,
            first_name="Administrator",
            superuser=True,
        )
        logins = [("Administrator", admin)]
        if options["demo"] and region is not None:
            logins += self._demo_users(region)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Masuk ke Lindung Desa dengan:"))
        for label, login in logins:
            self.stdout.write(f"  {label:<34} pengguna: {login.username:<16} sandi: {login.password}")

    def _demo_users(self, province: Region):
        """One named user per role, to try the region scope (demo only)."""
        regency = Region.objects.filter(parent=province).order_by("code").first()
        if regency is None:
            raise CommandError("Provinsi tidak punya kabupaten/kota.")
        sanggau = Region.objects.filter(code=f"{province.code}.03").first() or regency
        desa = (
            Region.objects.filter(under(sanggau.code), kind__in=Region.VILLAGE_KINDS).order_by("code").first()
        )
        users = [
            ("Analis provinsi", "analis", User.Role.PROVINCE_ANALYST, province, "Analis DPMPD"),
            (f"Administrator {sanggau.name}", "admin.kab", User.Role.REGENCY_ADMIN, sanggau, "Admin DPMD"),
            (
                f"Operator {sanggau.name}",
                "operator.kab",
                User.Role.REGENCY_OPERATOR,
                sanggau,
                "Operator DPMD",
            ),
            ("Petugas BPJS Ketenagakerjaan", "bpjs", User.Role.BPJS_OFFICER, province, "Petugas BPJS TK"),
            ("Petugas asosiasi desa", "asosiasi", User.Role.ASSOCIATION_OFFICER, province, "Asosiasi"),
            ("Peninjau (hanya baca)", "peninjau", User.Role.VIEWER, province, "Peninjau"),
        ]
        if desa is not None:
            users.append(
                (f"Operator desa {desa.name}", "operator.desa", User.Role.VILLAGE_OPERATOR, desa, "Operator")
            )
        return [
            (label, user_ensure(username=name, role=role, region=region, first_name=first))
            for label, name, role, region, first in users
        ]
