"""Delegated administration: users made and changed only inside one's region, with rights one holds."""

import pytest

from lindungdesa.accounts import totp
from lindungdesa.accounts.models import AuditEntry, User
from tests.web.conftest import PASSWORD, PENYELADI, make_user

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "sandi-baru-yang-kuat-2026"


@pytest.fixture
def sanggau_admin(db) -> User:
    """Agus, administrator at the DPMD of Kabupaten Sanggau."""
    return make_user("agus", User.Role.REGENCY_ADMIN, "61.03", "Agus")


def new_user(client, by, **fields):
    client.force_login(by)
    data = {"username": "baru", "first_name": "Baru", "role": "village_operator", "region": PENYELADI,
            "password1": NEW_PASSWORD, **fields}  # fmt: skip
    return client.post("/pengguna/baru/", data)


def test_a_regency_administrator_creates_a_village_operator_in_its_regency(client, sanggau_admin):
    response = new_user(client, sanggau_admin)
    user = User.objects.get(username="baru")
    assert response.status_code == 302 and response["Location"] == f"/pengguna/{user.pk}/"
    assert (
        user.role == "village_operator" and user.region_id == PENYELADI and user.check_password(NEW_PASSWORD)
    )
    entry = AuditEntry.objects.get(model="accounts.User", object_id=str(user.pk), action="create")
    assert entry.user == sanggau_admin and entry.after["password"] == "(diubah)"


def test_it_refuses_a_region_outside_the_regency(client, sanggau_admin):
    response = new_user(client, sanggau_admin, region="61.01.01.2001")
    assert response.status_code == 200 and "di luar wilayah kerja Anda" in response.content.decode()
    assert not User.objects.filter(username="baru").exists()


def test_it_refuses_a_role_the_administrator_does_not_hold(client, sanggau_admin):
    response = new_user(client, sanggau_admin, role="province_analyst", region="61.03")
    assert "Pilih lagi “Peran” dari daftar." in response.content.decode()
    assert not User.objects.filter(username="baru").exists()


def test_a_role_must_sit_at_its_level(client, sanggau_admin):
    response = new_user(client, sanggau_admin, role="regency_operator", region=PENYELADI)
    assert "Peran ini bekerja di tingkat kabupaten/kota." in response.content.decode()


def test_a_weak_password_is_refused_in_indonesian(client, sanggau_admin):
    response = new_user(client, sanggau_admin, password1="12345")
    assert response.status_code == 200 and not User.objects.filter(username="baru").exists()


def test_users_of_another_regency_are_not_found(client, sanggau_admin):
    sambas = make_user("sambas", User.Role.REGENCY_OPERATOR, "61.01", "Sambas")
    client.force_login(sanggau_admin)
    assert "sambas" not in client.get("/pengguna/").content.decode()
    assert client.get(f"/pengguna/{sambas.pk}/").status_code == 404
    assert (
        client.post(
            f"/pengguna/{sambas.pk}/sandi/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        ).status_code
        == 404
    )
    sambas.refresh_from_db()
    assert sambas.check_password(PASSWORD)


def test_a_province_user_cannot_be_changed_by_a_regency_administrator(client, sanggau_admin):
    analyst = make_user("dewi", User.Role.PROVINCE_ANALYST, "61", "Dewi")
    client.force_login(sanggau_admin)
    assert client.get(f"/pengguna/{analyst.pk}/").status_code == 404


def test_an_administrator_resets_a_password(client, sanggau_admin):
    yanti = make_user("yanti", User.Role.VILLAGE_OPERATOR, PENYELADI, "Yanti")
    client.force_login(sanggau_admin)
    response = client.post(
        f"/pengguna/{yanti.pk}/sandi/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    yanti.refresh_from_db()
    assert yanti.check_password(NEW_PASSWORD)
    mismatch = client.post(f"/pengguna/{yanti.pk}/sandi/", {"password1": NEW_PASSWORD, "password2": "lain"})
    assert mismatch.status_code == 400 and "Kedua kata sandi tidak sama." in mismatch.content.decode()


def test_an_operator_may_not_manage_users(client):
    rudi = make_user("rudi", User.Role.REGENCY_OPERATOR, "61.03", "Rudi")
    client.force_login(rudi)
    assert client.get("/pengguna/").status_code == 403
    assert "Pengguna" not in client.get("/akun/").content.decode().split("<main")[0].split("site-nav")[1]


def test_an_administrator_turns_on_totp_and_then_signs_in_with_a_code(client, sanggau_admin):
    client.force_login(sanggau_admin)
    page = client.get("/akun/dua-langkah/").content.decode()
    secret = client.session["totp_setup_secret"]
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert client.post("/akun/dua-langkah/", {"code": "000000"}).status_code == 200
    assert client.post("/akun/dua-langkah/", {"code": totp.code_at(secret)}).status_code == 302
    sanggau_admin.refresh_from_db()
    assert sanggau_admin.has_totp
    client.logout()

    response = client.post("/masuk/", {"username": "agus", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/masuk/kode/")
    assert "_auth_user_id" not in client.session  # the password alone does not sign in
    wrong = client.post("/masuk/kode/", {"code": "123456"})
    assert "Kode salah" in wrong.content.decode()
    # The code used to turn it on cannot be used again; the next step's can.
    import time

    code = totp.code_at(secret, time.time() + 30)
    assert client.post("/masuk/kode/", {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(sanggau_admin.pk)


def test_operators_are_not_offered_totp(client):
    rudi = make_user("rudi", User.Role.REGENCY_OPERATOR, "61.03", "Rudi")
    client.force_login(rudi)
    assert client.get("/akun/dua-langkah/").status_code == 403


def test_api_tokens_are_made_shown_once_and_revoked(client):
    rudi = make_user("rudi", User.Role.REGENCY_OPERATOR, "61.03", "Rudi")
    client.force_login(rudi)
    html = client.post("/akun/token/", {"name": "OpenSID"}).content.decode()
    token = rudi.api_tokens.get()
    key = html.split('class="nik token-key">')[1].split("<")[0]
    assert key.startswith("ld_" + token.prefix)
    assert key not in client.get("/akun/").content.decode()
    assert client.post(f"/akun/token/{token.pk}/cabut/").status_code == 302
    assert not rudi.api_tokens.exists()


def test_wrong_second_factor_codes_lock_the_username_out_like_wrong_passwords(client, sanggau_admin):
    from django.conf import settings

    User.objects.filter(pk=sanggau_admin.pk).update(totp_secret=totp.secret_new())
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/masuk/", {"username": "agus", "password": PASSWORD})
        client.post("/masuk/kode/", {"code": "000000"})
    assert client.post("/masuk/", {"username": "agus", "password": PASSWORD}).status_code == 429
