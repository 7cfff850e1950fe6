"""A feedback manager for the tests: starlette on uvicorn, on 127.0.0.1, checking every request.

Each request is checked against manager-api.yaml itself: the operation must
exist in ``paths``, its header parameters are validated with their schemas,
the bearer token must be the terminal's, the request body's media type must
be one the operation names, and a multipart body is checked part by part
(names, the ``encoding`` content types, the ``message`` part against the
Message schema, ``photo``/``voice`` present exactly when the message has
them, with matching bytes and sha256). Problems go to ``errors`` (tests
assert it stays empty) and the request gets a 400.

Messages are stored by id: 201 the first time, 200 for a repeat. Faults are
programmable: ``script`` (a list of actions used one per request, in order)
and ``fault`` (a function of the request returning an action or None).
An action is ``Reply(status, headers, body)``, ``Reset()``, ``Stall(s)``, ``Delay(s)``,
``Stream(...)`` (a hostile answer: endless, huge, dripping, any content type),
``DripHead(...)`` (the status line and headers a byte at a time, never ending)
or ``SlowRead(...)`` (the request body taken a little at a time);
``when="after"`` applies it after the message is stored.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import email
import email.policy
import hashlib
import json
import re
import socket
import struct
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn
from jsonschema import Draft202012Validator
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


def load_api() -> dict:
    """The contract as tests/conftest.py reads it (one reading for every test)."""
    from support.contracts import load_manager_api

    return load_manager_api()


def schema_validator(api: dict, schema: dict) -> Draft202012Validator:
    """A validator for ``schema`` with the API document around it, so that $refs resolve."""
    document = copy.deepcopy(api)
    document.pop("$ref", None)
    document.update({k: v for k, v in schema.items()})
    return Draft202012Validator(document, format_checker=Draft202012Validator.FORMAT_CHECKER)


@dataclasses.dataclass
class Reply:
    status: int
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    body: bytes = b""
    when: str = "before"


@dataclasses.dataclass
class Reset:
    when: str = "before"


@dataclasses.dataclass
class Stall:
    seconds: float
    when: str = "before"


@dataclasses.dataclass
class Delay:
    """Answer normally, but only after ``seconds``: a slow upload."""

    seconds: float
    when: str = "before"


@dataclasses.dataclass
class Stream:
    """An answer sent chunk by chunk: ``count`` chunks (None: never ending), ``gap_s`` apart."""

    status: int = 200
    chunk: bytes = b"x" * 65536
    count: int | None = None
    gap_s: float = 0.0
    content_type: str = "application/yaml"
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    when: str = "before"
    #: Bytes handed to the connection so far: how much the client let through.
    sent_bytes: int = 0


@dataclasses.dataclass
class DripHead:
    """The answer's status line and headers, one byte every ``gap_s``, for ``for_s``.

    Then the connection is reset: a client without an overall deadline is
    held that long, where it would be held for ever by a server dripping on.
    """

    gap_s: float
    for_s: float = 30.0
    when: str = "before"
    #: Bytes of the head handed to the connection so far.
    sent_bytes: int = 0


@dataclasses.dataclass
class SlowRead:
    """Takes the request body a little at a time: one receive every ``gap_s``, for ``for_s``.

    Then the connection is reset (as with DripHead). Used before the body is read.
    """

    gap_s: float
    for_s: float = 30.0
    when: str = "before"
    #: Bytes of the request body taken so far.
    received_bytes: int = 0


@dataclasses.dataclass
class Stored:
    message: dict[str, Any]
    photo_sha256: str | None
    voice_sha256: str | None
    posts: int = 1


class ManagerServer:
    def __init__(
        self,
        token: str = "test-token",
        *,
        terminal_id: str = "rome-01",
        ssl_certfile: str | None = None,
        validate: bool = True,
    ):
        self.api = load_api()
        self.token = token
        self.terminal_id = terminal_id
        self.validate = validate
        self.messages: dict[str, Stored] = {}
        self.errors: list[str] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.statuses: list[dict[str, Any]] = []
        self.script: list[Any] = []
        self.fault: Callable[[str, str], Any] | None = None
        self.dialog: tuple[bytes, str] | None = None  # (content, etag); None: 404
        self._lock = threading.Lock()
        self._operations = self._compile_paths()
        self._header_validators: dict[tuple[int, str], Draft202012Validator] = {}
        self._message_validator = schema_validator(
            self.api, {"$ref": "#/components/schemas/Message"}
        )
        self._status_validator = schema_validator(self.api, {"$ref": "#/components/schemas/Status"})
        app = Starlette(
            routes=[Route("/api/{rest:path}", self._endpoint, methods=["GET", "POST", "PUT"])]
        )
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        scheme = "https" if ssl_certfile else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}/api"
        config = uvicorn.Config(
            _RawTransport(app),
            log_level="critical",
            lifespan="off",
            ssl_certfile=ssl_certfile,
            timeout_graceful_shutdown=1,
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._sock]},
            name="manager-server",
            daemon=True,
        )

    # ------------------------------------------------------------- life cycle

    def start(self) -> ManagerServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test manager server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self._sock.close()

    def __enter__(self) -> ManagerServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------- checks

    def _compile_paths(self) -> list[tuple[re.Pattern[str], str, dict]]:
        operations = []
        for template, item in self.api["paths"].items():
            pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
            for method, operation in item.items():
                operations.append((pattern, method.upper(), operation))
        return operations

    def _operation(self, method: str, path: str) -> dict | None:
        for pattern, op_method, operation in self._operations:
            if op_method == method and pattern.match(path):
                return operation
        return None

    def _check_headers(self, operation: dict, request: Request, problems: list[str]) -> None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            problems.append(f"bad Authorization: {request.headers.get('authorization')!r}")
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "header":
                continue
            value = request.headers.get(parameter["name"])
            if value is None:
                if parameter.get("required"):
                    problems.append(f"missing header {parameter['name']}")
                continue
            key = (id(operation), parameter["name"])
            validator = self._header_validators.get(key)
            if validator is None:
                validator = self._header_validators[key] = schema_validator(
                    self.api, parameter["schema"]
                )
            problems.extend(
                f"header {parameter['name']}: {e.message}" for e in validator.iter_errors(value)
            )

    def _check_multipart(
        self, media: dict, content_type: str, body: bytes, problems: list[str]
    ) -> dict[str, bytes]:
        """The parts by name, each checked against the operation's schema and encoding."""
        parsed = email.message_from_bytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body, policy=email.policy.HTTP
        )
        if not parsed.is_multipart():
            problems.append("body is not multipart")
            return {}
        schema, encoding = media["schema"], media.get("encoding", {})
        parts: dict[str, bytes] = {}
        for part in parsed.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name not in schema["properties"]:
                problems.append(f"unexpected part {name!r}")
                continue
            if name in parts:
                problems.append(f"part {name!r} twice")
            expected = encoding.get(name, {}).get("contentType")
            if expected and part.get_content_type() != expected:
                problems.append(f"part {name!r} has type {part.get_content_type()}, not {expected}")
            parts[name] = part.get_payload(decode=True) or b""
        for name in schema.get("required", []):
            if name not in parts:
                problems.append(f"required part {name!r} is missing")
        return parts

    # ------------------------------------------------------------- the endpoint

    async def _endpoint(self, request: Request) -> Response:
        path = "/" + request.path_params["rest"]
        with self._lock:
            slow = (
                self.script.pop(0) if self.script and isinstance(self.script[0], SlowRead) else None
            )
        if slow is not None:
            return await _read_slowly(slow, request)
        body = await request.body()
        with self._lock:
            self.requests.append((request.method, path, dict(request.headers)))
            action = (
                self.script.pop(0)
                if self.script
                else (self.fault(request.method, path) if self.fault else None)
            )
        if isinstance(action, Delay):
            await asyncio.sleep(action.seconds)
            action = None
        if action is not None and action.when == "before":
            return await self._act(action, request)
        response = self._handle(request, path, body)
        if action is not None:
            return await self._act(action, request)
        return response

    async def _act(self, action: Any, request: Request) -> Response:
        if isinstance(action, Reply):
            return Response(
                action.body,
                status_code=action.status,
                headers=action.headers,
                media_type="application/problem+json" if action.body else None,
            )
        if isinstance(action, Stream):
            return StreamingResponse(
                _chunks(action, request.scope["raw_transport"]),
                status_code=action.status,
                headers=action.headers,
                media_type=action.content_type,
            )
        if isinstance(action, DripHead):
            return await _drip_head(action, request.scope["raw_transport"])
        if isinstance(action, Stall):
            await asyncio.sleep(action.seconds)
            return Response(b'{"status": "late"}', status_code=503)
        _reset(request.scope["raw_transport"])
        return Response(b"", status_code=500)

    def _handle(self, request: Request, path: str, body: bytes) -> Response:
        operation = self._operation(request.method, path)
        if operation is None:
            return self._problem(404, f"{request.method} {path} is not in the API")
        problems: list[str] = []
        if self.validate:
            self._check_headers(operation, request, problems)
        if request.method == "POST":
            return self._post_message(operation, request, body, problems)
        if request.method == "PUT":
            status = json.loads(body) if body else None
            if self.validate:
                if not request.headers.get("content-type", "").startswith("application/json"):
                    problems.append("status is not application/json")
                problems.extend(
                    f"status: {e.message}" for e in self._status_validator.iter_errors(status)
                )
            if problems:
                return self._bad(problems)
            with self._lock:
                self.statuses.append(status)
            return Response(status_code=204)
        if problems:
            return self._bad(problems)
        if self.dialog is None:
            return Response(status_code=404)
        content, etag = self.dialog
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={"ETag": etag})
        return Response(content, media_type="application/yaml", headers={"ETag": etag})

    def _post_message(
        self, operation: dict, request: Request, body: bytes, problems: list[str]
    ) -> Response:
        content_type = request.headers.get("content-type", "")
        media = operation["requestBody"]["content"].get(content_type.split(";")[0].strip())
        if media is None:
            return self._bad([f"content type {content_type} is not in the API"])
        parts = (
            self._check_multipart(media, content_type, body, problems)
            if self.validate
            else _quick_parts(content_type, body)
        )
        try:
            message = json.loads(parts.get("message", b"null"))
        except ValueError:
            message = None
            problems.append("message part is not JSON")
        if self.validate:
            problems.extend(
                f"message: {e.message}" for e in self._message_validator.iter_errors(message)
            )
        if problems or not isinstance(message, dict):
            return self._bad(problems or ["no message"])
        if request.headers.get("idempotency-key") != message.get("id"):
            problems.append("Idempotency-Key is not the message's id")
        sha = {}
        for kind in ("photo", "voice"):
            attachment = message.get(kind)
            data = parts.get(kind)
            if (attachment is None) != (data is None):
                problems.append(
                    f"part {kind} present: {data is not None}, message.{kind}: {attachment}"
                )
            elif data is not None:
                sha[kind] = hashlib.sha256(data).hexdigest()
                if sha[kind] != attachment["sha256"] or len(data) != attachment["bytes"]:
                    problems.append(f"{kind} bytes do not match message.{kind}")
        if problems:
            return self._bad(problems)
        with self._lock:
            stored = self.messages.get(message["id"])
            if stored is not None:
                stored.posts += 1
                if stored.message != message:
                    self.errors.append(f"{message['id']} posted again with other content")
                return JSONResponse({"id": message["id"]}, status_code=200)
            self.messages[message["id"]] = Stored(message, sha.get("photo"), sha.get("voice"))
        return JSONResponse({"id": message["id"]}, status_code=201)

    def _bad(self, problems: list[str]) -> Response:
        with self._lock:
            self.errors.extend(problems)
        return self._problem(400, "; ".join(problems))

    @staticmethod
    def _problem(status: int, detail: str) -> Response:
        return JSONResponse(
            {"title": "Bad request", "status": status, "detail": detail},
            status_code=status,
            media_type="application/problem+json",
        )


def _reset(transport: Any) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None:
        # Linger 0: close() sends a TCP reset instead of a polite FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


#: What DripHead sends, a byte at a time: a real status line, then a header without end.
DRIPPED_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/yaml\r\nX-Padding: "


async def _drip_head(action: DripHead, transport: Any) -> Response:
    ends_at = time.monotonic() + action.for_s
    # Stops when the client hangs up, or at ends_at with a reset.
    while not transport.is_closing():
        if time.monotonic() > ends_at:
            _reset(transport)
            break
        at = action.sent_bytes
        transport.write(DRIPPED_HEAD[at : at + 1] or b"a")
        action.sent_bytes += 1
        await asyncio.sleep(action.gap_s)
    # Never reaches the client: the connection is gone by now.
    return Response(b"", status_code=500)


async def _read_slowly(action: SlowRead, request: Request) -> Response:
    transport = request.scope["raw_transport"]
    ends_at = time.monotonic() + action.for_s
    try:
        # uvicorn stops reading the socket while the body it holds is not taken:
        # each receive lets in what arrived since, and the client's sends block.
        async for chunk in request.stream():
            action.received_bytes += len(chunk)
            if time.monotonic() > ends_at:
                _reset(transport)
                break
            await asyncio.sleep(action.gap_s)
    except ClientDisconnect:
        pass
    return Response(b"", status_code=500)


async def _chunks(stream: Stream, transport: Any):
    sent = 0
    # Stops when the client hangs up: what was sent by then is what it let through.
    while (stream.count is None or sent < stream.count) and not transport.is_closing():
        yield stream.chunk
        sent += 1
        stream.sent_bytes += len(stream.chunk)
        if stream.gap_s:
            await asyncio.sleep(stream.gap_s)


def _quick_parts(content_type: str, body: bytes) -> dict[str, bytes]:
    """The parts without any check, for the benchmark's unvalidated mode."""
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    parts = {}
    for chunk in body.split(b"--" + boundary)[1:-1]:
        head, _, data = chunk.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]+)"', head).group(1).decode()
        parts[name] = data[:-2]  # the CRLF before the next boundary
    return parts


class _RawTransport:
    """Outermost ASGI layer: puts uvicorn's transport in the scope, so a test can reset it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            transport = scope["raw_transport"] = send.__self__.transport
            # Headers and body leave in two writes; without this, Nagle holds the
            # body until the client's delayed ACK (40 ms), as with a badly tuned server.
            sock = transport.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        await self.app(scope, receive, send)
