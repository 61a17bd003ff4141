"""Issue 4 in the browser: the dashboard's progress, trend with its target line, the map that drills down,
and a Kemendagri report whose figures equal the dashboard's."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from lindungdesa.accounts.models import User
from lindungdesa.indicators.services import snapshot_take, target_set
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.factories import enrol, make_position

pytestmark = pytest.mark.browser


@pytest.fixture
def province(regions):
    today = Month.of(timezone.localdate())
    for i, desa in enumerate(Region.objects.filter(kind=Region.Kind.DESA).order_by("code")[::150]):
        kades = make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name=f"Kepala Desa {i}")
        if i % 3:
            enrol(kades.person, date(2020, 2, 1), date(2099, 12, 1))
        make_position(desa, Office.BPD_KETUA, date(2020, 1, 1), name=f"Ketua BPD {i}")
    target_set(region_code="61", indicator="aparat", year=2030, value=100)
    for back in range(4, 0, -1):
        snapshot_take(period=today.add(-back))
    analyst = User(username="analis", role=User.Role.PROVINCE_ANALYST, region_id="61", first_name="Analis")
    analyst.set_password("sandi-uji-12345")
    analyst.save()
    return today


def test_the_dashboard_shows_progress_trend_map_and_a_report_with_the_same_figures(
    province, live_server, browser_page, tmp_path
):
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/masuk/")
    page.fill("input[name=username]", "analis")
    page.fill("input[name=password]", "sandi-uji-12345")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/wilayah/61/**")

    cards = page.locator(".progress-card")
    assert cards.count() == 3
    aparat_card = cards.nth(0).inner_text()
    assert "Cakupan aparat desa" in aparat_card and "Proyeksi Desember 2030" in aparat_card
    shown = re.search(
        r"(\d+,\d{2})\s%", page.locator(".progress-card .figure-value").first.inner_text()
    ).group(1)

    # Each trend is an SVG drawn on the server, with the target points (their value on hover) and its size
    # taken from the page's stylesheet (no inline style under the Content-Security-Policy).
    assert page.locator(".chart svg.trend-svg").count() >= 2
    assert page.locator(".chart svg.trend-svg").first.bounding_box()["width"] > 300
    assert page.locator(".chart svg circle.tpoint title").first.text_content().startswith("Target Des ")
    stroke = page.locator(".chart svg path.actual").first.evaluate("e => getComputedStyle(e).stroke")
    assert stroke == "rgb(31, 78, 121)"

    # The map: one shape per kabupaten/kota, a tooltip on hover, a click drills down.
    page.wait_for_selector("#peta path.leaflet-interactive")
    shapes = page.locator("#peta path.leaflet-interactive")
    assert shapes.count() == 14
    assert "BPS" in page.locator(".leaflet-control-attribution").inner_text()
    # Leaflet's own controls speak Indonesian.
    assert page.locator("a.leaflet-control-zoom-in").get_attribute("title") == "Perbesar"
    assert page.locator("a.leaflet-control-zoom-out").get_attribute("title") == "Perkecil"
    # The progress per kabupaten/kota shows every column at 1366 px: nothing cut, nothing to scroll.
    assert page.get_by_role("heading", name=re.compile("^Kemajuan per Kabupaten")).is_visible()
    table = page.locator("table.progress-table")
    inner, outer = table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
    assert inner <= outer, f"the progress table is {inner} px in {outer} px"
    right = table.evaluate("t => t.getBoundingClientRect().right")
    assert right <= 1366
    page.select_option("#peta-indikator", "bpd")
    shapes.nth(2).hover(force=True)
    page.wait_for_selector(".leaflet-tooltip")
    assert "BPD:" in page.locator(".leaflet-tooltip").inner_text()
    shapes.nth(2).click(force=True)
    page.wait_for_url(re.compile(r".*/wilayah/61\.\d\d/.*"))
    assert "Kabupaten" in page.locator("h1").inner_text() or "Kota" in page.locator("h1").inner_text()
    page.wait_for_selector("#peta path.leaflet-interactive")  # kecamatan shapes of that kabupaten

    # The report downloaded from the page has the dashboard's figure.
    page.goto(live_server.url + "/laporan/kemendagri/")
    page.select_option("select[name=periode]", str(province))
    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh XLSX").click()
    path = Path(tmp_path) / "laporan.xlsx"
    info.value.save_as(path)
    summary = {r[0]: r[1] for r in load_workbook(path).active.iter_rows(values_only=True) if r and r[0]}
    assert f"{summary['Cakupan aparat desa (%)']:.2f}".replace(".", ",") == shown
    page.screenshot(path="test-results/dashboard-report.png", full_page=True)
