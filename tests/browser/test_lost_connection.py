"""The village operator's phone loses what stood behind an open form: the connection, then the session.
Neither leaves a button that seems to do nothing, nor the login page inside the form; the correction is
saved once the operator is back."""

import re
from dataclasses import dataclass
from datetime import date

import pytest

from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.browser.conftest import PENYELADI, log_in, sign_in_on_phone, village_operator_make
from tests.factories import make_position

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Seat:
    position: int


@pytest.fixture
def seat(regions) -> Seat:
    village_operator_make()
    desa = Region.objects.get(code=PENYELADI)
    position = make_position(desa, Office.KAUR_KEUANGAN, date(2021, 3, 1), name="Ahmad Fauzi")
    return Seat(position=position.pk)


def test_a_lost_connection_and_an_ended_session_are_told_on_a_phone(seat, live_server, browser_page):
    page = browser_page
    context = page.context
    form_url = f"{live_server.url}/jabatan/{seat.position}/ubah/"
    sign_in_on_phone(page, live_server.url)
    page.goto(form_url)
    page.get_by_label("Nomor SK").fill("141/09/2021")

    # The connection drops as Simpan is pressed: the page says so, by the form, to a screen reader too.
    context.set_offline(True)
    page.get_by_role("button", name="Simpan").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Sambungan ke server terputus" in alert.inner_text()
    assert page.get_by_label("Nomor SK").input_value() == "141/09/2021"  # nothing typed is lost
    context.set_offline(False)

    # Meanwhile the session ended (the cookie is gone): Simpan leads to the login page, as a whole page.
    context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r".*/masuk/\?next="))
    assert page.locator("form.registry-form").count() == 0
    page.get_by_text(
        "Sesi Anda sudah berakhir. Masuk lagi, lalu ulangi isian yang belum disimpan."
    ).wait_for()
    log_in(page)
    page.wait_for_url(form_url)

    # Back at the form: the correction is made again and saved, once.
    page.get_by_label("Nomor SK").fill("141/09/2021")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r".*/orang/\d+/$"))
    assert page.get_by_role("alert").count() == 0
    page.get_by_text("Data jabatan Ahmad Fauzi sebagai Kaur Keuangan disimpan.").wait_for()
    assert page.get_by_role("row").filter(has_text="Kaur Keuangan").get_by_text("141/09/2021").is_visible()
