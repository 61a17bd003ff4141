from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from lindungdesa.accounts.models import User
from lindungdesa.accounts.permissions import (
    PERSONAL_VIEW,
    RIGHTS,
    ROLE_LEVELS,
    ROSTER_EDIT,
    USER_MANAGE,
    can,
    grantable_roles,
    require,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def user(role: str, region: str | None) -> User:
    return User(username="u", role=role, region_id=region)


def test_every_action_and_role_is_documented():
    text = DOCS.read_text()
    for action in RIGHTS:
        assert f"`{action}`" in text, action
    for role in User.Role:
        assert f"`{role.value}`" in text, role


def test_every_role_has_a_level():
    assert set(ROLE_LEVELS) == set(User.Role)


def test_the_role_decides_what_and_the_region_where():
    rudi = user(User.Role.REGENCY_OPERATOR, "61.03")
    require(rudi, ROSTER_EDIT, "61.03.01.2007")
    with pytest.raises(Http404):
        require(rudi, ROSTER_EDIT, "61.01.01.2001")
    with pytest.raises(PermissionDenied, match="Operator kabupaten"):
        require(rudi, USER_MANAGE, "61.03")


def test_an_inactive_user_may_do_nothing():
    rudi = user(User.Role.REGENCY_OPERATOR, "61.03")
    rudi.is_active = False
    assert not can(rudi, ROSTER_EDIT)


def test_analysts_association_and_viewers_see_masked_personal_data():
    for role in (User.Role.PROVINCE_ANALYST, User.Role.ASSOCIATION_OFFICER, User.Role.VIEWER):
        assert not user(role, "61").can_see_personal_data
    for role in (User.Role.REGENCY_OPERATOR, User.Role.VILLAGE_OPERATOR, User.Role.BPJS_OFFICER):
        assert can(user(role, "61.03"), PERSONAL_VIEW)


def test_a_regency_administrator_grants_only_rights_it_holds():
    granted = set(grantable_roles(user(User.Role.REGENCY_ADMIN, "61.03")))
    assert User.Role.PROVINCE_ANALYST not in granted and User.Role.ADMIN not in granted
    assert {User.Role.REGENCY_OPERATOR, User.Role.VILLAGE_OPERATOR, User.Role.VIEWER} <= granted
    assert set(grantable_roles(user(User.Role.ADMIN, "61"))) == set(User.Role)
    assert grantable_roles(user(User.Role.REGENCY_OPERATOR, "61.03")) == []


def test_the_documented_table_is_the_code():
    lines = [line for line in DOCS.read_text().splitlines() if line.startswith("| `") and "✓" in line]
    header = next(line for line in DOCS.read_text().splitlines() if line.startswith("| action | `admin`"))
    roles = [cell.strip().strip("`") for cell in header.strip("|").split("|")[1:]]
    documented = {}
    for line in lines:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        documented[cells[0].strip("`")] = {role for role, mark in zip(roles, cells[1:], strict=True) if mark}
    assert documented == {action: {str(r) for r in holders} for action, holders in RIGHTS.items()}


def test_the_pages_rights_are_what_can_answers_for_each_action():
    """The menu's `rights` (accounts/context_processors.py) read the role's actions at once: the same set
    as asking `can` for each action, for every role, active or not, and none for a visitor."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from lindungdesa.accounts.context_processors import rights

    request = RequestFactory().get("/")
    for role in User.Role:
        for active in (True, False):
            request.user = User(username="u", role=role, region_id="61", is_active=active)
            expected = frozenset(action for action in RIGHTS if can(request.user, action))
            assert rights(request)["rights"] == expected, (role, active)
            assert bool(expected) == active
    request.user = AnonymousUser()
    assert rights(request)["rights"] == frozenset()
