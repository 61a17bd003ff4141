"""Pages must survive a strict Content Security Policy later: no inline scripts, styles or handlers."""

import re

import pytest
from django.urls import URLPattern, get_resolver

from lindungdesa.accounts.models import User
from tests.web.conftest import KAPUAS, PENYELADI, PERIOD, TANJUNG_KAPUAS
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db

PAGES = ["/masuk/", "/wilayah/61/", "/wilayah/61.03/", f"/wilayah/{KAPUAS}/", f"/wilayah/{PENYELADI}/",
         f"/wilayah/{TANJUNG_KAPUAS}/", "/wilayah/61/?periode=salah", "/wilayah/61.99/",
         "/impor/", "/rekonsiliasi/61.03/", f"/rekonsiliasi/{PENYELADI}/", "/akun/", "/akun/sandi/",
         "/akun/dua-langkah/", "/audit/", "/pengguna/", "/pengguna/baru/", "/api/docs/",
         f"/wilayah/{PENYELADI}/aparat/tambah/"]  # fmt: skip


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_no_inline_script_style_or_event_handler(client, roster, url):
    if url != "/masuk/":
        # A province administrator may open every page.
        client.force_login(User.objects.create_user(username="adm", role=User.Role.ADMIN, region_id="61"))
    response = client.get(url + ("&" if "?" in url else "?") + f"periode={PERIOD}")
    assert response.status_code == (404 if "61.99" in url else 200), url
    html = response.content.decode()
    # A JSON data block (json_script) is never executed, so a CSP allows it.
    data = r"(?![^>]*\stype=\"application/json\")"
    assert re.findall(rf"<script{data}(?![^>]*\ssrc=)[^>]*>", html) == []
    assert re.findall(rf"<script\b{data}(?![^>]*\sdefer)[^>]*>", html) == []
    assert re.findall(r"\sstyle=", html) == []
    assert re.findall(r"<style", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []
    assert "//cdn" not in html and "https://" not in html


def test_every_page_except_login_requires_login(client):
    checked = []
    for pattern in get_resolver().url_patterns:
        if not isinstance(pattern, URLPattern) and str(pattern.pattern) == "":
            for page in pattern.url_patterns:
                name = page.name
                if name in ("login", "logout"):
                    continue
                url = "/" + str(page.pattern).replace("<region:code>", "61").replace("<int:pk>", "1")
                response = client.get(url)
                assert response.status_code == 302, url
                assert response["Location"].startswith("/masuk/"), url
                checked.append(name)
    assert {"home", "region"} <= set(checked)
