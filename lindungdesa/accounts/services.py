import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from lindungdesa.regions.models import Region

from .models import User


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    created: bool


def _password_file(username: str) -> Path:
    return Path(settings.VAR_DIR) / f"login-{username}.txt"


@transaction.atomic
def user_ensure(
    *,
    username: str,
    role: str,
    region: Region | None,
    password: str = "",
    first_name: str = "",
    superuser=False,
) -> Login:
    """Create the user if missing, and make sure a password is known to print.

    Without a given password a random one is generated once and kept in var/ (readable by the owner only),
    so that running set-up again prints the same login instead of silently changing it.
    """
    stored = _password_file(username)
    user = User.objects.filter(username=username).first()
    if not password and user is not None and stored.exists():
        return Login(username, stored.read_text().strip(), created=False)
    chosen = password or secrets.token_urlsafe(12)
    created = user is None
    if user is None:
        user = User(username=username)
    user.role = role
    user.region = region
    user.first_name = first_name or user.first_name
    user.is_staff = superuser
    user.is_superuser = superuser
    user.set_password(chosen)
    user.save()
    if not password:
        stored.write_text(chosen + "\n")
        stored.chmod(0o600)
    return Login(username, chosen, created)
