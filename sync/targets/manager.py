"""The cloud feedback manager (manager-api.yaml): messages, the assigned dialog, the status.

Every HTTP status the contract names is handled as it says; a status it
does not name is retried (a proxy's 404 or a 3xx must never make the
terminal drop a visitor's message). httpx exceptions are mapped here to
Retry, Rejected or Paused and chained with ``from``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import socket
import time
from collections.abc import Callable
from typing import Any

import httpx

from sync import http_deadline
from sync.backoff import parse_retry_after
from sync.media_types import content_type, default_file_name
from sync.outbox import Delivery
from sync.targets.base import Paused, Rejected, Retry, Target, read_attachments
from sync.tls import verified_context

log = logging.getLogger(__name__)

#: A manager that does not accept the connection within this is taken as down.
CONNECT_TIMEOUT_S = 10.0
#: Between bytes of the answer; an upload of a photo and a voice message
#: over a poor mobile link takes seconds, an answer that long in coming means
#: a stuck server.
READ_TIMEOUT_S = 30.0
WRITE_TIMEOUT_S = 30.0
#: The whole exchange: connecting, sending the message (photo and voice
#: included) and the whole answer. A server that drips its headers or its
#: answer a byte at a time, or reads the upload a few bytes at a time, never
#: trips the timeouts above, which count per read or write.
REQUEST_DEADLINE_S = 300.0
#: The largest dialog file taken; a real one is a few tens of KB.
DIALOG_MAX_BYTES = 1_000_000
#: The largest answer to anything else (an acknowledgement, a problem report).
ANSWER_MAX_BYTES = 8_192

DELIVERED = frozenset({200, 201})
REJECTED = frozenset({400, 409, 413, 415, 422})
CREDENTIALS = frozenset({401, 403})
TRANSIENT = frozenset({408, 429, 500, 502, 503, 504})

#: How much of an unexpected answer's body goes into an error for the status.
_BODY_EXCERPT_CHARS = 300


@dataclasses.dataclass(frozen=True)
class DialogFetch:
    """What ``GET …/dialog`` answered: 200 with ``content`` and ``etag``, 304 or 404."""

    status: int
    content: bytes = b""
    etag: str | None = None


class ManagerTarget(Target):
    """Posts each message as multipart with its id as the Idempotency-Key."""

    name = "manager"
    drops_repeats = True

    def __init__(
        self,
        url: str,
        token: str,
        terminal_id: str,
        *,
        ca_file: str | os.PathLike[str] | None = None,
        connect_timeout_s: float = CONNECT_TIMEOUT_S,
        read_timeout_s: float = READ_TIMEOUT_S,
        write_timeout_s: float = WRITE_TIMEOUT_S,
        deadline_s: float = REQUEST_DEADLINE_S,
        user_agent: str = "kiosk-feedback",
        clock: Callable[[], float] = time.time,
    ):
        """``url`` is the API's base (``https://…/api``); ``token`` the bearer token itself.

        Plain http is for a manager on this machine only; the settings refuse
        it elsewhere. TLS is always verified, ``ca_file`` adds a private CA.
        """
        if not token or any(char.isspace() or not char.isprintable() for char in token):
            # httpx would refuse it with an error quoting the header, token included.
            raise ValueError(
                "the manager token has white space or control characters inside; "
                "check the file named by sync.manager.token_file"
            )
        self.url = url.rstrip("/")
        self.terminal_id = terminal_id
        self._clock = clock
        self._token = token
        self._deadline_s = deadline_s
        try:
            context = verified_context(ca_file)
        except OSError as exc:
            raise ValueError(
                f"cannot read the manager's ca_file {ca_file}: {exc.strerror}; "
                f"check sync.manager.ca_file in the settings"
            ) from exc
        timeout = httpx.Timeout(
            connect=connect_timeout_s,
            read=read_timeout_s,
            write=write_timeout_s,
            pool=connect_timeout_s,
        )
        # TCP_NODELAY: a request goes out as headers, then body parts; with
        # Nagle's algorithm each later write waits for the server's delayed
        # ACK (40 ms on Linux), which would cap the drain at ~25 messages/s.
        transport = http_deadline.transport(
            verify=context, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
        )
        self._client = httpx.Client(
            base_url=self.url + "/",
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            # identity: a compressed answer could unpack to any size behind the caps.
            headers={
                "Authorization": f"Bearer {token}",
                "User-Agent": user_agent,
                "Accept-Encoding": "identity",
            },
        )

    def close(self) -> None:
        self._client.close()

    # ------------------------------------------------------------- messages

    def deliver(self, delivery: Delivery) -> None:
        message, media = read_attachments(delivery)
        files: list[tuple[str, tuple[str | None, bytes, str]]] = [
            (
                "message",
                (
                    None,
                    json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
                    "application/json",
                ),
            ),
        ]
        for kind, data in media.items():
            if data is None:
                continue
            # Not hashed here: the manager checks the bytes against the
            # message's sha256 and refuses a damaged file (400/422).
            files.append((kind, (default_file_name(kind), data, content_type(kind, message[kind]))))
        response = self._send(
            "POST", "v1/messages", files=files, headers={"Idempotency-Key": delivery.message_id}
        )
        status = response.status_code
        if status in DELIVERED:
            return
        if status in REJECTED:
            raise Rejected(f"the manager refused the message: {_describe(response)}")
        self._raise_for_terminal(response)

    # ------------------------------------------------------------- dialog and status

    def fetch_dialog(self, etag: str | None = None) -> DialogFetch:
        """The dialog the manager assigns to this terminal (200), unchanged (304) or none (404)."""
        headers = {"If-None-Match": etag} if etag else {}
        response = self._send(
            "GET",
            f"v1/terminals/{self.terminal_id}/dialog",
            headers=headers,
            max_bytes=DIALOG_MAX_BYTES,
        )
        if response.status_code == 200:
            media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if media_type != "application/yaml":
                raise Retry(
                    f"the manager sent the dialog as {media_type or 'no content type'!r}, "
                    "not application/yaml; check sync.manager.url"
                )
            return DialogFetch(200, response.content, response.headers.get("ETag"))
        if response.status_code in (304, 404):
            return DialogFetch(response.status_code)
        self._raise_for_terminal(response)
        raise AssertionError("unreachable")  # _raise_for_terminal always raises

    def put_status(self, status: dict[str, Any]) -> None:
        """Report the terminal's health (the contract's Status)."""
        response = self._send("PUT", f"v1/terminals/{self.terminal_id}/status", json=status)
        if not response.is_success:
            self._raise_for_terminal(response)

    # ------------------------------------------------------------- the boundary

    def _send(
        self, method: str, path: str, *, max_bytes: int = ANSWER_MAX_BYTES, **kwargs: Any
    ) -> httpx.Response:
        """One request with its answer read, up to ``max_bytes``, all within the deadline.

        httpx's exceptions become Retry, with text that never carries the
        request's headers (the token is one of them).
        """
        started = time.monotonic()
        try:
            with http_deadline.deadline(self._deadline_s) as exchange:
                with self._client.stream(method, path, **kwargs) as response:
                    body = self._read_capped(response, max_bytes)
        except httpx.TimeoutException as exc:
            if exchange.expired:
                raise Retry(
                    f"the exchange with the manager at {self.url} did not finish within its "
                    f"deadline of {self._deadline_s:g} s (connecting, sending, the answer's "
                    "headers and body together): a server answering or reading a few bytes "
                    "at a time, or a very slow link; check the network and sync.manager.url; "
                    "retrying later"
                ) from exc
            raise Retry(
                f"the manager did not answer in time ({type(exc).__name__}); retrying later"
            ) from exc
        except httpx.ProtocolError as exc:
            # h11's text quotes the offending header or line: never into a reason.
            raise Retry(
                f"the manager at {self.url} broke the HTTP protocol ({type(exc).__name__}); "
                "check sync.manager.url"
            ) from exc
        except httpx.TransportError as exc:
            raise Retry(
                f"cannot reach the manager at {self.url}: {self._scrub(exc)}; "
                f"check the network, the url and (for TLS errors) ca_file"
            ) from exc
        log.debug(
            "%s %s: %d in %.3f s",
            method,
            path.split("/", 2)[1] if "/" in path else path,
            response.status_code,
            time.monotonic() - started,
        )
        answer = httpx.Response(
            response.status_code,
            headers=response.headers,
            content=body,
            request=response.request,
            extensions=response.extensions,
        )
        answer.read()
        return answer

    def _read_capped(self, response: httpx.Response, max_bytes: int) -> bytes:
        """The answer's raw body, refused beyond ``max_bytes``."""
        if not response.is_success:
            max_bytes = min(max_bytes, ANSWER_MAX_BYTES)
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise Retry(
                f"the manager answered {response.status_code} compressed ({encoding!r}) "
                "though asked not to; check sync.manager.url"
            )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise Retry(self._too_big(response, max_bytes))
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_raw():
            size += len(chunk)
            if size > max_bytes:
                raise Retry(self._too_big(response, max_bytes))
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _too_big(response: httpx.Response, max_bytes: int) -> str:
        return (
            f"the manager's answer {response.status_code} is larger than {max_bytes} bytes; "
            "not read (check sync.manager.url)"
        )

    def _scrub(self, exc: Exception) -> str:
        text = str(exc) or type(exc).__name__
        return text.replace(self._token, "<token>")

    def _raise_for_terminal(self, response: httpx.Response) -> None:
        status = response.status_code
        if status in CREDENTIALS:
            raise Paused(
                f"the manager refused the terminal's credentials: {_describe(response)}; "
                f"check the token in sync.manager.token_file"
            )
        after = parse_retry_after(response.headers.get("Retry-After"), self._clock())
        if status in TRANSIENT:
            raise Retry(f"the manager is unavailable: {_describe(response)}", after=after)
        raise Retry(
            f"unexpected answer from the manager: {_describe(response)}; check sync.manager.url",
            after=after,
        )


def _describe(response: httpx.Response) -> str:
    """``503 Service Unavailable: detail``, from problem details when the server sent them."""
    text = f"{response.status_code} {response.reason_phrase}".strip()
    detail = ""
    if response.headers.get("Content-Type", "").startswith(
        ("application/problem+json", "application/json")
    ):
        try:
            problem = response.json()
        except ValueError:
            problem = None
        if isinstance(problem, dict):
            detail = "; ".join(
                str(problem[key])
                for key in ("title", "detail")
                if isinstance(problem.get(key), (str, int))
            )
    elif response.content:
        detail = response.text[:_BODY_EXCERPT_CHARS].strip()
    # The text reaches the journal, kiosk status and the operator screen: no
    # escape sequences or line breaks from the server in it.
    detail = " ".join("".join(c if c.isprintable() else " " for c in detail).split())
    return f"{text}: {detail}" if detail else text
