"""audit6, the users' jobs in the browser at their device's size: the village operator on a 360 x 740 phone
over a slow link (400 ms, 50 kB/s) reads next year's budget and meets a term ended already; the province
analyst at 1280 px downloads the Kemendagri report and sees it being prepared."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lindungdesa.accounts.models import User
from lindungdesa.officials.models import Office, Position
from lindungdesa.officials.services import position_end
from lindungdesa.regions.models import Region
from tests.browser.conftest import (
    OPERATOR_PASSWORD,
    PENYELADI,
    budget_rules_ensure,
    sign_in,
    sign_in_on_phone,
    slow_link,
    village_operator_make,
)
from tests.factories import enrol, make_position

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def penyeladi(regions) -> Position:
    """A kepala desa enrolled, a sekretaris desa not, a kaur keuangan who resigned, effective in ten days."""
    budget_rules_ensure()
    village_operator_make()
    desa = Region.objects.get(code=PENYELADI)
    kades = make_position(
        desa, Office.KEPALA_DESA, date(2020, 1, 1), name="Budi Santoso", monthly_income=2426640
    )
    enrol(kades.person, date(2020, 2, 1), date(2099, 12, 1))
    make_position(
        desa, Office.SEKRETARIS_DESA, date(2021, 3, 1), name="Ganep Nababan", monthly_income=2224420
    )
    kaur = make_position(desa, Office.KAUR_KEUANGAN, date(2021, 3, 1), name="Ahmad Fauzi")
    return position_end(
        region=None,
        position=kaur,
        last_day=timezone.localdate() + timedelta(days=10),
        reason=Position.EndReason.RESIGNED,
    )


def test_the_operator_reads_next_years_budget_on_the_phone(penyeladi, live_server, browser_page):
    page = browser_page
    sign_in_on_phone(page, live_server.url)
    slow_link(page)
    page.reload()
    table = page.locator("#anggaran-tahun-depan table")
    table.wait_for()
    # audit6: the table was four columns wide in a 328 px box: it scrolled sideways and cut the third column.
    sizes = page.locator("#anggaran-tahun-depan .table-wrap").evaluate("w => [w.scrollWidth, w.clientWidth]")
    assert sizes[0] <= sizes[1], f"the budget scrolls sideways on the phone: {sizes}"
    cells = table.locator("td").evaluate_all(
        """cells => cells.map(c => {
            const r = c.getBoundingClientRect();
            return {left: r.left, right: r.right, text: c.textContent.trim(),
                    label: getComputedStyle(c, '::before').content};
        })"""
    )
    assert len(cells) == 15  # three sources and two total rows, three figures each: none lost
    for cell in cells:
        assert 0 <= cell["left"] and cell["right"] <= 360, cell
        assert cell["text"] and cell["label"].strip('"') in ("Saat ini", "Semua menjabat", "Selisih"), cell
    # The year's total, with everyone serving (Rp157.248 + Rp144.144 for the sekretaris desa), on the screen.
    total = page.get_by_role("row", name="Jumlah setahun")
    assert total.inner_text().split("\n") == ["Jumlah setahun", "Rp157.248", "Rp301.392", "+Rp144.144"]
    box = total.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360
    # At a desk (1280 px) the same summary is the table as before: four columns, the totals under a rule.
    page.set_viewport_size(DESKTOP)
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    assert page.locator("#anggaran-tahun-depan thead").is_visible()
    assert total.locator("th").evaluate("th => getComputedStyle(th).borderTopWidth") == "2px"


def test_a_term_ended_already_is_not_offered_for_replacement(penyeladi, live_server, browser_page):
    page = browser_page
    sign_in_on_phone(page, live_server.url)
    slow_link(page)
    page.goto(f"{live_server.url}/orang/{penyeladi.person_id}/")
    page.get_by_role("link", name="Ubah").first.wait_for()
    assert page.get_by_role("link", name="Ganti").count() == 0
    assert page.get_by_role("link", name="Akhiri").count() == 0
    # Reached by an old link: the reason, and the way back, instead of a form refused on submit.
    page.goto(f"{live_server.url}/jabatan/{penyeladi.pk}/ganti/")
    message = page.get_by_role("status").filter(has_text="sudah diakhiri pada")
    message.wait_for()
    assert "Mengundurkan diri" in message.inner_text()
    assert page.locator("input[name=term_start]").count() == 0
    box = message.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360
    page.get_by_role("link", name="Kembali ke daftar aparat").click()
    page.wait_for_url(f"**/wilayah/{PENYELADI}/**")


@pytest.fixture
def analyst(regions) -> None:
    user = User(username="analis", role=User.Role.PROVINCE_ANALYST, region_id="61", first_name="Analis")
    user.set_password(OPERATOR_PASSWORD)
    user.save()
    desa = Region.objects.get(code=PENYELADI)
    make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name="Budi Santoso")


def test_the_analyst_sees_the_kemendagri_pdf_being_prepared_and_cannot_ask_twice(
    analyst, live_server, browser_page
):
    page = browser_page
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "analis", "61")
    page.goto(f"{live_server.url}/laporan/kemendagri/")
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "format=" in request.url else None)
    slow_link(page, latency=1500)  # the report takes ~18 s on a province: held in flight long enough to look
    pdf = page.get_by_role("button", name="Unduh PDF")
    with page.expect_download(timeout=120_000) as download:
        pdf.click()
        busy = page.locator("form[data-download-busy] button[aria-busy=true]")
        busy.wait_for(timeout=1_000)
        assert busy.inner_text() == "Menyiapkan…"
        assert page.locator("form[data-download-busy] button").evaluate_all(
            "bs => bs.map(b => b.disabled)"
        ) == [
            True,
            True,
        ]
        assert "sedang disusun" in page.get_by_role("status").inner_text()
        # A second click (or Enter) while it is prepared sends nothing more.
        page.locator("form[data-download-busy]").evaluate(
            "f => f.requestSubmit(f.querySelectorAll('button')[1])"
        )
    assert download.value.suggested_filename.startswith("laporan-kemendagri-61-")
    assert download.value.suggested_filename.endswith(".pdf")
    page.get_by_text("Laporan sudah terunduh.").wait_for()
    assert page.locator("form[data-download-busy] button").evaluate_all("bs => bs.map(b => b.disabled)") == [
        False,
        False,
    ]
    assert len(asked) == 1, asked
