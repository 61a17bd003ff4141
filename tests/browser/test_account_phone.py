"""A village operator's account page on a 360 px phone, once it holds an API token (for OpenSID's sync): the
tokens' table is one card per token, not five columns wider than the phone."""

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.api.auth import token_create

pytestmark = pytest.mark.browser

PASSWORD = "sandi-uji-12345"


@pytest.fixture
def yanti(regions) -> str:
    user = User(
        username="yanti", role=User.Role.VILLAGE_OPERATOR, region_id="61.03.01.2007", first_name="Yanti"
    )
    user.set_password(PASSWORD)
    user.save()
    token_create(user=user, name="Sinkronisasi OpenSID")
    return user.username


def test_the_account_page_with_a_token_fits_a_phone(yanti, live_server, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/masuk/")
    page.fill("input[name=username]", yanti)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/akun/")
    assert page.get_by_role("button", name="Cabut").is_visible()
    assert "Sinkronisasi OpenSID" in page.locator("main").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"/akun/ scrolls sideways: {width} px"
