"""audit7, the users' jobs in the browser at their device's size: the province analyst at 1280 px prints a
round's letters from the queue and sees them being prepared (also without JavaScript), and the village
operator on a 360 x 740 phone over a slow link reads next year's budget in a screen's height."""

import re
from datetime import date

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.monev.models import Round
from lindungdesa.monev.services import round_open
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.browser.conftest import (
    OPERATOR_PASSWORD,
    PENYELADI,
    PHONE,
    budget_rules_ensure,
    sign_in,
    sign_in_on_phone,
    slow_link,
    village_operator_make,
)
from tests.factories import enrol, make_position

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
SANGGAU = "61.03"


@pytest.fixture
def opened(regions) -> Round:
    """A round of this month, opened by the province analyst "analis": every desa registered nobody."""
    analyst = User(username="analis", role=User.Role.PROVINCE_ANALYST, region_id="61", first_name="Analis")
    analyst.set_password(OPERATOR_PASSWORD)
    analyst.save()
    desa = Region.objects.get(code="61.03.01.2007")
    make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name="Budi Santoso")
    return round_open(
        province=Region.objects.get(code="61"), period=date.today().strftime("%Y-%m"), user=analyst
    )


def queue(page, base: str, round_: Round) -> None:
    page.goto(f"{base}/monev/{round_.pk}/?antrean=semua&kabupaten={SANGGAU}")
    page.locator("input[name=cases]").first.wait_for()


def check_three(page) -> None:
    for box in page.locator("input[name=cases]").all()[:3]:
        box.check()


def test_the_analyst_sees_the_rounds_letters_being_prepared_and_cannot_ask_twice(
    opened, live_server, browser_page
):
    page = browser_page
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "analis", "61")
    queue(page, live_server.url, opened)
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    slow_link(page, latency=1500)  # 200 letters take ~20 s: a few held in flight long enough to look
    check_three(page)
    page.select_option("select[name=action]", "surat")
    run = page.get_by_role("button", name="Jalankan")
    with page.expect_download(timeout=120_000) as download:
        run.click()
        busy = page.locator("#aksi-massal button[aria-busy=true]")
        busy.wait_for(timeout=1_000)
        assert busy.inner_text() == "Menyiapkan surat…"
        assert busy.is_disabled()
        assert "Surat sedang disusun" in page.locator("#aksi-massal [role=status]").inner_text()
        # A second click (or Enter) while they are prepared sends nothing more.
        page.locator("#aksi-massal").evaluate("f => f.requestSubmit(f.querySelector('.bulk button'))")
    assert re.fullmatch(r"surat-monev-\d{4}-\d\d-3-desa\.pdf", download.value.suggested_filename)
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.get_by_text("Surat sudah terunduh.").wait_for()
    assert not run.is_disabled() and run.inner_text() == "Jalankan"
    assert len(sent) == 1, sent
    # Numbered, as the page shows once loaded again.
    page.reload()
    numbers = page.locator("#aksi-massal tbody td:last-child").all_inner_texts()
    assert sum(bool(re.fullmatch(r"400\.10/\d+/DPMD/\d{4}", n)) for n in numbers) == 3, numbers
    # The other bulk actions are the page's own POST, as before: the page again, with its message.
    page.locator("input[name=cases]").first.check()
    page.select_option("select[name=action]", "status")
    page.select_option("select[name=to_state]", "surat_terkirim")
    run.click()
    page.get_by_text("1 kasus menjadi Surat terkirim.").wait_for()
    assert len(sent) == 2


def test_without_the_script_the_letters_are_the_forms_own_download(opened, live_server, browser_page):
    """Without lindungdesa.js (not loaded, or JavaScript off: Chromium then starts no download Playwright can
    see), the form is the page's own POST and its answer the file."""
    page = browser_page
    page.set_viewport_size(DESKTOP)
    page.route("**/lindungdesa.js", lambda route: route.abort())
    sign_in(page, live_server.url, "analis", "61")
    queue(page, live_server.url, opened)
    check_three(page)
    page.select_option("select[name=action]", "surat")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Jalankan").click()
    assert download.value.suggested_filename.endswith("-3-desa.pdf")
    assert page.locator("#aksi-massal button[aria-busy]").count() == 0


@pytest.fixture
def penyeladi(regions) -> None:
    """Penyeladi's village operator "yanti"; a kepala desa enrolled, a sekretaris desa not."""
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


def test_the_operator_reads_next_years_budget_in_a_screens_height(penyeladi, live_server, browser_page):
    page = browser_page
    sign_in_on_phone(page, live_server.url)
    slow_link(page)
    page.reload()
    table = page.locator("#anggaran-tahun-depan table")
    table.wait_for()
    # audit7: a card a source of funds with a line a figure made the budget 680 px tall, the table's was 300.
    box = table.bounding_box()
    assert box is not None and box["height"] <= 0.6 * PHONE["height"], box
    cells = table.locator("td").evaluate_all(
        """cells => cells.map(c => {
            const r = c.getBoundingClientRect();
            return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: c.textContent.trim(),
                    fits: c.scrollWidth <= c.clientWidth, card: c.parentElement.getBoundingClientRect().right,
                    label: getComputedStyle(c, '::before').content};
        })"""
    )
    assert len(cells) == 15  # three sources and two total rows, three figures each: none lost
    for cell in cells:
        assert 0 <= cell["left"] and cell["right"] <= cell["card"] <= PHONE["width"], cell
        assert cell["text"] and cell["fits"], cell
    # Each figure under its column's name, the three side by side.
    for row in range(0, 15, 3):
        three = cells[row : row + 3]
        assert [c["label"].strip('"') for c in three] == ["Saat ini", "Semua menjabat", "Selisih"], three
        assert len({round(c["top"]) for c in three}) == 1, three
    total = page.get_by_role("row", name="Jumlah setahun")
    assert total.locator("td").all_inner_texts() == ["Rp157.248", "Rp301.392", "+Rp144.144"]
    # At a desk the whole names head the columns of a table.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    assert page.locator("#anggaran-tahun-depan thead th").all_inner_texts()[1:] == [
        "Peserta saat ini",
        "Semua yang menjabat",
        "Kesenjangan",
    ]
