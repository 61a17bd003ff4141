import sqlite3

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from lindungdesa.web.errors import server_error


def answer(path: str, exc: BaseException):
    try:
        raise exc
    except BaseException:
        return server_error(RequestFactory().get(path))


def sqlite_error(message: str) -> OperationalError:
    error = OperationalError(message)
    error.__cause__ = sqlite3.OperationalError(message)
    return error


def test_an_api_error_is_json():
    response = answer("/api/people/", ValueError("boom"))
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert "Retry-After" not in response


@pytest.mark.parametrize("path", ["/api/targets/set/", "/masuk/"])
def test_a_locked_sqlite_database_answers_503_with_retry_after(path):
    response = answer(path, sqlite_error("database is locked"))
    assert response.status_code == 503 and response["Retry-After"] == "10"


def test_a_missing_table_is_not_busy():
    assert answer("/masuk/", sqlite_error("no such table: x")).status_code == 500


def test_a_lost_postgresql_connection_answers_503():
    assert (
        answer("/wilayah/61/", OperationalError("server closed the connection unexpectedly")).status_code
        == 503
    )


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_to_the_api_documentation_page_is_refused_in_json(client, method):
    """Like every other address under /api/: not an empty 405 (issue 18)."""
    from lindungdesa.accounts.models import User

    client.force_login(User.objects.create_user(username="baca", password="x", role=User.Role.VIEWER))
    response = getattr(client, method)("/api/docs/")
    assert response.status_code == 405
    assert response.json() == {"detail": f"Metode {method.upper()} tidak diizinkan di alamat ini."}
    assert response["Allow"] == "GET, HEAD"
    assert client.get("/api/docs/").status_code == 200
