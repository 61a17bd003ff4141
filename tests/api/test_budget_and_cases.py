"""The API for budgets and monitoring cases: same scope and rules as the pages."""

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.monev import rules
from tests.api.test_api import api
from tests.web.conftest import DALAM_KAUM, PENYELADI
from tests.web.roster_once import (  # noqa: F401  (fixtures: made once)
    fresh_roster,
    fresh_round,
    module_roster,
    module_round,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return User.objects.create_user(
        username="rudi", password="x", role=User.Role.REGENCY_OPERATOR, region_id="61.03"
    )


def test_a_budget_has_the_command_s_fields_and_adds_up(operator, roster):  # noqa: F811
    data = api(operator).get("/api/budget/61.03/?year=2027&scenario=all-serving").json()
    assert set(data) == {
        "region",
        "year",
        "scenario",
        "persons",
        "total",
        "by_source",
        "by_programme",
        "by_account",
        "children",
    }
    assert (data["region"], data["year"], data["scenario"]) == ("61.03", 2027, "all-serving")
    assert data["total"] == sum(c["total"] for c in data["children"]) == sum(data["by_source"].values())
    assert data["total"] > 0


def test_a_budget_outside_the_region_or_with_bad_parameters_is_refused(operator, roster):  # noqa: F811
    client = api(operator)
    assert client.get("/api/budget/61.01/").status_code == 404
    bad = client.get("/api/budget/61.03/?year=1990&scenario=semua")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"year", "scenario"}


def test_cases_are_listed_in_the_users_region_and_moved_by_the_rules(operator, opened):
    client = api(operator)
    cases = client.get(f"/api/cases/?round={opened.pk}&page_size=500").json()
    assert cases["count"] == opened.cases.filter(desa__regency_code="61.03").count()
    assert {c["desa"][:5] for c in cases["results"]} == {"61.03"}
    case = opened.cases.get(desa_id=PENYELADI)
    refused = client.post(
        f"/api/cases/{case.pk}/move/", {"to_state": rules.CLOSED}, content_type="application/json"
    )
    assert refused.status_code == 400 and "alasan tertulis" in refused.json()["detail"]
    moved = client.post(
        f"/api/cases/{case.pk}/move/",
        {"to_state": rules.LETTER_SENT, "note": "lewat camat"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["state"] == rules.LETTER_SENT
    assert [e["to_state"] for e in moved.json()["events"]] == [rules.NEW, rules.LETTER_SENT]
    other = opened.cases.get(desa_id=DALAM_KAUM) if opened.cases.filter(desa_id=DALAM_KAUM).exists() else None
    outside = other or opened.cases.exclude(desa__regency_code="61.03").first()
    assert client.get(f"/api/cases/{outside.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/cases/{outside.pk}/move/", {"to_state": rules.LETTER_SENT}, content_type="application/json"
        ).status_code
        == 404
    )


def test_a_viewer_reads_cases_but_cannot_move_them(opened):
    viewer = User.objects.create_user(
        username="lihat", password="x", role=User.Role.VIEWER, region_id="61.03"
    )
    client = api(viewer)
    case = opened.cases.get(desa_id=PENYELADI)
    assert client.get(f"/api/cases/{case.pk}/").status_code == 200
    response = client.post(
        f"/api/cases/{case.pk}/move/", {"to_state": rules.LETTER_SENT}, content_type="application/json"
    )
    assert response.status_code == 403
    assert api(viewer).get("/api/rounds/").json()["results"][0]["period"] == "2026-Q1"
