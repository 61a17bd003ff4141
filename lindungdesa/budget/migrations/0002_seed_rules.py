"""The contribution rules, minimum siltap, payers and settings of docs/domain.md §2, as the first rows.

Values are frozen here on purpose: later changes are made as data (admin, `budget.services`), with history.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

PP44 = "PP 44/2015 tentang Penyelenggaraan Program Jaminan Kecelakaan Kerja dan Jaminan Kematian"
PP45 = "PP 45/2015 tentang Penyelenggaraan Program Jaminan Pensiun"
PP46 = "PP 46/2015 tentang Penyelenggaraan Program Jaminan Hari Tua"
START = date(2015, 7, 1)  # the three regulations took effect with the programmes on 1 July 2015
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V"}
JKK_PU = {1: "0.24", 2: "0.54", 3: "0.89", 4: "1.27", 5: "1.74"}
BPU_FLOOR = Decimal(1_000_000)
SEED_REASON = "Data awal dari docs/domain.md bagian 2."


def _rules():
    for group, rate in JKK_PU.items():
        yield {
            "programme": "JKK",
            "category": "PU",
            "risk_group": group,
            "employer_rate": Decimal(rate),
            "valid_from": START,
            "legal_basis": (
                f"{PP44}: iuran JKK peserta penerima upah kelompok tingkat risiko {ROMAN[group]} "
                f"{rate.replace('.', ',')} % dari upah sebulan, dibayar seluruhnya oleh pemberi kerja."
                + (
                    " Kelompok I (risiko sangat rendah) mencakup pelayanan pemerintahan."
                    if group == 1
                    else ""
                )
            ),
        }
    yield {
        "programme": "JKM",
        "category": "PU",
        "employer_rate": Decimal("0.30"),
        "valid_from": START,
        "legal_basis": f"{PP44}: iuran JKM peserta penerima upah 0,30 % dari upah sebulan, dibayar oleh pemberi kerja.",
    }
    yield {
        "programme": "JHT",
        "category": "PU",
        "employer_rate": Decimal("3.7"),
        "worker_rate": Decimal("2"),
        "valid_from": START,
        "legal_basis": f"{PP46}: iuran JHT 5,7 % dari upah sebulan: 3,7 % pemberi kerja dan 2 % pekerja.",
    }
    jp = f"{PP45}: iuran JP 3 % dari upah sebulan: 2 % pemberi kerja dan 1 % peserta, dari upah paling tinggi"
    yield {
        "programme": "JP",
        "category": "PU",
        "employer_rate": Decimal("2"),
        "worker_rate": Decimal("1"),
        "wage_ceiling": Decimal(10_042_300),
        "valid_from": date(2024, 3, 1),
        "valid_to": date(2025, 2, 28),
        "legal_basis": f"{jp} Rp10.042.300 sejak Maret 2024 (batas upah disesuaikan setiap tahun).",
    }
    yield {
        "programme": "JP",
        "category": "PU",
        "employer_rate": Decimal("2"),
        "worker_rate": Decimal("1"),
        "wage_ceiling": Decimal(10_547_400),
        "valid_from": date(2025, 3, 1),
        "legal_basis": (
            f"{jp} Rp10.547.400 sejak Maret 2025 (satu sumber sekunder). Batas upah disesuaikan setiap tahun "
            "menurut pertumbuhan PDB; batas untuk 2026 belum dikonfirmasi."
        ),
    }
    bpu = "peserta bukan penerima upah"
    yield {
        "programme": "JKK",
        "category": "BPU",
        "employer_rate": Decimal("1"),
        "wage_floor": BPU_FLOOR,
        "valid_from": START,
        "legal_basis": f"{PP44}: iuran JKK {bpu} 1 % dari penghasilan yang dilaporkan, paling rendah Rp1.000.000.",
    }
    yield {
        "programme": "JKM",
        "category": "BPU",
        "employer_amount": Decimal(6_800),
        "valid_from": START,
        "legal_basis": f"{PP44}: iuran JKM {bpu} Rp6.800 sebulan.",
    }
    yield {
        "programme": "JHT",
        "category": "BPU",
        "employer_rate": Decimal("2"),
        "wage_floor": BPU_FLOOR,
        "valid_from": START,
        "legal_basis": f"{PP46}: iuran JHT {bpu} 2 % dari penghasilan yang dilaporkan, paling rendah Rp1.000.000.",
    }


MINIMUMS = {"kepala_desa": 2_426_640, "sekretaris_desa": 2_224_420, "perangkat": 2_022_200}
MINIMUM_NAMES = {
    "kepala_desa": "kepala desa",
    "sekretaris_desa": "sekretaris desa",
    "perangkat": "perangkat desa lainnya",
}

PAYER_APBD = (
    "Permendagri 15/2023 (pedoman penyusunan APBD 2024): iuran JKK, JKM dan JHT bagi perangkat pemerintahan "
    "desa menjadi tanggung jawab daerah dan dibebankan pada APBD."
)
PAYER_APBDES = (
    "JP tidak termasuk dalam Permendagri 15/2023. Desa dapat membayar dari APBDes selain Dana Desa (mis. ADD), "
    "Permendagri 20/2018 Pasal 19 ayat (4) sebagaimana dikutip BPJS Ketenagakerjaan Cabang Pontianak."
)
PAYER_COMMON = (
    " Dana Desa tidak boleh dipakai untuk iuran ini (SE Kemendes 2024). Bagian peserta JHT (2 %) dan JP (1 %) "
    "dibayar peserta. Untuk anggota BPD bawaan ini sama dengan aparat; setiap kabupaten dapat mengaturnya sendiri."
)

SETTING_BASIS = (
    "Kelompok risiko JKK I (sangat rendah: pelayanan pemerintahan). Program bawaan JKK + JKM: yang sekurang-"
    "kurangnya didaftarkan bagi kepala desa dan perangkat desa; JHT dan JP pilihan menurut kemampuan keuangan. "
    "Kategori anggota BPD (PU atau BPU) belum dikonfirmasi dan berbeda antarkabupaten: bawaan BPU dengan "
    "penghasilan yang dilaporkan Rp1.000.000 (JKK + JKM Rp16.800 sebulan)."
)


def _snapshot(obj, fields):
    out = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, (date, Decimal)):
            value = str(value)
        out[name] = value
    return out


def seed(apps, schema_editor):
    ContributionRule = apps.get_model("budget", "ContributionRule")
    SiltapMinimum = apps.get_model("budget", "SiltapMinimum")
    PayerRule = apps.get_model("budget", "PayerRule")
    BudgetSetting = apps.get_model("budget", "BudgetSetting")
    RuleChange = apps.get_model("budget", "RuleChange")

    def record(kind, obj):
        fields = [f.attname for f in obj._meta.concrete_fields if f.attname not in ("updated_at",)]
        RuleChange.objects.create(
            kind=kind, object_id=obj.pk, after=_snapshot(obj, fields), reason=SEED_REASON
        )

    for values in _rules():
        record("contribution", ContributionRule.objects.create(**values))
    for office_class, amount in MINIMUMS.items():
        minimum = SiltapMinimum.objects.create(
            office_class=office_class,
            amount=Decimal(amount),
            valid_from=date(2020, 1, 1),
            legal_basis=(
                f"PP 11/2019 (perubahan kedua PP 43/2014, Pasal 81): siltap {MINIMUM_NAMES[office_class]} "
                f"paling sedikit Rp{amount:,} sebulan.".replace(",", ".")
            ),
        )
        record("minimum", minimum)
    for group in ("APARAT", "BPD"):
        for programme in ("JKK", "JKM", "JHT", "JP"):
            payer = PayerRule.objects.create(
                regency=None,
                from_year=2024,
                group=group,
                programme=programme,
                employer_payer="APBDES" if programme == "JP" else "APBD",
                worker_payer="PESERTA",
                legal_basis=(PAYER_APBDES if programme == "JP" else PAYER_APBD) + PAYER_COMMON,
            )
            record("payer", payer)
    record(
        "setting",
        BudgetSetting.objects.create(
            regency=None,
            from_year=2024,
            risk_group=1,
            programmes="JKK,JKM",
            bpd_category="BPU",
            bpd_declared_income=BPU_FLOOR,
            legal_basis=SETTING_BASIS,
        ),
    )


def unseed(apps, schema_editor):
    for name in ("RuleChange", "ContributionRule", "SiltapMinimum", "PayerRule", "BudgetSetting"):
        apps.get_model("budget", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("budget", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
