"""Personal data in the API (issue 18): masks that cannot be undone, large list pages audited as downloads,
and `?region=` on the cases."""

import json
from datetime import date

import pytest

from lindungdesa.accounts.models import AuditEntry, User
from lindungdesa.api.base import AUDITED_PAGE_ROWS
from lindungdesa.officials.models import Office, Person
from lindungdesa.regions.models import Region
from tests.api.test_api import api, people  # noqa: F401  (fixture)
from tests.factories import enrol, make_position
from tests.web.conftest import PENYELADI
from tests.web.roster_once import (  # noqa: F401  (fixtures: made once)
    fresh_roster,
    fresh_round,
    module_roster,
    module_round,
)

pytestmark = pytest.mark.django_db


def written_dates(day: date) -> list[str]:
    return [day.isoformat(), day.strftime("%d-%m-%Y"), day.strftime("%d%m%y")]


def test_an_analyst_cannot_rebuild_a_nik_from_what_the_api_gives(roster, people):  # noqa: F811
    """The hidden digits of a NIK are the kecamatan and the birth date (+40 for women): a mask shown beside
    the birth date and the sex could be undone. The analyst gets neither, and the mask keeps 4 digits only."""
    c = api(people["analyst"])
    siti = roster.siti  # a woman: her NIK's day is 45
    answers = [
        c.get(f"/api/people/{siti.pk}/"),
        c.get(f"/api/people/?region={PENYELADI}"),
        c.get(f"/api/enrolments/?person={siti.pk}"),
        c.get(f"/api/positions/?region={PENYELADI}"),
    ]
    assert all(a.status_code == 200 for a in answers)
    person = answers[0].json()
    assert person["nik"] == "************" + siti.nik[-4:]
    assert (person["birth_date"], person["sex"]) == (None, None)
    assert person["age_band"] == "40-49"  # born 5 July 1983
    text = json.dumps([a.json() for a in answers])
    assert siti.nik[:12] not in text and siti.nik[6:12] not in text
    for written in written_dates(siti.birth_date):
        assert written not in text
    listed = next(p for p in answers[1].json()["results"] if p["id"] == siti.pk)
    assert (listed["birth_date"], listed["sex"]) == (None, None)


def test_those_who_may_see_personal_data_get_it_whole(roster, people):  # noqa: F811
    person = api(people["operator"]).get(f"/api/people/{roster.siti.pk}/").json()
    assert person["nik"] == roster.siti.nik
    assert (person["birth_date"], person["sex"], person["age_band"]) == ("1983-07-05", "P", "40-49")


def test_the_audit_page_withholds_birth_dates_and_sex_from_an_analyst(client, roster, people):  # noqa: F811
    client.force_login(people["analyst"])
    html = client.get(f"/audit/?orang={roster.siti.name}").content.decode()
    assert "Siti Aminah" in html  # her entry is there ...
    # ... without what would rebuild her NIK (the page writes dates DD-MM-YYYY)
    assert "05-07-1983" not in html and "1983-07-05" not in html and roster.siti.nik not in html
    client.force_login(people["admin"])
    assert "05-07-1983" in client.get(f"/audit/?orang={roster.siti.name}").content.decode()


@pytest.fixture
def many(roster):  # noqa: F811
    """More people in Sanggau than a quiet page holds: a kepala desa in each of 21 more desa."""
    desas = Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).exclude(
        code__in=[PENYELADI, "61.03.01.2008", "61.03.02.2001"]
    )[: AUDITED_PAGE_ROWS + 1]
    for i, desa in enumerate(desas):
        make_position(desa, Office.KEPALA_DESA, date(2022, 1, 1), name=f"Kepala Desa Ke-{i}")
    return roster


def exports(user: User) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(user=user, action=AuditEntry.Action.EXPORT))


@pytest.mark.parametrize("url", ["/api/people/", "/api/positions/", "/api/enrolments/"])
def test_a_large_page_of_a_person_list_is_an_audited_download(many, people, url):  # noqa: F811
    operator = people["operator"]
    c = api(operator)
    assert c.get(f"{url}?page_size={AUDITED_PAGE_ROWS}").status_code == 200
    assert exports(operator) == []  # a page of a few rows is a look-up
    if url == "/api/enrolments/":  # memberships: one for each of the many
        for person in Person.objects.filter(name__startswith="Kepala Desa Ke-"):
            enrol(person, date(2024, 1, 1), date(2026, 3, 1))
    response = c.get(f"{url}?page_size=100&region=61.03")
    rows = len(response.json()["results"])
    assert response.status_code == 200 and rows > AUDITED_PAGE_ROWS
    [entry] = exports(operator)
    assert (entry.region_code, entry.after["rows"], entry.after["masked"]) == ("61.03", rows, False)
    assert entry.after["file_name"] == f"{url}?page_size=100&region=61.03"
    analyst = people["analyst"]
    api(analyst).get(f"{url}?page_size=100")
    [entry] = exports(analyst)
    assert (entry.region_code, entry.after["masked"]) == ("61", True)


# ?region= on the cases ---------------------------------------------------------------------------------


def test_cases_filter_by_region_inside_the_users_own(opened, people):  # noqa: F811
    c = api(people["analyst"])
    every = c.get("/api/cases/?page_size=500").json()["count"]
    sanggau = c.get("/api/cases/?region=61.03&page_size=500").json()
    assert 0 < sanggau["count"] < every
    assert sanggau["count"] == opened.cases.filter(desa__regency_code="61.03").count()
    assert {case["desa"][:5] for case in sanggau["results"]} == {"61.03"}
    one = c.get(f"/api/cases/?region={PENYELADI}").json()
    assert [case["desa"] for case in one["results"]] == [PENYELADI]
    # A regency operator of Sanggau asking for Sambas gets none of Sambas's cases.
    assert api(people["operator"]).get("/api/cases/?region=61.01").json()["count"] == 0


@pytest.mark.parametrize("code", ["61.3", "sanggau", "99.99"])
def test_a_region_that_is_no_region_is_a_400(opened, people, code):  # noqa: F811
    response = api(people["analyst"]).get(f"/api/cases/?region={code}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["region"]
