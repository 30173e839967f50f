"""Passwords (argon2id, argon2-cffi) and sign-in codes (TOTP, RFC 6238, pyotp).

Both packages are the ``service`` extra (``pip install 'letterkit[service]'``), imported when
first used.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from letterkit.extras import require

STEP = 30
"""Seconds each sign-in code lasts."""
DRIFT = 1
"""Codes accepted either side of now, in steps (a phone's clock a little out)."""
MIN_PASSWORD = 12
"""The shortest password an account may have."""
ISSUER = "letterkit"


def _hasher() -> Any:
    require("service")
    from argon2 import PasswordHasher, Type

    return PasswordHasher(type=Type.ID)


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (with its own salt and parameters)."""
    return str(_hasher().hash(password))


def password_ok(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def burn_time(password: str) -> None:
    """Take as long as checking a password does, so an unknown name answers no faster."""
    password_ok(_DUMMY, password)


_DUMMY = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$mW5bYwEbBzn7C3ZJkbmEHQX7uL2qQZ5CMGMu2BeEqQg"


def new_secret() -> str:
    """A fresh TOTP secret (base32)."""
    require("service")
    import pyotp

    return str(pyotp.random_base32())


def uri(secret: str, account: str) -> str:
    """The otpauth:// address an authenticator app reads (as a QR code or typed in)."""
    require("service")
    import pyotp

    return str(pyotp.TOTP(secret, interval=STEP).provisioning_uri(name=account, issuer_name=ISSUER))


def code_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code ``code`` is (now, or one step either side), else None."""
    require("service")
    import pyotp

    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret, interval=STEP)
    moment = time.time() if now is None else now
    for drift in range(-DRIFT, DRIFT + 1):
        at = moment + drift * STEP
        if hmac.compare_digest(str(totp.at(at)), code):
            return int(at // STEP)
    return None


def code_now(secret: str, now: float | None = None) -> str:
    """The code an authenticator app shows now (for tests and the bench)."""
    require("service")
    import pyotp

    return str(pyotp.TOTP(secret, interval=STEP).at(time.time() if now is None else now))


def token_hash(token: str) -> str:
    """What is kept of a session's or a patient link's token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()
