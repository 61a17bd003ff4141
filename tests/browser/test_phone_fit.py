"""Pages that did not fit a 360 px phone: a village operator's account page once it holds an API token (for
OpenSID's sync), whose tokens' table is one card per token, not five columns wider than the phone; and the
worklist's filters, whose longest list name made the page 420 px wide."""

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.api.auth import token_create

pytestmark = pytest.mark.browser

PASSWORD = "sandi-uji-12345"


def user(username: str, role: str, region: str) -> User:
    account = User(username=username, role=role, region_id=region, first_name=username.title())
    account.set_password(PASSWORD)
    account.save()
    return account


@pytest.fixture
def yanti(regions) -> str:
    token_create(user=user("yanti", User.Role.VILLAGE_OPERATOR, "61.03.01.2007"), name="Sinkronisasi OpenSID")
    return "yanti"


@pytest.fixture
def rudi(regions) -> str:
    return user("rudi", User.Role.REGENCY_OPERATOR, "61.03").username


def sign_in_on_a_phone(page, base: str, username: str) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base + "/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} scrolls sideways: {width} px"


def test_the_account_page_with_a_token_fits_a_phone(yanti, live_server, browser_page):
    page = browser_page
    sign_in_on_a_phone(page, live_server.url, yanti)
    page.goto(live_server.url + "/akun/")
    assert page.get_by_role("button", name="Cabut").is_visible()
    assert "Sinkronisasi OpenSID" in page.locator("main").inner_text()
    fits(page)


def test_the_worklist_filters_fit_a_phone(rudi, live_server, browser_page):
    page = browser_page
    sign_in_on_a_phone(page, live_server.url, rudi)
    page.goto(live_server.url + "/wilayah/61.03/tindak-lanjut/")
    assert page.get_by_label("Daftar").is_visible()
    fits(page)
