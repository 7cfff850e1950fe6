"""The operator's PIN: its stored hash, and the lockout after wrong tries.

The settings name a file holding the PIN's hash, never the PIN: whoever
reads the file learns nothing they can type. scrypt makes each guess at a
stolen hash cost real work; on the terminal itself the lockout does that.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

HASH_SCHEME = "scrypt"
#: scrypt cost: about 50 ms on a desktop, a few hundred on a Raspberry Pi,
#: which is why the app checks a PIN on a worker thread.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
PIN_DIGITS = (4, 12)
MAX_WRONG_TRIES = 5
LOCKOUT_S = 300.0


class PinFormatError(ValueError):
    """A stored hash this code cannot read."""


def hash_pin(pin: str) -> str:
    """``scrypt$N$r$p$salt$hash`` for a PIN of 4 to 12 digits."""
    if not pin.isdigit() or not PIN_DIGITS[0] <= len(pin) <= PIN_DIGITS[1]:
        raise ValueError(f"a PIN is {PIN_DIGITS[0]} to {PIN_DIGITS[1]} digits")
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    encode = lambda data: base64.b64encode(data).decode()  # noqa: E731
    return f"{HASH_SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt)}${encode(digest)}"


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches the stored hash; constant time in the digest compare."""
    try:
        scheme, n, r, p, salt, digest = stored.strip().split("$")
        if scheme != HASH_SCHEME:
            raise ValueError(scheme)
        salt_bytes = base64.b64decode(salt, validate=True)
        expected = base64.b64decode(digest, validate=True)
        cost = int(n), int(r), int(p)
    except ValueError as exc:
        raise PinFormatError(
            "the PIN file does not hold a PIN hash; write one with `kiosk pin --file PATH`"
        ) from exc
    actual = hashlib.scrypt(
        pin.encode(),
        salt=salt_bytes,
        n=cost[0],
        r=cost[1],
        p=cost[2],
        maxmem=128 * cost[0] * cost[1] * 2 + 1024 * 1024,
    )
    return hmac.compare_digest(actual, expected)


class PinGuard:
    """Counts wrong PINs: after MAX_WRONG_TRIES in a row, refuses every try for LOCKOUT_S."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.wrong_tries = 0
        self.locked_until = 0.0

    @property
    def locked_for_s(self) -> float:
        """Seconds left of the lockout; 0 when a PIN may be tried."""
        return max(0.0, self.locked_until - self.clock())

    def record(self, correct: bool) -> None:
        if correct:
            self.wrong_tries = 0
            return
        self.wrong_tries += 1
        if self.wrong_tries >= MAX_WRONG_TRIES:
            self.wrong_tries = 0
            self.locked_until = self.clock() + LOCKOUT_S
