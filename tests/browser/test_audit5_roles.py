"""audit5, the users' jobs in the browser at their device's size: the province analyst reads the trend and
the round's report at 1280 px; the village operator on a 360 x 740 phone records a Plt the roster refuses
and sees why without hunting for it."""

import re
from datetime import date

import pytest
from django.utils import timezone

from lindungdesa.accounts.models import User
from lindungdesa.indicators.services import snapshot_take, target_set
from lindungdesa.lib.months import Month
from lindungdesa.monev.services import round_open
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.browser.conftest import (
    OPERATOR_PASSWORD,
    PENYELADI,
    sign_in,
    sign_in_on_phone,
    village_operator_make,
)
from tests.factories import enrol, make_position

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def province(regions) -> int:
    """Kepala desa in one desa of 150, two thirds of them enrolled; targets to 2030; three monthly snapshots
    and a round for last month, opened by the province analyst "analis"."""
    analyst = User(username="analis", role=User.Role.PROVINCE_ANALYST, region_id="61", first_name="Analis")
    analyst.set_password(OPERATOR_PASSWORD)
    analyst.save()
    for i, desa in enumerate(Region.objects.filter(kind=Region.Kind.DESA).order_by("code")[::150]):
        kades = make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name=f"Kepala Desa {i}")
        if i % 3:
            enrol(kades.person, date(2020, 2, 1), date(2099, 12, 1))
    target_set(region_code="61", indicator="aparat", year=2026, value=80)
    target_set(region_code="61", indicator="aparat", year=2030, value=100)
    today = Month.of(timezone.localdate())
    for back in range(3, 0, -1):
        snapshot_take(period=today.add(-back))
    return round_open(province=Region.objects.get(code="61"), period=str(today.add(-1)), user=analyst).pk


def test_the_analyst_reads_the_trend_and_the_round_report_at_1280_px(province, live_server, browser_page):
    page = browser_page
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "analis", "61")
    page.wait_for_selector("svg.trend-svg")
    # The chart's labels as they are drawn on the screen: readable, and none running into the next.
    labels = page.evaluate(
        """() => [...document.querySelector('svg.trend-svg').querySelectorAll('text.axis')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, left: r.left, right: r.right, top: r.top,
                    px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a};
        })"""
    )
    assert labels and min(label["px"] for label in labels) >= 9, labels  # drawn 640 wide: 5 px
    months = sorted((label for label in labels if "%" not in label["text"]), key=lambda label: label["left"])
    assert len(months) >= 3
    for a, b in zip(months, months[1:], strict=False):
        assert a["right"] <= b["left"], f"{a['text']!r} runs into {b['text']!r}"

    # The round's report: every column seen without scrolling the table sideways (Menjabat tanpa NIK was cut).
    page.goto(f"{live_server.url}/monev/{province}/")
    report = page.locator(".table-wrap").filter(
        has=page.get_by_role("columnheader", name="Menjabat tanpa NIK")
    )
    sizes = report.evaluate("w => [w.scrollWidth, w.clientWidth]")
    assert sizes[0] <= sizes[1], f"the round's report scrolls sideways at 1280 px: {sizes}"


@pytest.fixture
def sekdes(regions) -> None:
    village_operator_make()
    desa = Region.objects.get(code=PENYELADI)
    make_position(desa, Office.SEKRETARIS_DESA, date(2021, 3, 1), name="Ganep Nababan")


def test_a_refused_plt_on_the_phone_shows_its_reason_where_the_operator_looks(
    sekdes, live_server, browser_page
):
    page = browser_page
    sign_in_on_phone(page, live_server.url)
    page.get_by_role("link", name="Tambah aparat atau anggota BPD").click()
    page.fill("input[name=name]", "Hendra Gunawan")
    page.fill("input[name=birth_date]", "1990-07-01")
    page.select_option("select[name=office]", "sekretaris_desa")
    page.select_option("select[name=acting]", "plt")
    page.fill("input[name=term_start]", date.today().isoformat())
    page.get_by_role("button", name="Simpan", exact=True).click()
    reason = page.get_by_text(re.compile("Sekretaris Desa di Penyeladi masih dijabat Ganep Nababan"))
    reason.wait_for()
    # The form came back two screens long with the button at the bottom: the field the reason is about takes
    # the focus and is on the screen, with its reason (audit5: the phone stayed on the button, nothing seen).
    # htmx moves the focus when the swapped form has settled (htmx:load), a moment after its text is shown.
    page.wait_for_function("document.activeElement && document.activeElement.name === 'office'", timeout=5000)
    box = reason.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 740, box
