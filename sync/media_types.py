"""The media a message carries: its two kinds, their content types and file extensions.

One table for everything on the terminal that types or names a photo or a
voice message: the outbox's media files, the quarantine's, the manager's
multipart parts and the mailbox's attachments.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

MediaKind = Literal["photo", "voice"]
MEDIA_KINDS: tuple[MediaKind, ...] = ("photo", "voice")

#: What the terminal records (a JPEG photo, Opus in an OGG container), and so
#: the content type of an attachment whose message names none.
DEFAULT_CONTENT_TYPE: dict[str, str] = {"photo": "image/jpeg", "voice": "audio/ogg"}

EXTENSION_BY_CONTENT_TYPE: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "audio/ogg": "ogg",
    "audio/opus": "opus",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/mpeg": "mp3",
}
#: The extension of a file whose content type the table does not know.
FALLBACK_EXTENSION = "bin"


def content_type(kind: str, attachment: Mapping[str, Any] | None) -> str:
    """The content type a message's ``photo`` or ``voice`` names, else the kind's default."""
    named = attachment.get("content_type") if attachment is not None else None
    return named or DEFAULT_CONTENT_TYPE[kind]


def extension(content_type: str, *, fallback: str = FALLBACK_EXTENSION) -> str:
    """The file extension (without the dot) for ``content_type``; ``fallback`` if unknown."""
    return EXTENSION_BY_CONTENT_TYPE.get(content_type, fallback)


def default_file_name(kind: str) -> str:
    """``photo.jpg`` or ``voice.ogg``: the name an attachment goes by outside the terminal."""
    return f"{kind}.{extension(DEFAULT_CONTENT_TYPE[kind])}"
