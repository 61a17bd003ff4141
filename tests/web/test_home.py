import pytest

from lindungdesa.accounts.models import User
from lindungdesa.regions.models import Region
from tests.web.conftest import PENYELADI

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("person", "code"),
    [
        ("analyst", "61"),
        ("sanggau_operator", "61.03"),
        ("village_operator", PENYELADI),
        ("outsider", "61.01"),
    ],
)
def test_home_redirects_to_the_users_region(client, request, person, code):
    client.force_login(request.getfixturevalue(person))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/wilayah/{code}/"


def test_a_national_user_with_one_province_goes_to_it(client):
    admin = User.objects.create_user(username="admin", password="x", role=User.Role.ADMIN)
    client.force_login(admin)
    assert client.get("/")["Location"] == "/wilayah/61/"


def test_a_national_user_with_several_provinces_gets_a_list(client):
    Region.objects.create(code="62", name="Kalimantan Tengah", level=1, kind="provinsi", province_code="62")
    admin = User.objects.create_user(username="admin", password="x", role=User.Role.ADMIN)
    client.force_login(admin)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/wilayah/61/"' in html and "Kalimantan Barat" in html
    assert 'href="/wilayah/62/"' in html and "Kalimantan Tengah" in html
