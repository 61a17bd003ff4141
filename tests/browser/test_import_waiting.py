"""The village operator waits for an import on a phone, with the keyboard or a screen reader: the progress
line is refreshed every second, and the focus stays on its "Muat ulang" link (it used to fall to the top
of the page at each refresh, before Enter could reach the link)."""

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.imports.models import ImportBatch

pytestmark = pytest.mark.browser

PASSWORD = "sandi-uji-12345"
DESA = "61.03.01.2007"  # Penyeladi


@pytest.fixture
def waiting(regions) -> int:
    yanti = User(username="yanti", role=User.Role.VILLAGE_OPERATOR, region_id=DESA)
    yanti.set_password(PASSWORD)
    yanti.save()
    # Queued behind another import: no worker picks it up in this test, so it stays waiting.
    batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.ROSTER,
        file_name="daftar.xlsx",
        state=ImportBatch.State.PENDING,
        uploaded_by=yanti,
        scope_code=DESA,
        default_desa_id=DESA,
        dry_run=True,
    )
    return batch.pk


def test_the_focus_stays_on_the_progress_link_while_it_refreshes(waiting, live_server, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/masuk/")
    page.fill("input[name=username]", "yanti")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"**/wilayah/{DESA}/**")
    page.goto(f"{live_server.url}/impor/{waiting}/")
    page.get_by_text("Menunggu giliran diproses…").wait_for()

    page.get_by_role("link", name="Muat ulang").focus()
    with page.expect_response(f"**/impor/{waiting}/progres/"):
        pass
    with page.expect_response(f"**/impor/{waiting}/progres/"):
        pass
    page.wait_for_timeout(200)  # the second answer swapped in
    assert page.evaluate("document.activeElement.textContent.trim()") == "Muat ulang"
