"""Writes through the API stay inside the writer's region, and their messages name nothing outside it."""

import pytest
from django.test import Client

from lindungdesa.accounts.models import User
from lindungdesa.api.auth import token_create
from lindungdesa.officials.models import Position
from tests.web.conftest import DALAM_KAUM, PENYELADI, roster  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def api(user: User) -> Client:
    _token, key = token_create(user=user, name="uji")
    return Client(headers={"Authorization": f"Token {key}"})


@pytest.fixture
def yanti(db) -> User:
    """The village operator of Penyeladi (Sanggau)."""
    return User.objects.create_user(
        username="yanti", password="x", role="village_operator", region_id=PENYELADI
    )


def appoint(user: User, **body):
    body = {
        "desa": PENYELADI,
        "office": "kepala_dusun",
        "unit_name": "Hilir",
        "term_start": "2026-01-05",
        **body,
    }
    return api(user).post("/api/positions/appoint/", body, content_type="application/json")


def test_appointing_the_nik_of_someone_in_another_regency_is_refused(roster, yanti):  # noqa: F811
    response = appoint(yanti, nik=roster.zulkarnain.nik, name="Siapa Saja")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "nik": ["NIK ini tercatat di wilayah lain; hubungi operator kabupaten/provinsi."]
    }
    assert not Position.objects.filter(desa_id=PENYELADI, person=roster.zulkarnain).exists()
    # And the person stays out of reach.
    assert api(yanti).get(f"/api/people/{roster.zulkarnain.pk}/").status_code == 404
    assert api(yanti).get(f"/api/enrolments/?person={roster.zulkarnain.pk}").json()["count"] == 0
