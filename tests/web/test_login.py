import pytest

from tests.web.conftest import PASSWORD, PENYELADI

pytestmark = pytest.mark.django_db


def test_the_login_page_renders_in_indonesian(client):
    response = client.get("/masuk/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert 'name="username"' in html and 'name="password"' in html
    assert "Masuk" in html


def test_it_logs_in_and_lands_on_the_users_region(client, village_operator):
    response = client.post("/masuk/", {"username": "yanti", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == f"/wilayah/{PENYELADI}/"
    assert response.status_code == 200
    assert response.wsgi_request.user == village_operator


def test_it_rejects_a_wrong_password_with_a_message(client, village_operator):
    response = client.post("/masuk/", {"username": "yanti", "password": "salah"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Nama pengguna atau kata sandi salah." in html
    assert "nama pengguna nama pengguna" not in html.lower()


@pytest.mark.parametrize("url", ["/", "/wilayah/61/", "/wilayah/61.03/", f"/wilayah/{PENYELADI}/"])
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/?next=")


def test_it_logs_out_by_post(client, village_operator):
    client.force_login(village_operator)
    response = client.post("/keluar/")
    assert response.status_code == 302 and response["Location"] == "/masuk/"
    assert client.get("/").status_code == 302


def test_it_does_not_log_out_by_get(client, village_operator):
    client.force_login(village_operator)
    assert client.get("/keluar/").status_code == 405


def test_the_header_shows_name_role_region_and_a_logout_button(client, sanggau_operator):
    client.force_login(sanggau_operator)
    html = client.get("/wilayah/61.03/").content.decode()
    assert "Rudi" in html
    assert "Operator kabupaten (DPMD)" in html
    assert "Kabupaten Sanggau" in html
    assert 'action="/keluar/"' in html and 'method="post"' in html
