from datetime import date

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.factories import enrol, make_position

pytestmark = pytest.mark.browser


@pytest.fixture
def roster(regions):
    desa = Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code").first()
    kades = make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name="Yohanes Sanggau")
    enrol(kades.person, date(2020, 2, 1), date(2099, 12, 1))
    make_position(desa, Office.SEKRETARIS_DESA, date(2020, 1, 1), name="Maria Belum Terdaftar")
    analyst = User(username="analis", role=User.Role.PROVINCE_ANALYST, region_id="61", first_name="Analis")
    analyst.set_password("sandi-uji-12345")
    analyst.save()
    # Read everything the test needs now: once Playwright runs, this thread may not touch the database.
    path = [(r.code, r.name) for r in (desa.parent.parent, desa.parent, desa)]
    return path, kades.person.nik


def test_an_analyst_logs_in_and_drills_from_the_province_to_one_desa(roster, live_server, browser_page):
    path, nik = roster
    page = browser_page
    page.goto(live_server.url + "/")
    assert "/masuk/" in page.url
    page.fill("input[name=username]", "analis")
    page.fill("input[name=password]", "sandi-uji-12345")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/wilayah/61/**")
    assert "Kalimantan Barat" in page.content()

    for code, name in path:
        page.get_by_role("link", name=name, exact=True).first.click()
        page.wait_for_url(f"**/wilayah/{code}/**")
        assert name in page.locator("h1").inner_text()

    html = page.content()
    assert "Yohanes Sanggau" in html and "Maria Belum Terdaftar" in html
    assert nik not in html  # NIK is masked
    assert "************" + nik[-4:] in html
    assert "Terlindungi" in html and "Belum terdaftar" in html
    page.screenshot(path="test-results/drilldown-desa.png", full_page=True)
