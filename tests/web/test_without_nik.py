"""Officials without a NIK on the pages: the desa's roster says "NIK belum ada" where the NIK would be, and
the desa, regency and monev figures say how many serve without one (docs/imports.md)."""

import pytest

from lindungdesa.imports.services import roster_import_file
from tests.imports.conftest import ROSTER_HEADER, to_csv
from tests.web.conftest import PENYELADI

pytestmark = pytest.mark.django_db


def _import_one_without_nik():
    row = dict.fromkeys(ROSTER_HEADER, "")
    row.update(
        kode_desa=PENYELADI,
        nama="Agustinus Jemadu",
        tanggal_lahir="21/09/1983",
        jabatan="Kaur Keuangan",
        tanggal_sk="02/08/2021",
        penghasilan_bulanan="2022200",
    )
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv")
    assert summary.accepted == 1


def test_the_desa_page_lists_nik_belum_ada_and_counts_them(client, village_operator):
    _import_one_without_nik()
    client.force_login(village_operator)
    html = client.get(f"/wilayah/{PENYELADI}/").content.decode()
    assert "Agustinus Jemadu" in html
    assert "NIK belum ada" in html
    assert "1 orang yang menjabat belum punya NIK" in html


def test_the_regency_page_counts_them(client, sanggau_operator):
    _import_one_without_nik()
    client.force_login(sanggau_operator)
    html = client.get("/wilayah/61.03/").content.decode()
    assert "1 orang yang menjabat belum punya NIK" in html
