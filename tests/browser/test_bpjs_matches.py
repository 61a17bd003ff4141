"""The BPJS officer saves the branch's monthly extract and sees, on the import's page, what it matched: how
many of its participants are tied to an official on a desa's roster, and whom each listed row is tied to;
a participant found on no roster says so (it is on no reconciliation list either)."""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from lindungdesa.accounts.models import User
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.browser.conftest import OPERATOR_PASSWORD, PENYELADI, sign_in
from tests.factories import make_nik, make_position
from tests.imports.conftest import BPJS_HEADER, bpjs_row, to_csv

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Extract:
    month: str
    path: Path


@pytest.fixture
def extract(regions, tmp_path) -> Extract:
    officer = User(username="bpjs", role=User.Role.BPJS_OFFICER, region_id="61")
    officer.set_password(OPERATOR_PASSWORD)
    officer.save()
    desa = Region.objects.get(code=PENYELADI)
    budi = make_position(desa, Office.KEPALA_DESA, date(2022, 1, 10), name="Budi Santoso").person
    month = str(Month.of(timezone.localdate()).add(-1))
    changed = {"upah": "2426640", "tanggal_kepesertaan": "01/02/2024", "bulan_iuran_terakhir": month}
    born = budi.birth_date.strftime("%d/%m/%Y")
    rows = [
        bpjs_row(budi.nik, born, PENYELADI, kpj="12345678901", nama="BUDI SANTOSO", **changed),
        # a participant of this desa whom no roster names
        bpjs_row(
            make_nik(desa.district_code, date(1970, 6, 1), "L", serial=901),
            "01/06/1970",
            PENYELADI,
            kpj="12345678902",
            nama="MARKUS ASING",
            **changed,
        ),
    ]
    path = tmp_path / f"ekstrak-bpjs-{month}.csv"
    path.write_bytes(to_csv(BPJS_HEADER, rows))
    return Extract(month=month, path=path)


def test_the_bpjs_officer_sees_what_a_saved_extract_matched(extract, live_server, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server.url, "bpjs", "61")
    page.goto(live_server.url + "/impor/")
    page.set_input_files("input[name=berkas]", str(extract.path))
    page.fill("input[name=bulan]", extract.month)
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.wait_for_url(re.compile(r".*/impor/\d+/$"))
    page.get_by_role("button", name="Simpan hasil ini").click()
    page.locator(".batch-meta .state-done").wait_for()

    summary = page.get_by_role("status").filter(has_text="peserta yang dicatat impor ini")
    assert "1 dari 2 peserta yang dicatat impor ini cocok" in summary.inner_text()
    assert "1 belum cocok" in summary.inner_text()
    rows = page.locator("table.people tbody tr")
    budi = rows.filter(has_text="BUDI SANTOSO").inner_text()
    markus = rows.filter(has_text="MARKUS ASING").inner_text()
    assert "Budi Santoso" in budi, budi  # the official on the roster the participant is tied to
    assert "belum cocok" in markus, markus
    page.screenshot(path="test-results/bpjs-matches.png", full_page=True)
