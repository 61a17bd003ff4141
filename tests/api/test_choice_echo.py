"""A value outside a choice of the API is refused without being quoted back: a forged NIK sent as an office,
a sex or a filter would otherwise come back whole in `errors` ("“6103…” tidak ada dalam daftar pilihan.")."""

import pytest

from lindungdesa.accounts.models import User
from tests.api.test_write_boundary import api, appoint, make
from tests.web.conftest import PENYELADI

pytestmark = pytest.mark.django_db

FORGED = "6103014708920077"
AGAIN = "Nilai ini tidak ada dalam daftar pilihan; pilih salah satu yang tersedia."


@pytest.fixture
def yanti(db) -> User:
    return make("yanti", User.Role.VILLAGE_OPERATOR, PENYELADI)


def test_a_forged_choice_in_a_write_is_refused_without_quoting_it(yanti):
    response = appoint(yanti, nik=FORGED, name="Theresia Wulan", office=FORGED, sex=FORGED, acting=FORGED)
    assert response.status_code == 400
    assert FORGED not in response.content.decode()
    assert response.json()["errors"] == {"office": [AGAIN], "sex": [AGAIN], "acting": [AGAIN]}


def test_a_forged_choice_in_a_filter_is_refused_without_quoting_it(yanti):
    response = api(yanti).get("/api/positions/", {"group": FORGED})
    assert response.status_code == 400
    assert FORGED not in response.content.decode()
    assert response.json()["errors"] == {"group": [AGAIN]}
