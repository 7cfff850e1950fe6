"""An SMTP server for the tests (aiosmtpd) on 127.0.0.1: plain, STARTTLS or implicit TLS.

It keeps what it received exactly as it came (envelope and raw bytes), and
its replies are programmable: ``rcpt_reply`` / ``data_reply`` (e.g.
"550 5.1.1 no such user") answer RCPT TO / DATA instead of accepting.
``DrippingSMTPServer`` is a hostile one: its greeting comes a byte at a time
and never ends.
"""

from __future__ import annotations

import dataclasses
import logging
import socket
import ssl
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from support.ports import free_port


@dataclasses.dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    #: The client's address and port: one per connection.
    peer: tuple = ()


class _Handler:
    def __init__(self):
        self.received: list[Received] = []
        self.rcpt_reply: str | None = None
        self.data_reply: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.original_content,
                tuple(session.peer),
            )
        )
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(
        self, mode: str = "none", *, cert=None, credentials: tuple[str, str] | None = None
    ):
        """``mode``: none, starttls or tls; ``cert`` a trustme LeafCert for the TLS modes."""
        # aiosmtpd logs every connection at INFO; once a test has run `kiosk` in
        # process (which configures logging), that floods the test run's output.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.handler = _Handler()
        self.mode = mode
        self.port = free_port()
        kwargs = {}
        if mode != "none":
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            cert.configure_cert(context)
            if mode == "tls":
                kwargs["ssl_context"] = context
            else:
                kwargs["tls_context"] = context
                kwargs["require_starttls"] = True
        if credentials is not None:

            def authenticate(server, session, envelope, mechanism, auth_data):
                ok = (
                    isinstance(auth_data, LoginPassword)
                    and (auth_data.login.decode(), auth_data.password.decode()) == credentials
                )
                return AuthResult(success=ok, handled=False)

            # Implicit TLS is invisible to aiosmtpd, which would then hide AUTH.
            kwargs.update(authenticator=authenticate, auth_require_tls=mode == "starttls")
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="localhost",
            **kwargs,
        )

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


#: What DrippingSMTPServer greets with, a byte at a time: continuation lines without end.
DRIPPED_GREETING_LINE = b"220-mail.example.com ESMTP, almost ready\r\n"


class DrippingSMTPServer:
    """Greets each connection one byte every ``gap_s``, for ``for_s``, then closes it.

    Each byte comes well within a client's read timeout; only a deadline over
    the whole exchange ends it sooner.
    """

    def __init__(self, *, gap_s: float, for_s: float = 30.0):
        self.gap_s = gap_s
        self.for_s = for_s
        #: Bytes of the greeting handed to connections so far.
        self.sent_bytes = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="dripping-smtp", daemon=True)

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed
            threading.Thread(target=self._drip, args=(connection,), daemon=True).start()

    def _drip(self, connection: socket.socket) -> None:
        ends_at = time.monotonic() + self.for_s
        with connection:
            at = 0
            while time.monotonic() < ends_at and not self._stopped.is_set():
                line = DRIPPED_GREETING_LINE
                try:
                    connection.sendall(line[at % len(line) : at % len(line) + 1])
                except OSError:
                    return  # the client hung up
                at += 1
                self.sent_bytes += 1
                self._stopped.wait(self.gap_s)

    def __enter__(self) -> DrippingSMTPServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        # Wakes accept(): closing the listener alone may leave it blocked.
        self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(10)
