"""The operator's PIN: its stored hash, and the lockout after wrong tries.

The settings name a file holding the PIN's hash, never the PIN: whoever
reads the file learns nothing they can type. scrypt makes each guess at a
stolen hash cost real work; on the terminal itself the lockout does that.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from sync.fileio import write_atomically
from sync.health import LOCKOUT_FILE, read_pin_lockout

__all__ = ["LOCKOUT_FILE", "PinGuard", "hash_pin", "read_pin_lockout", "verify_pin"]

log = logging.getLogger(__name__)

HASH_SCHEME = "scrypt"
#: scrypt cost: about 50 ms on a desktop, a few hundred on a Raspberry Pi,
#: which is why the app checks a PIN on a worker thread.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
PIN_DIGITS = (4, 12)
MAX_WRONG_TRIES = 5
#: Each lockout in a row lasts longer: 5 min, 30 min, then hours. A right
#: PIN starts again at the first. About 40 guesses a day at most, instead of
#: the 1,400 that a fixed 5 minutes would allow.
LOCKOUT_STEPS_S = (300.0, 1800.0, 3 * 3600.0, 12 * 3600.0)
LOCKOUT_S = LOCKOUT_STEPS_S[0]
#: The record in the data folder (LOCKOUT_FILE) is readable by the delivery
#: service's group, which reports it to the manager.
LOCKOUT_FILE_MODE = 0o640


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
    """Counts wrong PINs: MAX_WRONG_TRIES in a row lock the pad, longer each time.

    With ``data_dir`` the count and the lockout are kept in LOCKOUT_FILE
    there. The file holds a wall-clock time (a restart must find it), but a
    lockout runs on the monotonic clock once read, and is never taken as
    longer than its step: a clock stepped back (a Pi has no battery clock)
    cannot stretch it.
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str] | None = None,
        *,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.path = Path(data_dir) / LOCKOUT_FILE if data_dir is not None else None
        self.clock = clock
        self.monotonic = monotonic
        self.wrong_tries = 0
        #: Lockouts since the last right PIN; picks the next step.
        self.lockouts = 0
        self._locked_until = 0.0  # monotonic
        self._load()

    @property
    def locked_for_s(self) -> float:
        """Seconds left of the lockout; 0 when a PIN may be tried."""
        return max(0.0, self._locked_until - self.monotonic())

    def record(self, correct: bool) -> None:
        if correct:
            self.wrong_tries = self.lockouts = 0
            self._locked_until = 0.0
        else:
            self.wrong_tries += 1
            if self.wrong_tries >= MAX_WRONG_TRIES:
                self.wrong_tries = 0
                self._locked_until = self.monotonic() + _step_s(self.lockouts)
                self.lockouts += 1
        self._save()

    def _save(self) -> None:
        if self.path is None:
            return
        left = self.locked_for_s
        record = {
            "wrong_tries": self.wrong_tries,
            "lockouts": self.lockouts,
            "locked_until": self.clock() + left if left else None,
        }
        try:
            write_atomically(self.path, json.dumps(record).encode("utf-8"), mode=LOCKOUT_FILE_MODE)
        except OSError as exc:
            log.error("cannot keep the PIN lockout in %s: %s", self.path, exc.strerror)

    def _load(self) -> None:
        if self.path is None:
            return
        record = read_pin_lockout(self.path.parent, now=self.clock())
        if record is None:
            return
        self.wrong_tries = record["wrong_tries"]
        self.lockouts = record["lockouts"]
        until = record["locked_until"]
        if until is not None and self.lockouts:
            left = min(until - self.clock(), _step_s(self.lockouts - 1))
            if left > 0:
                self._locked_until = self.monotonic() + left


def _step_s(lockouts: int) -> float:
    return LOCKOUT_STEPS_S[min(max(lockouts, 0), len(LOCKOUT_STEPS_S) - 1)]
