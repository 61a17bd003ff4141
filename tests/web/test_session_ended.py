"""A session that ends while a page is open: htmx's next request goes to the login page as a whole page."""

import pytest

from tests.web.conftest import PASSWORD, PENYELADI

pytestmark = pytest.mark.django_db

FORM_PAGE = "http://testserver/jabatan/1/ubah/"


def htmx(current_url: str) -> dict:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": current_url}


def test_an_htmx_post_without_a_session_sends_the_whole_page_to_login(client):
    response = client.post("/jabatan/1/ubah/", {"nomor_sk": "141/2/2026"}, **htmx(FORM_PAGE))
    # Not a redirect htmx would follow and swap into the form: a full-page visit of the login page,
    # which brings the user back to the page they were on.
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/masuk/?next=/jabatan/1/ubah/"
    page = client.get(response["HX-Redirect"]).content.decode()
    assert "Sesi Anda sudah berakhir. Masuk lagi, lalu ulangi isian yang belum disimpan." in page


def test_a_polled_fragment_sends_back_to_the_page_not_the_fragment(client):
    response = client.get("/impor/1/progres/", **htmx("http://testserver/impor/1/?x=1"))
    assert response["HX-Redirect"] == "/masuk/?next=/impor/1/%3Fx%3D1"


def test_a_plain_post_without_a_session_is_still_redirected_and_says_why(client):
    response = client.post("/jabatan/1/ubah/", {"nomor_sk": "x"})
    assert response.status_code == 302 and response["Location"] == "/masuk/?next=/jabatan/1/ubah/"
    assert "HX-Redirect" not in response
    # An upload sent after the session ended lands on the login page with the reason (audit3: it was silent).
    page = client.get(response["Location"]).content.decode()
    assert "Sesi Anda sudah berakhir" in page


def test_opening_a_page_without_a_session_is_not_told_a_session_ended(client):
    page = client.get("/impor/", follow=True).content.decode()
    assert "/masuk/" in page and "Sesi Anda sudah berakhir" not in page


def test_a_signed_in_htmx_request_is_left_alone(client, village_operator):
    client.post("/masuk/", {"username": "yanti", "password": PASSWORD})
    response = client.get(f"/wilayah/{PENYELADI}/", **htmx(f"http://testserver/wilayah/{PENYELADI}/"))
    assert response.status_code == 200 and "HX-Redirect" not in response


def test_signing_out_is_not_told_a_session_ended(client, village_operator):
    client.post("/masuk/", {"username": "yanti", "password": PASSWORD})
    page = client.post("/keluar/", follow=True).content.decode()
    assert "/masuk/" in page and "Sesi Anda sudah berakhir" not in page
