"""A terminal's message POST: checked whole before anything is stored, then stored once.

Checks, in order, each with the contract's status: the body's size (413),
its type (415), the Idempotency-Key (400), the parts (400), the message
JSON (400) and its schema (422), the terminal it claims to come from
(403), and each attachment: its part's type (415), size, SHA-256 and magic
bytes (422). Only then is anything written: the media to the storage, then
the receipt and the message in one transaction (on PostgreSQL one statement). Of concurrent posts of
one id exactly one inserts the receipt; the others, refused by its primary
key, delete their media, find it and answer as for a repeat.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import json
import secrets
import uuid
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.http import parse_header_parameters

from manager import prepared
from manager.api.models import Receipt
from manager.api.problems import Problem
from manager.fleet.models import Terminal
from manager.inbox.models import Message, media_path
from manager.storage import folders_synced_once

SCHEMAS_PATH = Path(__file__).resolve().parent / "schemas.json"
PARTS = ("message", "photo", "voice")
MEDIA = {
    # kind: (content type, magic bytes at the start, file extension)
    "photo": ("image/jpeg", b"\xff\xd8\xff", "jpg"),
    "voice": ("audio/ogg", b"OggS", "ogg"),
}
#: A refused body up to this many times the limit is read to its end before the 413.
DRAIN_FACTOR = 4
DRAIN_CHUNK_BYTES = 1 << 16
#: Random bytes naming one request's media files (see media_path).
UPLOAD_TOKEN_BYTES = 8
#: A multipart boundary has 1 to 70 characters (RFC 2046 5.1.1).
MAX_BOUNDARY_CHARS = 70
#: More parts than this are refused before they are looked at (a message has three).
MAX_PARTS = 16
#: How many schema errors a 422 lists; the rest are counted.
MAX_LISTED_ERRORS = 5


def _schema_document(name: str) -> dict:
    document = json.loads(SCHEMAS_PATH.read_text(encoding="utf-8"))
    document.pop("$comment", None)
    document["$ref"] = f"#/components/schemas/{name}"
    return document


@functools.cache
def validator(name: str):
    """A JSON Schema validator for one of the contract's schemas, for the errors it lists."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(
        _schema_document(name), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@functools.cache
def fast_validator(name: str):
    """The same schema compiled by jsonschema-rs, which answers valid or not in microseconds
    where jsonschema takes half a millisecond a message: it decides, jsonschema explains."""
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(_schema_document(name), validate_formats=True)


def schema_problems(name: str, instance) -> list[str]:
    """What makes ``instance`` break the contract's schema ``name``; empty when it fits."""
    if fast_validator(name).is_valid(instance):
        return []
    found = [(list(error.path), error.message) for error in validator(name).iter_errors(instance)]
    if not found:
        # jsonschema-rs checks every format; jsonschema only those whose optional
        # checker is installed. The stricter answer stands, in jsonschema-rs's words.
        found = [
            (list(error.instance_path), error.message)
            for error in fast_validator(name).iter_errors(instance)
        ]
    found.sort(key=lambda item: [str(p) for p in item[0]])
    described = []
    for path, text in found[:MAX_LISTED_ERRORS]:
        where = "/".join(str(p) for p in path) or "(top)"
        described.append(f"{where}: {text[:200]}")
    if len(found) > MAX_LISTED_ERRORS:
        described.append(f"and {len(found) - MAX_LISTED_ERRORS} more")
    return described


def read_json_body(request, max_bytes: int):
    """A request's JSON body (415 unless application/json, 413 above max_bytes, 400 unless JSON)."""
    content_type = request.content_type or ""
    if content_type != "application/json":
        raise Problem(415, f"send the body as application/json, not {content_type or 'nothing'}")
    length = request.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise Problem(413, f"the body has {length} bytes; at most {max_bytes} are accepted")
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, f"the body is not JSON: {exc}") from exc


@dataclasses.dataclass
class Attachment:
    kind: str
    data: bytes
    meta: dict


@dataclasses.dataclass
class Upload:
    """A message POST that passed every check; ``store()`` writes it."""

    terminal: Terminal
    message: dict
    attachments: list[Attachment]
    body_sha256: str

    @classmethod
    def parse(cls, request, terminal: Terminal, max_bytes: int) -> Upload:
        length = request.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            _drain(request, int(length), max_bytes)
            raise Problem(
                413,
                f"the message has {length} bytes; the manager accepts at most "
                f"{max_bytes} (its [api] max_message_mb)",
            )
        if request.content_type != "multipart/form-data":
            raise Problem(
                415,
                f"send the message as multipart/form-data, not {request.content_type or 'nothing'}",
            )
        key = request.headers.get("Idempotency-Key", "")
        try:
            key_uuid = uuid.UUID(key)
        except ValueError:
            raise Problem(
                400,
                f"the Idempotency-Key header must be the message's id (a UUID), not {key[:60]!r}",
            ) from None
        parts: dict[str, Part] = {}
        for part in _parse_multipart(request, max_bytes):
            if part.name not in PARTS:
                raise Problem(
                    400, f"unknown part {part.name[:60]!r}; the parts are message, photo and voice"
                )
            if part.name in parts:
                raise Problem(400, f"the part {part.name!r} is sent more than once")
            parts[part.name] = part
        if "message" not in parts:
            raise Problem(400, "the message part is missing")
        text = parts["message"].data.decode("utf-8", "replace")
        try:
            message = json.loads(text)
        except ValueError as exc:
            raise Problem(400, f"the message part is not JSON: {exc}") from exc
        problems = schema_problems("Message", message)
        if problems:
            raise Problem(
                422, "the message does not match the contract's Message: " + "; ".join(problems)
            )
        if uuid.UUID(message["id"]) != key_uuid:
            raise Problem(400, "the Idempotency-Key header is not the message's id")
        if message["terminal_id"] != terminal.terminal_id:
            raise Problem(
                403,
                f"this token belongs to terminal {terminal.terminal_id!r}, the "
                f"message comes from {message['terminal_id']!r}; check "
                "terminal_id in the terminal's settings, or enrol it again",
            )
        _check_created_at(message["created_at"])
        attachments = [_attachment(kind, message[kind], parts.get(kind)) for kind in MEDIA]
        canonical = json.dumps(
            message, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")
        return cls(
            terminal,
            message,
            [a for a in attachments if a is not None],
            hashlib.sha256(canonical).hexdigest(),
        )

    def existing(self) -> int | None:
        """200 for a repeat of a stored message, 409 for other content under its id."""
        receipt = Receipt.objects.filter(message_id=self.message["id"]).first()
        if receipt is None:
            return None
        if receipt.body_sha256 and receipt.body_sha256 != self.body_sha256:
            raise Problem(
                409,
                f"message {self.message['id']} was stored earlier with other "
                "content; a message id is used once",
            )
        if receipt.terminal_id != self.terminal.pk:
            raise Problem(
                409, f"message {self.message['id']} was stored earlier from another terminal"
            )
        return 200

    def store(self) -> int:
        """Stores the message and its media; 201, or 200/409 when it is already there.

        No look-up first: the receipt's primary key decides, in the one transaction
        that also inserts the message. A repeat, rare (a terminal retries only when it
        saw no answer), writes its media and deletes them when its insert fails; a
        look-up before every first delivery would cost every message a query.
        """
        message = self._model()
        upload = secrets.token_hex(UPLOAD_TOKEN_BYTES)
        saved: list[str] = []
        try:
            with folders_synced_once():
                for attachment in self.attachments:
                    _, _, extension = MEDIA[attachment.kind]
                    name = default_storage.save(
                        media_path(message, attachment.kind, extension, upload),
                        ContentFile(attachment.data),
                    )
                    saved.append(name)
                    setattr(message, attachment.kind, name)
            receipt = Receipt(
                message_id=message.id,
                terminal=self.terminal,
                body_sha256=self.body_sha256,
                received_at=message.received_at,
            )
            connection = connections[Message.objects.db]
            if connection.vendor == "postgresql":
                stored = _insert_once(connection, receipt, message)
            else:
                with transaction.atomic():
                    receipt.save(force_insert=True)
                    message.save(force_insert=True)
                stored = True
            if not stored:
                raise IntegrityError(f"message {message.id} has a receipt already")
        except IntegrityError:
            # This id is stored already (a repeat, or a concurrent post that won).
            for name in saved:
                default_storage.delete(name)
            status = self.existing()
            if status is None:
                raise
            return status
        except BaseException:
            for name in saved:
                default_storage.delete(name)
            raise
        return 201

    def _model(self) -> Message:
        sent = self.message
        created = datetime.datetime.fromisoformat(sent["created_at"].replace("Z", "+00:00"))
        offset = created.utcoffset() or datetime.timedelta(0)
        rating = sent["rating"] or {}
        callback = sent["callback"] or {}
        levels = {step["level"]: step["id"] for step in sent["path"]}
        return Message(
            id=uuid.UUID(sent["id"]),
            terminal=self.terminal,
            site_id=self.terminal.site_id,
            site_label=sent["site"],
            created_at=created,
            utc_offset_min=int(offset.total_seconds() // 60),
            received_at=timezone.now(),
            locale=sent["locale"],
            dialog_version=sent["dialog"]["version"],
            dialog_sha256=sent["dialog"]["sha256"],
            rating_kind=rating.get("kind", ""),
            rating_value=rating.get("value"),
            rating_scale=rating.get("scale"),
            path=sent["path"],
            topic=levels.get("topic", ""),
            category=levels.get("category", ""),
            detail=levels.get("detail", ""),
            tone=sent["tone"],
            alert=sent["alert"],
            text=sent["text"],
            callback_name=callback.get("name"),
            callback_phone=callback.get("phone", ""),
            photo_meta=sent["photo"],
            voice_meta=sent["voice"],
            lost_attachments=sent.get("lost_attachments", []),
        )


def _insert_once(connection, receipt: Receipt, message: Message) -> bool:
    """Receipt and message in one statement, one round trip, on PostgreSQL; False when
    the receipt exists (the message is then not inserted either).

    Four round trips (BEGIN, two INSERTs, COMMIT) and the ORM's compilation of a
    30-column INSERT were most of what a message cost beyond the bare media writes.
    One statement is atomic alone; ON CONFLICT waits for a concurrent post of the
    same id and then inserts nothing, where an error would abort an outer transaction.
    """
    values = [
        field.get_db_prep_save(field.pre_save(row, True), connection)
        for row in (receipt, message)
        for field in row._meta.concrete_fields
    ]
    rows, _ = prepared.run(connection, _insert_once_sql(connection.alias), values)
    return bool(rows)


@functools.cache
def _insert_once_sql(alias: str) -> str:
    connection = connections[alias]
    quote = connection.ops.quote_name

    def columns(model) -> str:
        return ", ".join(quote(field.column) for field in model._meta.concrete_fields)

    receipt_key = quote(Receipt._meta.pk.column)
    placeholders = ", ".join("%s" for _ in Receipt._meta.concrete_fields)
    # A SELECT list has no target column to take its type from: each value is cast.
    selected = ", ".join(
        f"%s::{field.cast_db_type(connection)}" for field in Message._meta.concrete_fields
    )
    return (
        f"WITH receipt AS (INSERT INTO {quote(Receipt._meta.db_table)} ({columns(Receipt)}) "
        f"VALUES ({placeholders}) ON CONFLICT ({receipt_key}) DO NOTHING "
        f"RETURNING {receipt_key}) "
        f"INSERT INTO {quote(Message._meta.db_table)} ({columns(Message)}) "
        f"SELECT {selected} FROM receipt RETURNING {quote(Message._meta.pk.column)}"
    )


@dataclasses.dataclass
class Part:
    """One part of a multipart/form-data body (RFC 7578)."""

    name: str
    filename: str | None
    content_type: str
    data: bytes


def _parse_multipart(request, max_bytes: int) -> list[Part]:
    """The parts of the request's multipart/form-data body.

    The body (at most ``max_bytes``, already the whole message) is read at once
    and cut at its boundaries; Django's streaming parser, built for uploads of
    any size, spent a fifth of a message POST's CPU on what three parts need.
    """
    _, params = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
    boundary = params.get("boundary", "")
    if not 0 < len(boundary) <= MAX_BOUNDARY_CHARS or not boundary.isascii():
        raise Problem(400, "the multipart/form-data Content-Type has no valid boundary")
    try:
        body = _LimitedStream(request, max_bytes).read()
    except _TooLarge:
        raise Problem(
            413,
            f"the message is larger than the {max_bytes} bytes the manager "
            "accepts (its [api] max_message_mb)",
        ) from None
    delimiter = b"--" + boundary.encode("ascii")
    start = body.find(delimiter)
    if start < 0 or (start > 0 and body[start - 2 : start] != b"\r\n"):
        raise Problem(400, "the multipart body cannot be read: its first boundary is missing")
    sections = body[start + len(delimiter) :].split(b"\r\n" + delimiter)
    if not sections[-1].startswith(b"--"):
        raise Problem(400, "the multipart body cannot be read: it ends before its closing boundary")
    if len(sections) - 1 > MAX_PARTS:
        raise Problem(400, "the body has too many parts")
    parts = []
    for section in sections[:-1]:
        head, separator, data = section.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        if not separator or lines[0].strip(b" \t"):
            raise Problem(400, "the multipart body cannot be read: a part has no header block")
        headers = {}
        for line in lines[1:]:
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon:
                raise Problem(400, f"the multipart body cannot be read: bad header {line[:60]!r}")
            headers[name.strip().lower()] = value.strip()
        disposition, options = parse_header_parameters(headers.get("content-disposition", ""))
        if disposition.lower() != "form-data" or "name" not in options:
            raise Problem(400, "each part needs Content-Disposition: form-data; name=…")
        content_type, _ = parse_header_parameters(headers.get("content-type", ""))
        parts.append(Part(options["name"], options.get("filename"), content_type, data))
    return parts


class _TooLarge(Exception):
    pass


class _LimitedStream:
    """The request body, cut off with _TooLarge past ``max_bytes`` (a chunked body has no
    Content-Length to refuse it by)."""

    def __init__(self, request, max_bytes: int):
        self._request = request
        self._left = max_bytes

    def read(self, size: int = -1) -> bytes:
        data = self._request.read(size if size is not None and size >= 0 else self._left + 1)
        self._left -= len(data)
        if self._left < 0:
            raise _TooLarge
        return data


def _drain(request, length: int, max_bytes: int) -> None:
    """Reads and drops a refused body of moderate size, so that the client, still
    sending, reads the 413 rather than a reset connection (which it would retry)."""
    if length > DRAIN_FACTOR * max_bytes:
        return
    while request.read(DRAIN_CHUNK_BYTES):
        pass


def _check_created_at(text: str) -> None:
    try:
        created = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Problem(422, f"created_at {text[:40]!r} is not an RFC 3339 time") from exc
    if created.utcoffset() is None:
        raise Problem(
            422,
            f"created_at {text[:40]!r} has no UTC offset; send the terminal's offset, e.g. +01:00",
        )


def _attachment(kind: str, meta: dict | None, part: Part | None) -> Attachment | None:
    content_type, magic, _ = MEDIA[kind]
    if meta is None:
        if part is not None:
            raise Problem(422, f"the body has a {kind} part but message.{kind} is null")
        return None
    if part is None:
        raise Problem(422, f"message.{kind} is set but the body has no {kind} part")
    if part.filename is None:
        raise Problem(400, f"send the {kind} part as a file (with a filename), as {content_type}")
    if part.content_type != content_type:
        raise Problem(
            415, f"the {kind} part is {part.content_type or 'untyped'}; it must be {content_type}"
        )
    if meta["content_type"] != content_type:
        raise Problem(422, f"message.{kind}.content_type must be {content_type}")
    data = part.data
    if len(data) != meta["bytes"]:
        raise Problem(
            422,
            f"the {kind} has {len(data)} bytes, message.{kind}.bytes says "
            f"{meta['bytes']}: it was cut or changed on the way",
        )
    if hashlib.sha256(data).hexdigest() != meta["sha256"]:
        raise Problem(
            422, f"the {kind}'s SHA-256 is not message.{kind}.sha256: it was changed on the way"
        )
    if not data.startswith(magic):
        raise Problem(422, f"the {kind} is not {content_type} (its first bytes are not {magic!r})")
    return Attachment(kind, data, meta)
