"""API keys: `Authorization: Token <key>` (or `Bearer <key>`). Only a key's SHA-256 is stored.

A key is 32 random bytes, so a fast hash is enough: nobody can guess one to test against the hashes, and
a stolen table of hashes opens nothing.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from lindungdesa.accounts.models import ApiToken, User

KEYWORDS = (b"token", b"bearer")
# last_used_at is written at most this often per key, not on every request.
TOUCH_SECONDS = 60


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new key for `user`; returns the token row and the key, which is never shown again."""
    name = name.strip()[:80] or "token"
    key = "ld_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[3:11], key_hash=key_hash(key))
    return token, key


@transaction.atomic
def token_revoke(*, token: ApiToken) -> None:
    token.delete()


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Header Authorization harus berbentuk: Token <kunci>."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Token tidak sah.")) from None
        token = ApiToken.objects.select_related("user", "user__region").filter(key_hash=key_hash(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Token tidak sah atau sudah dicabut."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > TOUCH_SECONDS:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return "Token"


class SessionAuthentication(authentication.SessionAuthentication):
    """A signed-in browser's session, CSRF-protected as DRF's is, refused with an Indonesian message (DRF's
    names Django's English reason)."""

    def enforce_csrf(self, request) -> None:
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise exceptions.PermissionDenied(
                _("Permintaan ditolak: token CSRF tidak ada atau tidak sah. Muat ulang halaman.")
            ) from None


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "lindungdesa.api.auth.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "lindungdesa.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <kunci>. Buat kunci di halaman Akun › Token API atau dengan "
            "`lindungdesa api-token NAMA_PENGGUNA`.",
        }
