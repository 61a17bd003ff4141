"""The village operator waits for an import on a phone, with the keyboard or a screen reader: the progress
line is refreshed every second, and the focus stays on its "Muat ulang" link (it used to fall to the top
of the page at each refresh, before Enter could reach the link)."""

import pytest

from lindungdesa.imports.models import ImportBatch
from tests.browser.conftest import PENYELADI, sign_in_on_phone, village_operator_make

pytestmark = pytest.mark.browser


@pytest.fixture
def waiting(regions) -> int:
    yanti = village_operator_make()
    # Queued behind another import: no worker picks it up in this test, so it stays waiting.
    batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.ROSTER,
        file_name="daftar.xlsx",
        state=ImportBatch.State.PENDING,
        uploaded_by=yanti,
        scope_code=PENYELADI,
        default_desa_id=PENYELADI,
        dry_run=True,
    )
    return batch.pk


def test_the_focus_stays_on_the_progress_link_while_it_refreshes(waiting, live_server, browser_page):
    page = browser_page
    sign_in_on_phone(page, live_server.url)
    page.goto(f"{live_server.url}/impor/{waiting}/")
    page.get_by_text("Menunggu giliran diproses…").wait_for()

    page.get_by_role("link", name="Muat ulang").focus()
    with page.expect_response(f"**/impor/{waiting}/progres/"):
        pass
    with page.expect_response(f"**/impor/{waiting}/progres/"):
        pass
    page.wait_for_timeout(200)  # the second answer swapped in
    assert page.evaluate("document.activeElement.textContent.trim()") == "Muat ulang"
