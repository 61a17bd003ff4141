"""A regency operator with the keyboard alone: the first Tab offers to skip the header and its menu; sorting
the table of its kecamatan keeps the focus on the column's link in the new table, so the next Tab goes on
from there (not from the top)."""

from datetime import date

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.browser.conftest import sign_in
from tests.factories import make_position

pytestmark = pytest.mark.browser

PASSWORD = "sandi-uji-12345"


@pytest.fixture
def operator(regions) -> None:
    desa = Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code").first()
    make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name="Yohanes Sanggau")
    rudi = User(username="rudi", role=User.Role.REGENCY_OPERATOR, region_id="61.03")
    rudi.set_password(PASSWORD)
    rudi.save()


def focused(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def log_in(page, live_server) -> None:
    page.set_viewport_size({"width": 1366, "height": 850})
    sign_in(page, live_server.url, "rudi", "61.03", PASSWORD)


def test_the_first_tab_skips_the_menu(operator, live_server, browser_page):
    page = browser_page
    log_in(page, live_server)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi halaman")
    assert focused(page) == "Langsung ke isi halaman"
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0  # shown while it has the focus
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('isi').contains(document.activeElement)")
    assert page.evaluate("!document.querySelector('.site-header').contains(document.activeElement)")


def test_sorting_by_keyboard_keeps_the_focus_on_the_column(operator, live_server, browser_page):
    page = browser_page
    log_in(page, live_server)

    table = page.locator("#tabel-wilayah")
    column = table.get_by_role("link", name="Terdaftar").first
    column.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**urut=terdaftar&arah=asc")
    table.locator("th[aria-sort=ascending]").wait_for()
    assert focused(page).startswith("Terdaftar")

    page.keyboard.press("Enter")  # again: the other direction, still from the same link
    page.wait_for_url("**urut=terdaftar&arah=desc")
    table.locator("th[aria-sort=descending]").wait_for()
    assert focused(page).startswith("Terdaftar")
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('tabel-wilayah').contains(document.activeElement)")
