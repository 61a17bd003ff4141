"""Hardening: `check --deploy` clean in production, the Content Security Policy, login lockout."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.utils.module_loading import import_string

from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _production_env(tmp_path) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_"))
    }
    env.update(
        LINDUNGDESA_PRODUCTION="1",
        SECRET_KEY="uji-" + "k3y-yang-panjang-dan-acak-" * 3,
        ALLOWED_HOSTS="lindungdesa.example.id",
        LINDUNGDESA_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "lindungdesa", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_the_development_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "lindungdesa", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_argon2_hashes_passwords_outside_the_tests():
    # The suite swaps in a fast hasher; the list the application uses starts with Argon2.
    source = (ROOT / "lindungdesa" / "settings.py").read_text()
    first = re.search(r'PASSWORD_HASHERS = \[\s*(?:#[^\n]*\n\s*)*"([\w.]+)"', source).group(1)
    hasher = import_string(first)
    assert issubclass(hasher, Argon2PasswordHasher)
    # OWASP's minimum for Argon2id (accounts/hashers.py), never less.
    assert hasher.memory_cost >= 19 * 1024 and hasher.time_cost >= 2 and hasher.parallelism >= 1


def test_every_page_sends_a_strict_content_security_policy(client, analyst):
    client.force_login(analyst)
    policy = client.get("/wilayah/61.03/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_cookies_are_http_only_and_same_site():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"


def test_repeated_failed_logins_lock_the_username_out_with_an_indonesian_message(client, village_operator):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/masuk/", {"username": "yanti", "password": "salah-sekali"})
        assert response.status_code == 200 and "Masuk" in response.content.decode()
    assert client.post("/masuk/", {"username": "yanti", "password": "salah-sekali"}).status_code == 429
    # Now even the right password is refused, with a page that says why and for how long.
    response = client.post("/masuk/", {"username": "yanti", "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Terlalu banyak percobaan masuk yang gagal" in html
    assert "Coba lagi setelah 30 menit" in html
    assert "_auth_user_id" not in client.session


def test_an_administrator_reset_lifts_the_lockout(client, village_operator):
    from lindungdesa.accounts.models import User
    from lindungdesa.accounts.services import user_password_reset

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/masuk/", {"username": "yanti", "password": "salah-sekali"})
    admin = User.objects.create_user(username="adm", password=PASSWORD, role=User.Role.ADMIN, region_id="61")
    user_password_reset(by=admin, user=village_operator, password="sandi-baru-yang-kuat-99")
    response = client.post("/masuk/", {"username": "yanti", "password": "sandi-baru-yang-kuat-99"})
    assert response.status_code == 302
