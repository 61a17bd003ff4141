from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password
from django.test import override_settings

PRODUCTION_HASHERS = [
    "lindungdesa.accounts.hashers.Argon2Hasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_a_hash_made_with_djangos_parameters_still_verifies_and_is_made_again():
    old = Argon2PasswordHasher().encode("rahasia-desa-2026", Argon2PasswordHasher().salt())
    assert "m=102400" in old
    saved = []
    assert check_password("rahasia-desa-2026", old, setter=saved.append)
    assert saved == ["rahasia-desa-2026"]  # Django stores a new hash made with the first hasher
    assert not check_password("salah-sandi-2026", old)


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_a_new_hash_uses_the_cheaper_parameters_and_is_not_made_again():
    new = make_password("rahasia-desa-2026")
    assert new.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    saved = []
    assert check_password("rahasia-desa-2026", new, setter=saved.append)
    assert saved == []
    assert not check_password("salah-sandi-2026", new)
