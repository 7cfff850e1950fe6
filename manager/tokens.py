"""Bearer tokens and one-time codes: random, stored only as hashes, checked in constant time.

A token reads ``PREFIX_KEYID_SECRET``. The key id is public and finds the
row; the secret is checked against its SHA-256 with ``hmac.compare_digest``.
The secrets have 256 random bits, so a plain hash is as strong as a slow
one and costs nothing per request.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets

KEY_ID_CHARS = 12
SECRET_BYTES = 32
#: Enrolment codes are typed by a technician: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS = 3
CODE_GROUP_CHARS = 4


@dataclasses.dataclass(frozen=True)
class IssuedToken:
    text: str  # shown once, never stored
    key_id: str
    secret_hash: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue(prefix: str) -> IssuedToken:
    key_id = secrets.token_hex(KEY_ID_CHARS // 2)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return IssuedToken(f"{prefix}_{key_id}_{secret}", key_id, digest(secret))


def split(prefix: str, text: str) -> tuple[str, str] | None:
    """``(key_id, secret)`` of a token of this kind, or None."""
    head, _, rest = text.partition("_")
    key_id, _, secret = rest.partition("_")
    if head != prefix or len(key_id) != KEY_ID_CHARS or not secret:
        return None
    return key_id, secret


def matches(secret: str, secret_hash: str) -> bool:
    return hmac.compare_digest(digest(secret).encode(), secret_hash.encode())


def new_code() -> str:
    """A one-time code such as ``K7QM-3WZP-HX9D`` (about 59 bits)."""
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_CHARS))
        for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def normalise_code(text: str) -> str:
    """A typed code as issued: upper case, grouped, spaces and dashes ignored."""
    bare = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(bare[i : i + CODE_GROUP_CHARS] for i in range(0, len(bare), CODE_GROUP_CHARS))


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
