import csv
import io
from datetime import date

import pytest

from lindungdesa.imports.template import ROSTER_COLUMNS
from lindungdesa.regions.models import Region
from tests.factories import make_nik

ROSTER_HEADER = [name for name, _help, _width in ROSTER_COLUMNS]  # the downloadable template
BPJS_HEADER = [
    "nik",
    "nama",
    "kpj",
    "tanggal_lahir",
    "program",
    "kategori",
    "upah",
    "tanggal_kepesertaan",
    "bulan_iuran_terakhir",
    "status",
    "kode_desa",
]


def bpjs_row(nik: str, birth: str, desa: str, *, kpj: str = "12345678999", **changed: str) -> dict:
    """One active participant of an extract for February 2026, as the BPJS officer's file gives it (with
    the `changed` columns instead)."""
    return {
        "nik": nik,
        "nama": "Yohanes Apui",
        "kpj": kpj,
        "tanggal_lahir": birth,
        "program": "JKK,JKM",
        "kategori": "PU",
        "upah": "2.426.640",
        "tanggal_kepesertaan": "01/02/2026",
        "bulan_iuran_terakhir": "2026-02",
        "status": "AKTIF",
        "kode_desa": desa,
        **changed,
    }


def to_csv(header: list[str], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


@pytest.fixture
def desa() -> Region:
    return Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code").first()


@pytest.fixture
def other_regency_desa() -> Region:
    return Region.objects.filter(regency_code="61.01", kind=Region.Kind.DESA).order_by("code").first()


class People:
    """Valid NIKs for a desa's kecamatan, with the facts they encode."""

    def __init__(self, desa: Region):
        self.desa = desa

    def row(self, name: str, office: str, *, born=date(1980, 5, 17), sex="L", serial: int, **extra) -> dict:
        row = {
            "kode_desa": self.desa.code,
            "nama_desa": self.desa.name,
            "nik": make_nik(self.desa.district_code, born, sex, serial),
            "nama": name,
            "jenis_kelamin": sex,
            "tanggal_lahir": born.strftime("%d/%m/%Y"),
            "kelompok": "BPD" if "BPD" in office else "APARAT",
            "jabatan": office,
            "nama_dusun": "",
            "status_jabatan": "",
            "nomor_sk": "141/01/KPTS/2022",
            "tanggal_sk": "03/01/2022",
            "mulai_menjabat": "03/01/2022",
            "akhir_menjabat": "",
            "penghasilan_bulanan": "Rp 2.426.640",
            "no_hp": "081234567890",
        }
        row.update(extra)
        return row


@pytest.fixture
def people(desa) -> People:
    return People(desa)
