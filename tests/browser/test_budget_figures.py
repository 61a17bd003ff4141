"""The province analyst's budget page on a 1280 px laptop: the summary cards hold a province's totals (tens of
billions of rupiah, 16 characters and more) inside their edges instead of letting them run over."""

from datetime import date
from decimal import Decimal

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.browser.conftest import OPERATOR_PASSWORD, PENYELADI, budget_rules_ensure, sign_in
from tests.factories import make_position

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def province_budget(regions) -> None:
    budget_rules_ensure()
    analyst = User(username="analis", role=User.Role.PROVINCE_ANALYST, region_id="61")
    analyst.set_password(OPERATOR_PASSWORD)
    analyst.save()
    # A few officials whose incomes stand in for the thousands of a province: totals of tens of billions.
    desa = Region.objects.get(code=PENYELADI)
    for office, name in ((Office.KEPALA_DESA, "Budi Santoso"), (Office.SEKRETARIS_DESA, "Siti Aminah")):
        make_position(desa, office, date(2022, 1, 10), name=name, monthly_income=Decimal("95000000000"))


def test_the_summary_cards_hold_a_provinces_totals_inside_their_edges(
    province_budget, live_server, browser_page
):
    page = browser_page
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server.url, "analis", "61")
    page.goto(live_server.url + "/anggaran/61/?skenario=all-serving&jht=on&jp=on")
    cards = page.locator("section.figures .figure")
    assert cards.count() == 4
    totals = page.locator("section.figures .figure-value").all_inner_texts()
    assert max(len(t) for t in totals) >= 16, totals  # as long as a province's: Rp12.895.977.596
    overflows = cards.evaluate_all(
        """cards => cards.map(card => {
            const value = card.querySelector('.figure-value');
            const text = document.createRange();
            text.selectNodeContents(value);
            const box = card.getBoundingClientRect(), inner = value.getBoundingClientRect();
            const right = Math.max(...[...text.getClientRects()].map(r => r.right));
            const pad = parseFloat(getComputedStyle(card).paddingRight);
            return {text: value.innerText, fits: value.scrollWidth <= value.clientWidth
                    && right <= box.right - pad + 0.5 && inner.right <= box.right};
        }).filter(v => !v.fits).map(v => v.text)"""
    )
    page.screenshot(path="test-results/budget-figures-1280.png")
    assert overflows == [], f"totals running over their card's edge at 1280 px: {overflows}"
