"""One deadline for a whole HTTP exchange: connecting, sending the request, the answer.

httpx's timeouts count per socket operation. A server that sends its status
line, headers or body a byte at a time, or reads a request body a few bytes
at a time, keeps every operation within its timeout and the exchange going
for ever. Made inside :func:`deadline`, every blocking socket operation of a
request waits at most until the deadline, so the exchange as a whole ends
by then with an ``httpx.TimeoutException``, and :attr:`Exchange.expired`
says that the deadline (not a per-operation timeout) ended it.

The deadline is kept per thread: the delivery service's threads share one
client, each with its own exchange.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import httpcore
import httpx

_T = TypeVar("_T")
_current = threading.local()

#: Connections kept: the terminal talks to one manager, from a few threads.
MAX_CONNECTIONS = 10
MAX_KEEPALIVE_CONNECTIONS = 4
KEEPALIVE_EXPIRY_S = 5.0


class Exchange:
    """The deadline of the exchange being made in this thread."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends_at = time.monotonic() + seconds
        #: Set once the deadline, not a per-operation timeout, stopped an operation.
        self.expired = False

    def run(
        self,
        operation: Callable[[float | None], _T],
        timeout: float | None,
        error: type[httpcore.TimeoutException],
    ) -> _T:
        """``operation(timeout)`` with the timeout cut to what is left of the deadline."""
        left = self.ends_at - time.monotonic()
        if left <= 0:
            self.expired = True
            raise error(f"the deadline of {self.seconds:g} s for the whole exchange has passed")
        cut = timeout is None or left < timeout
        try:
            return operation(left if cut else timeout)
        except httpcore.TimeoutException:
            if cut:
                self.expired = True
            raise


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[Exchange]:
    """Requests made in this thread inside the block end within ``seconds`` in all."""
    exchange = Exchange(seconds)
    outer = getattr(_current, "exchange", None)
    _current.exchange = exchange
    try:
        yield exchange
    finally:
        _current.exchange = outer


def _within(
    operation: Callable[[float | None], _T],
    timeout: float | None,
    error: type[httpcore.TimeoutException],
) -> _T:
    exchange: Exchange | None = getattr(_current, "exchange", None)
    if exchange is None:
        return operation(timeout)
    return exchange.run(operation, timeout, error)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _within(lambda t: self._inner.read(max_bytes, t), timeout, httpcore.ReadTimeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # One send() at a time, each within the deadline: httpcore's own write
        # gives each send() of a large body the whole timeout again, so a
        # server taking a few bytes at a time would stretch it without end.
        sock = self._inner.get_extra_info("socket")
        view = memoryview(buffer)
        while view:
            sent = _within(functools.partial(_send, sock, view), timeout, httpcore.WriteTimeout)
            view = view[sent:]

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(
            _within(
                lambda t: self._inner.start_tls(ssl_context, server_hostname, t),
                timeout,
                httpcore.ConnectTimeout,
            )
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _send(sock: socket.socket, data: memoryview, timeout: float | None) -> int:
    """One send(), with httpcore's errors for what it raises (as its own write does)."""
    try:
        sock.settimeout(timeout)
        return sock.send(data)
    except TimeoutError as exc:
        raise httpcore.WriteTimeout(str(exc) or "timed out") from exc
    except OSError as exc:
        raise httpcore.WriteError(str(exc) or type(exc).__name__) from exc


class _Backend(httpcore.NetworkBackend):
    """httpcore's own sync backend, with every stream's operations kept within the deadline."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(
            _within(
                lambda t: self._inner.connect_tcp(host, port, t, local_address, socket_options),
                timeout,
                httpcore.ConnectTimeout,
            )
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _Stream(
            _within(
                lambda t: self._inner.connect_unix_socket(path, t, socket_options),
                timeout,
                httpcore.ConnectTimeout,
            )
        )

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def transport(
    *, verify: ssl.SSLContext, socket_options: Iterable[Any] | None = None
) -> httpx.HTTPTransport:
    """An httpx transport (HTTP/1.1, no retries) whose requests keep to :func:`deadline`."""
    made = httpx.HTTPTransport(verify=verify, retries=0, socket_options=socket_options)
    # httpx takes no network backend of its own; its pool, httpcore's, does.
    made._pool = httpcore.ConnectionPool(
        ssl_context=verify,
        max_connections=MAX_CONNECTIONS,
        max_keepalive_connections=MAX_KEEPALIVE_CONNECTIONS,
        keepalive_expiry=KEEPALIVE_EXPIRY_S,
        http1=True,
        http2=False,
        retries=0,
        socket_options=socket_options,
        network_backend=_Backend(),
    )
    return made
