from io import StringIO

import pytest
from django.core.management import call_command

from lindungdesa.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def setup(*args: str) -> str:
    out = StringIO()
    call_command("setup", "--province", "61", *args, stdout=out)
    return out.getvalue()


def test_it_creates_an_administrator_and_prints_the_login(var_dir):
    out = setup()
    admin = User.objects.get(username="admin")
    password = (var_dir / "login-admin.txt").read_text().strip()
    assert password in out and "admin" in out
    assert admin.check_password(password)
    assert admin.is_superuser and admin.role == User.Role.ADMIN and admin.region_id == "61"
    assert oct((var_dir / "login-admin.txt").stat().st_mode & 0o777) == "0o600"


def test_running_it_again_prints_the_same_login_and_changes_nothing():
    first = setup()
    second = setup()
    assert first.splitlines()[-1] == second.splitlines()[-1]
    assert User.objects.count() == 1


def test_the_login_can_come_from_the_environment(settings):
    settings.ADMIN_USERNAME = "dpmpd"
    settings.ADMIN_PASSWORD = "rahasia-sekali-123"
    out = setup()
    assert User.objects.get(username="dpmpd").check_password("rahasia-sekali-123")
    assert "rahasia-sekali-123" in out


def test_api_token_prints_a_working_key(client):
    from lindungdesa.accounts.models import ApiToken
    from lindungdesa.api.auth import key_hash

    User.objects.create_user(username="rudi", role=User.Role.REGENCY_OPERATOR, region_id="61.03")
    out = StringIO()
    call_command("api-token", "rudi", "--name", "CI", stdout=out)
    key = out.getvalue().strip()
    assert ApiToken.objects.get(key_hash=key_hash(key)).name == "CI"
    assert client.get("/api/regions/61.03/", headers={"Authorization": f"Token {key}"}).status_code == 200
    with pytest.raises(Exception, match="tidak ada"):
        call_command("api-token", "siapa")


def test_the_demo_users_cover_every_role():
    from lindungdesa.accounts.management.commands.setup import Command
    from lindungdesa.accounts.permissions import ROLE_LEVELS
    from lindungdesa.regions.models import Region

    logins = Command()._demo_users(Region.objects.get(code="61"))
    users = User.objects.filter(username__in=[login.username for _label, login in logins])
    assert {"analis", "operator.kab", "operator.desa", "admin.kab", "bpjs", "asosiasi", "peninjau"} == {
        u.username for u in users
    }
    assert set(users.values_list("role", flat=True)) == set(User.Role) - {User.Role.ADMIN}
    for user in users:
        assert user.region.level in ROLE_LEVELS[user.role]
        assert user.check_password(
            next(login.password for _l, login in logins if login.username == user.username)
        )
