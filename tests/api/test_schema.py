"""The API's schema is made once per process and language (lindungdesa/api/schema.py): the same whoever
asks, made anew when the settings change."""

import pytest
from django.test import Client

from lindungdesa.accounts.models import User
from lindungdesa.accounts.permissions import ROLE_LEVELS
from lindungdesa.api import schema as api_schema
from lindungdesa.api.auth import token_create
from tests.web.conftest import PENYELADI

pytestmark = pytest.mark.django_db

REGION_OF_LEVEL = {None: None, 1: "61", 2: "61.03", 4: PENYELADI}


def schema_of(user: User) -> dict:
    _token, key = token_create(user=user, name="uji")
    response = Client(headers={"Authorization": f"Token {key}"}).get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_the_same_for_every_role_made_anew_or_kept():
    users = [
        User.objects.create_user(
            username=f"u{i}", password="x", role=role, region_id=REGION_OF_LEVEL[ROLE_LEVELS[role][0]]
        )
        for i, role in enumerate(User.Role)
    ]
    made = []
    for user in users:  # each made for its own user
        api_schema._SCHEMAS.clear()
        made.append(schema_of(user))
    assert "/api/people/" in made[0]["paths"] and all(schema == made[0] for schema in made)
    assert [schema_of(user) for user in users] == made  # kept from the last user's
    assert len(api_schema._SCHEMAS) == 1


def test_each_language_has_its_own(settings):
    """Django REST framework's own texts (a page's number, a list's size) come in the request's language."""
    user = User.objects.create_user(username="adm", password="x", role=User.Role.ADMIN, region_id="61")
    _token, key = token_create(user=user, name="uji")
    api = Client(headers={"Authorization": f"Token {key}"})
    api_schema._SCHEMAS.clear()
    indonesian = api.get("/api/schema/?format=json").json()
    english = api.get("/api/schema/?format=json&lang=en").json()
    assert indonesian != english and len(api_schema._SCHEMAS) == 2
    assert api.get("/api/schema/?format=json").json() == indonesian
    settings.SPECTACULAR_SETTINGS = {**settings.SPECTACULAR_SETTINGS}  # any change empties them
    assert api_schema._SCHEMAS == {}


def test_visitors_get_no_schema(client):
    assert client.get("/api/schema/").status_code in (401, 403)
