"""The personal-data matrix: every page, download and API endpoint, for the roles whose job is aggregated
figures (`viewer`, `association_officer`: docs/security.md), inside their own region.

Like the scope matrix (test_scope_matrix.py) the URLs come from the URL configuration, so a new page is
covered without editing this file. Inside its own region such a user may reach a page or not; what it
receives must hold nobody: no name, NIK (whole or masked), KPJ, phone number, case note or attachment of
anyone serving there.
"""

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.accounts.permissions import PEOPLE_VIEW, PERSONAL_EXPORT, PERSONAL_VIEW, role_allows
from tests.accounts.test_scope_matrix import ROUTES, body_text, request, url_for
from tests.world import PLACES, ROLE_USERS

# The world is made once for this module and the two other matrices of the group (`shared_world`,
# tests/conftest.py), in one test process.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("world")]

# "association officer, viewer: aggregated figures and the follow-up's progress, no personal data".
AGGREGATE_ROLES = ["viewer", "association_officer"]


def test_the_aggregate_roles_hold_no_right_to_people():
    for role in User.Role:
        may_see_people = any(role_allows(role, a) for a in (PEOPLE_VIEW, PERSONAL_VIEW, PERSONAL_EXPORT))
        assert may_see_people == (role not in {ROLE_USERS[key][0] for key in AGGREGATE_ROLES}), role


def person_markers(world, place: str) -> list[str]:
    p = world.places[place]
    return [
        p.person.name,
        p.person.nik,
        p.person.nik[-4:] and f"*{p.person.nik[-4:]}",
        p.person.phone,
        p.enrolment.kpj,
        p.proposal.enrolment.kpj,
        p.proposal.enrolment.bpjs_name,
        p.attachment.name,
        f"surat ke {place}",  # the case's note
    ]


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.name.startswith("public-")], ids=str)
def test_aggregate_roles_receive_nobody(client, world, route):
    problems = []
    for key in AGGREGATE_ROLES:
        _role, region, inside, _outside = ROLE_USERS[key]
        user = world.users[key]
        places = [name for name, code in PLACES.items() if code == region or code.startswith(region + ".")]
        url = url_for(route, world, region_place=inside, object_place=inside, user=user)
        if route.name.startswith("budget"):
            url += "?skenario=all-serving"  # a budget with everyone serving, so with people in it
        method, response = request(client, world, user, url)
        # The readiness URL answers 503 by design when no task worker has reported (as in tests).
        if response.status_code >= 500 and not (route.name == "health-ready" and response.status_code == 503):
            problems.append(f"server error: {key} {method} {url}")
            continue
        text = body_text(response)
        for place in places:
            for marker in person_markers(world, place):
                if marker and marker in text:
                    problems.append(f"{key} {method} {url} -> {response.status_code}: {marker}")
    assert problems == []
