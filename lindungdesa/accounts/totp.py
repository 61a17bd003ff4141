"""Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), standard library only.

Thirty lines of well-specified arithmetic, checked against the RFC's own test vectors
(tests/accounts/test_totp.py), rather than a dependency for it.
"""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP = 30
DIGITS = 6
# Codes of the step before and after are accepted too: phones' clocks drift.
WINDOW = 1


def secret_new() -> str:
    """20 random bytes (160 bits, RFC 4226's recommendation) as base32 without padding."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(key: bytes, counter: int, digits: int = DIGITS, digest=hashlib.sha1) -> str:
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    code = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def step_at(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // STEP)


def code_at(secret: str, at: float | None = None) -> str:
    return hotp(_key(secret), step_at(at))


def verify(secret: str, code: str, *, at: float | None = None, after_step: int = 0) -> int | None:
    """The time step `code` belongs to, if it is valid now and newer than `after_step` (no replays)."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit() or not secret:
        return None
    now = step_at(at)
    for step in range(now - WINDOW, now + WINDOW + 1):
        if step > after_step and hmac.compare_digest(hotp(_key(secret), step), code):
            return step
    return None


def provisioning_uri(secret: str, *, username: str, issuer: str = "Lindung Desa") -> str:
    """otpauth:// address that authenticator apps read (typed in, or from a QR code made elsewhere)."""
    label = quote(f"{issuer}:{username}")
    return f"otpauth://totp/{label}?" + urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP}
    )
