"""Data for the manager's tests: terminals with tokens, messages and multipart bodies."""

from __future__ import annotations

import hashlib
import json
import uuid

from support.media_samples import jpeg, ogg_opus
from support.visits import salty_food

BOUNDARY = "kiosk-test-boundary-7f3a"
PHOTO = jpeg(320, 240, seed=7)
VOICE = ogg_opus(1.0, seed=7)


def make_terminal(terminal_id: str = "rome-01", site: str = "Trattoria Roma"):
    """A terminal and its token, through the model as ``terminal add`` makes them."""
    from manager.fleet.models import Site, Terminal

    place, _ = Site.named(site, create=True)
    terminal = Terminal(terminal_id=terminal_id, site=place)
    token = terminal.issue_token()
    terminal.save()
    return terminal, token


def message(
    terminal_id: str = "rome-01",
    *,
    photo: bytes | None = None,
    voice: bytes | None = None,
    **changes,
) -> dict:
    body = {"id": str(uuid.uuid4()), **salty_food(terminal_id=terminal_id)}
    if photo is not None:
        body["photo"] = {
            "content_type": "image/jpeg",
            "bytes": len(photo),
            "sha256": hashlib.sha256(photo).hexdigest(),
            "width": 320,
            "height": 240,
        }
    if voice is not None:
        body["voice"] = {
            "content_type": "audio/ogg",
            "bytes": len(voice),
            "sha256": hashlib.sha256(voice).hexdigest(),
            "duration_s": 1.0,
        }
    body.update(changes)
    return body


def multipart(parts: list[tuple[str, str | None, str | None, bytes]]) -> bytes:
    """A multipart/form-data body from (name, filename, content type, data) parts."""
    chunks = []
    for name, filename, content_type, data in parts:
        head = f'Content-Disposition: form-data; name="{name}"'
        if filename:
            head += f'; filename="{filename}"'
        if content_type:
            head += f"\r\nContent-Type: {content_type}"
        chunks.append(f"--{BOUNDARY}\r\n{head}\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(chunks) + f"--{BOUNDARY}--\r\n".encode()


def message_parts(
    body: dict, *, photo: bytes | None = None, voice: bytes | None = None
) -> list[tuple[str, str | None, str | None, bytes]]:
    parts = [("message", None, "application/json", json.dumps(body).encode())]
    if photo is not None:
        parts.append(("photo", "photo.jpg", "image/jpeg", photo))
    if voice is not None:
        parts.append(("voice", "voice.ogg", "audio/ogg", voice))
    return parts


def post_message(
    client,
    token: str | None,
    body: dict | None = None,
    *,
    parts=None,
    key: str | None = None,
    content_type: str | None = None,
    photo: bytes | None = None,
    voice: bytes | None = None,
):
    """POST /api/v1/messages as a terminal does (every piece can be spoiled by the caller)."""
    if parts is None:
        parts = message_parts(body, photo=photo, voice=voice)
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    key = key if key is not None else (body or {}).get("id")
    if key is not None:
        headers["Idempotency-Key"] = key
    data = parts if isinstance(parts, bytes) else multipart(parts)
    return client.generic(
        "POST",
        "/api/v1/messages",
        data,
        content_type=content_type or f"multipart/form-data; boundary={BOUNDARY}",
        headers=headers,
    )


def store_message(terminal, body: dict) -> int:
    """Stores a message through the API's ingest code, as a POST without its media does."""
    from manager.api.ingest import Upload

    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return Upload(terminal, body, [], hashlib.sha256(canonical.encode("utf-8")).hexdigest()).store()
