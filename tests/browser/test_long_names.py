"""A name without spaces, as long as the field allows it to be (a formula typed as a name, "=HYPERLINK(...)",
or two names run together), breaks inside its cell instead of pushing the page sideways: the village
operator's desa page on a 360 px phone, the budget's people and the audit trail on a 1280 px laptop."""

from datetime import date

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.officials.models import Office
from lindungdesa.officials.services import person_register, position_start
from lindungdesa.regions.models import Region
from tests.browser.conftest import (
    OPERATOR_PASSWORD,
    PENYELADI,
    PHONE,
    budget_rules_ensure,
    sign_in,
    sign_in_on_phone,
    village_operator_make,
)
from tests.factories import make_nik

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
FORMULA = '=HYPERLINK("http://contoh.invalid/masuk?ke=lindungdesa","Klik untuk memperbarui data")'


@pytest.fixture
def long_name(regions) -> None:
    village_operator_make()
    budget_rules_ensure()
    admin = User(username="admin.kab", role=User.Role.REGENCY_ADMIN, region_id="61.03")
    admin.set_password(OPERATOR_PASSWORD)
    admin.save()
    desa = Region.objects.get(code=PENYELADI)
    person = person_register(
        region="61.03",
        nik=make_nik(desa.district_code, date(1985, 4, 2)),
        name=FORMULA,
        sex="L",
        birth_date=date(1985, 4, 2),
    )
    position_start(
        region="61.03", person=person, desa=desa, office=Office.BPD_ANGGOTA, term_start=date(2024, 1, 2)
    )


def width(page) -> tuple[int, int]:
    return tuple(page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))


def test_a_long_name_without_spaces_does_not_push_the_page_sideways(long_name, live_server, browser_page):
    page = browser_page
    sign_in_on_phone(page, live_server.url)
    assert page.get_by_text(FORMULA).count() >= 1  # shown as text, whole
    scroll, inner = width(page)
    assert scroll <= PHONE["width"], f"the desa page scrolls sideways on the phone: {scroll} px"

    page.context.clear_cookies()
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server.url, "admin.kab", "61.03")
    for path in (f"/anggaran/{PENYELADI}/?skenario=all-serving", "/audit/"):
        page.goto(live_server.url + path)
        assert page.get_by_text(FORMULA).count() >= 1, path
        scroll, inner = width(page)
        assert scroll <= inner, f"{path} scrolls sideways at 1280 px: {scroll} px"
