import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from lindungdesa.regions.models import Region

from . import audit, totp
from .models import User
from .permissions import ROLE_LEVELS, grantable_roles


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


# Delegated administration ----------------------------------------------------------------------------


def _check_grant(*, by: User, role: str, region: Region | None) -> None:
    """`by` may give `role` in `region`: a role whose rights it holds, inside its own region, at the
    level the role works at. Raises ValidationError (Indonesian)."""
    errors: dict[str, str] = {}
    if role not in grantable_roles(by):
        errors["role"] = "Anda hanya dapat memberikan peran yang hak-haknya Anda miliki sendiri."
    levels = ROLE_LEVELS.get(role, ())
    level = region.level if region is not None else None
    if region is None and by.region_id is not None:
        errors["region"] = "Pilih wilayah di dalam wilayah kerja Anda."
    elif region is not None and not by.can_see_region(region.code):
        errors["region"] = "Wilayah ini berada di luar wilayah kerja Anda."
    elif role in ROLE_LEVELS and level not in levels:
        names = {None: "seluruh Indonesia", 1: "provinsi", 2: "kabupaten/kota", 4: "desa"}
        errors["region"] = "Peran ini bekerja di tingkat " + " atau ".join(names[x] for x in levels) + "."
    if errors:
        raise ValidationError(errors)


def _check_target(*, by: User, user: User) -> None:
    """`by` may change `user`: inside its region, and holding every right `user` has now."""
    if (
        user.region_id is None
        and by.region_id is not None
        or (user.region_id is not None and not by.can_see_region(user.region_id))
    ):
        raise ValidationError("Pengguna ini berada di luar wilayah kerja Anda.")
    if user.role not in grantable_roles(by):
        raise ValidationError(
            "Pengguna ini memiliki hak yang tidak Anda miliki; hanya atasan yang dapat mengubahnya."
        )


@transaction.atomic
def user_create(
    *,
    by: User,
    username: str,
    role: str,
    region: Region | None,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    _check_grant(by=by, role=role, region=region)
    user = User(
        username=username,
        role=role,
        region=region,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    with audit.acting_as(by):
        user.save()
    return user


@transaction.atomic
def user_update(
    *,
    by: User,
    user: User,
    role: str,
    region: Region | None,
    is_active: bool,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_target(by=by, user=user)
    _check_grant(by=by, role=role, region=region)
    if user.pk == by.pk and (role != user.role or not is_active):
        raise ValidationError("Anda tidak dapat mengubah peran atau menonaktifkan akun Anda sendiri.")
    user.role, user.region, user.is_active = role, region, is_active
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.full_clean()
    with audit.acting_as(by):
        user.save()
    return user


@transaction.atomic
def user_password_reset(*, by: User, user: User, password: str) -> User:
    """An administrator sets a new password for `user` (who forgot theirs, or was locked out)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk != by.pk:
        _check_target(by=by, user=user)
    validate_password(password, user)
    user.set_password(password)
    with audit.acting_as(by):
        user.save()
    # A reset also lifts a lockout of that username (django-axes).
    from axes.utils import reset

    reset(username=user.get_username())
    return user


@transaction.atomic
def user_totp_enable(*, user: User, secret: str, code: str) -> User:
    step = totp.verify(secret, code)
    if step is None:
        raise ValidationError(
            {"code": "Kode tidak cocok. Periksa jam ponsel Anda, lalu coba kode yang baru."}
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    user.totp_secret, user.totp_last_step = secret, step
    with audit.acting_as(user):
        user.save(update_fields=["totp_secret", "totp_last_step"])
    return user


@transaction.atomic
def user_totp_disable(*, by: User, user: User) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk != by.pk:
        _check_target(by=by, user=user)
    user.totp_secret, user.totp_last_step = "", 0
    with audit.acting_as(by):
        user.save(update_fields=["totp_secret", "totp_last_step"])
    return user


@transaction.atomic
def user_totp_check(*, user: User, code: str) -> bool:
    """A login's second step: the code is valid and was not used before."""
    user = User.objects.select_for_update().get(pk=user.pk)
    step = totp.verify(user.totp_secret, code, after_step=user.totp_last_step)
    if step is None:
        return False
    User.objects.filter(pk=user.pk).update(totp_last_step=step)
    return True
