"""An SMTP server for the tests (aiosmtpd) on 127.0.0.1: plain, STARTTLS or implicit TLS.

It keeps what it received exactly as it came (envelope and raw bytes), and
its replies are programmable: ``rcpt_reply`` / ``data_reply`` (e.g.
"550 5.1.1 no such user") answer RCPT TO / DATA instead of accepting.
"""

from __future__ import annotations

import dataclasses
import ssl

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
