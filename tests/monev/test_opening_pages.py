"""Monev pages: opening a round from its page (the pages of an opened round: test_pages.py)."""

import pytest

from lindungdesa.monev.models import Round
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db


def test_the_province_opens_a_round_from_the_page(client, analyst, roster):
    client.force_login(analyst)
    response = client.post(
        "/monev/", {"period": "2026-q1", "criteria": ["nobody", "arrears"], "threshold": "50"}
    )
    round_ = Round.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/monev/{round_.pk}/"
    assert round_.period == "2026-Q1" and round_.criteria == ["nobody", "arrears"]
    html = client.get("/monev/").content.decode()
    assert "2026-Q1" in html and "Kalimantan Barat" in html
    # The message counts as every page does, thousands grouped ("dibuka: 1.976 kasus", not "1976").
    count = round_.cases.count()
    assert count >= 1000
    assert f"Putaran 2026-Q1 dibuka: {count // 1000}.{count % 1000:03d} kasus." in html


def test_a_bad_period_is_explained_and_nothing_opens(client, analyst, roster):
    client.force_login(analyst)
    html = client.post(
        "/monev/", {"period": "Q1", "criteria": ["nobody"], "threshold": "50"}
    ).content.decode()
    assert "tidak dikenal" in html and not Round.objects.exists()


def test_a_regency_operator_cannot_open_a_round(client, sanggau_operator, roster):
    client.force_login(sanggau_operator)
    assert (
        client.post("/monev/", {"period": "2026-Q1", "criteria": ["nobody"], "threshold": "50"}).status_code
        == 403
    )
