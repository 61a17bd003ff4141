import base64

from lindungdesa.accounts import totp

RFC_KEY = b"12345678901234567890"  # RFC 6238 appendix B, SHA-1


def test_it_gives_the_rfc_6238_codes():
    for at, expected in [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"),
                         (2000000000, "69279037"), (20000000000, "65353130")]:  # fmt: skip
        assert totp.hotp(RFC_KEY, at // 30, digits=8) == expected


def test_it_verifies_a_code_of_this_step_and_its_neighbours_only():
    secret = base64.b32encode(RFC_KEY).decode()
    now = 1_234_567_890
    assert totp.verify(secret, totp.code_at(secret, now), at=now) == now // 30
    assert totp.verify(secret, totp.code_at(secret, now - 30), at=now) == now // 30 - 1
    assert totp.verify(secret, totp.code_at(secret, now - 90), at=now) is None
    assert totp.verify(secret, "12 34 5", at=now) is None and totp.verify(secret, "abcdef", at=now) is None


def test_a_code_is_not_accepted_twice():
    secret = totp.secret_new()
    now = 1_800_000_000
    step = totp.verify(secret, totp.code_at(secret, now), at=now)
    assert totp.verify(secret, totp.code_at(secret, now), at=now, after_step=step) is None


def test_the_provisioning_address_names_the_account():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", username="admin")
    assert uri.startswith("otpauth://totp/Lindung%20Desa%3Aadmin?secret=JBSWY3DPEHPK3PXP")
    assert "digits=6" in uri and "period=30" in uri
