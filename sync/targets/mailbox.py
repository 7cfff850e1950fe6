"""The quality manager's mailbox (mailbox-format.md): one mail per message over SMTP.

``send: alerts`` mails only alerts; the others are skipped, not delivered,
and the outbox records them so. STARTTLS, implicit TLS or plain (a trusted
local relay), certificates always verified. smtplib's and the socket's
exceptions are mapped here: a 4xx reply or a broken connection is Retry, a
5xx reply for a recipient or the message is Rejected with the server's
reply, and refused credentials pause the mailbox like the manager's.

Above ``max_mails_per_hour`` the messages are not mailed one by one: each
waits (pending, its reason saying so) for the next digest, one mail every
DIGEST_PERIOD_S holding every message of the service's batch. Nothing is
dropped, and other targets are not slowed.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any

from sync.outbox import Delivery
from sync.targets.base import Paused, Rejected, Retry, Target, read_attachments
from sync.targets.mail_format import build_digest, build_mail
from sync.tls import verified_context

log = logging.getLogger(__name__)

#: For connecting and for each read or write; a relay that needs longer is stuck.
SMTP_TIMEOUT_S = 30.0
#: One mail as a whole: connecting, the replies, the mail with its photo and
#: voice. smtplib's timeout counts per read: a server sending its replies a
#: byte at a time (or reply lines without end) never trips it.
MAIL_DEADLINE_S = 300.0
SECURITY_MODES = ("starttls", "tls", "none")
SEND_MODES = ("alerts", "all")
#: Mails an hour before messages are gathered into digests: a person at the
#: screen must not be able to flood the quality manager's mailbox.
MAILS_PER_HOUR = 20
RATE_WINDOW_S = 3600.0
#: One digest mail at most this often while over the rate.
DIGEST_PERIOD_S = 900.0


class MailboxTarget(Target):
    """Sends each message as one mail to the configured recipients."""

    name = "mailbox"

    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        recipients: tuple[str, ...],
        security: str = "starttls",
        username: str | None = None,
        password: str | None = None,
        ca_file: str | os.PathLike[str] | None = None,
        send: str = "alerts",
        language: str = "en",
        timeout_s: float = SMTP_TIMEOUT_S,
        deadline_s: float = MAIL_DEADLINE_S,
        local_hostname: str | None = None,
        max_mails_per_hour: int = MAILS_PER_HOUR,
        digest_period_s: float = DIGEST_PERIOD_S,
        clock: Callable[[], float] = time.monotonic,
    ):
        """``password`` is the secret itself; ``language`` the dialog's default language."""
        if security not in SECURITY_MODES:
            raise ValueError(
                f"security must be one of {', '.join(SECURITY_MODES)}, not {security!r}"
            )
        if send not in SEND_MODES:
            raise ValueError(f"send must be one of {', '.join(SEND_MODES)}, not {send!r}")
        if not recipients:
            raise ValueError("the mailbox needs at least one recipient (sync.mailbox.to)")
        self.host = host
        self.port = port
        self.sender = sender
        self.recipients = tuple(recipients)
        self.security = security
        self.username = username
        self.password = password
        self.send = send
        self.language = language
        self.timeout_s = timeout_s
        self.deadline_s = deadline_s
        #: The deadline of the exchange in progress, which the connection must keep.
        self._watchdog: _Watchdog | None = None
        self.local_hostname = local_hostname
        #: One connection per batch of deliveries (end_batch closes it); how
        #: many messages went on it after the first.
        self._smtp: smtplib.SMTP | None = None
        self._reused = 0
        self._in_batch = False
        self.max_mails_per_hour = max_mails_per_hour
        self.digest_period_s = digest_period_s
        self._clock = clock
        self._sent_at: collections.deque[float] = collections.deque()
        self._digest_due_at: float | None = None
        self._batch: list[Delivery] = []
        #: Of this batch: sent in its digest, or the digest's failure.
        self._in_digest: set[str] = set()
        self._digest_error: Retry | Rejected | Paused | None = None
        self._envelope_from = getaddresses([sender])[0][1]
        self._envelope_to = [address for _, address in getaddresses(list(self.recipients))]
        try:
            self._context = verified_context(ca_file) if security != "none" else None
        except OSError as exc:
            raise ValueError(
                f"cannot read the mailbox's ca_file {ca_file}: {exc.strerror}; "
                f"check sync.mailbox.ca_file in the settings"
            ) from exc

    def skip_reason(self, message: dict[str, Any]) -> str | None:
        if self.send == "alerts" and not message.get("alert"):
            return "not an alert, and the mailbox has send: alerts"
        return None

    def deliver(self, delivery: Delivery) -> None:
        if delivery.message_id in self._in_digest:
            return
        if self._digest_error is not None:
            raise self._digest_error
        if self._over_rate():
            self._deliver_in_digest(delivery)
            return
        message, media = read_attachments(delivery)
        mail = build_mail(
            message,
            sender=self.sender,
            recipients=self.recipients,
            photo=media["photo"],
            voice=media["voice"],
            language=self.language,
        )
        self._mail(mail, delivery.message_id)

    def _over_rate(self) -> bool:
        now = self._clock()
        while self._sent_at and self._sent_at[0] <= now - RATE_WINDOW_S:
            self._sent_at.popleft()
        return len(self._sent_at) >= self.max_mails_per_hour

    def _deliver_in_digest(self, delivery: Delivery) -> None:
        now = self._clock()
        if self._digest_due_at is None or self._digest_due_at < now - self.digest_period_s:
            # The first message over the rate: the digest goes one period later.
            self._digest_due_at = now + self.digest_period_s
        if now < self._digest_due_at:
            wait_s = self._digest_due_at - now
            raise Retry(
                f"over the mail rate ({self.max_mails_per_hour} an hour, "
                f"sync.mailbox.max_mails_per_hour): gathered into the next digest mail, "
                f"in {wait_s:.0f} s",
                after=wait_s,
            )
        members = [delivery] + [
            d
            for d in self._batch
            if d.message_id != delivery.message_id and self.skip_reason(d.message) is None
        ]
        read = [read_attachments(d) for d in members]
        mail = build_digest(
            [(message, media) for message, media in read],
            sender=self.sender,
            recipients=self.recipients,
            language=self.language,
        )
        try:
            self._mail(mail, f"a digest of {len(members)}")
        except (Retry, Rejected, Paused) as exc:
            self._digest_error = exc
            raise
        self._digest_due_at = now + self.digest_period_s
        self._in_digest.update(d.message_id for d in members)
        log.info("mailed a digest of %d messages (over the mail rate)", len(members))

    def _mail(self, mail: EmailMessage, what: str) -> None:
        """Send ``mail`` within the deadline; smtplib's exceptions become Retry, Rejected or Paused."""
        with self.deadline() as watchdog:
            try:
                self._mail_now(mail, what)
            except (Retry, Rejected, Paused) as exc:
                if not watchdog.fired:
                    raise
                raise Retry(
                    f"the exchange with the mail server at {self.host}:{self.port} did not "
                    f"finish within its deadline of {self.deadline_s:g} s (connecting, its "
                    "replies and the mail together): a server answering a few bytes at a "
                    "time, or a very slow link; check the network and sync.mailbox.host; "
                    "retrying later"
                ) from exc

    @contextlib.contextmanager
    def deadline(self, seconds: float | None = None) -> Iterator[_Watchdog]:
        """The connection in use inside the block is shut down once ``seconds`` have passed.

        (``deadline_s`` by default.) ``kiosk doctor`` keeps its check within it too.
        """
        watchdog = _Watchdog(self.deadline_s if seconds is None else seconds)
        outer, self._watchdog = self._watchdog, watchdog
        watchdog.watch(self._smtp)
        try:
            yield watchdog
        finally:
            watchdog.cancel()
            self._watchdog = outer

    def _mail_now(self, mail: EmailMessage, what: str) -> None:
        started = time.monotonic()
        try:
            try:
                refused = self._send(mail, fresh=self._smtp is None)
            except smtplib.SMTPServerDisconnected:
                if self._reused == 0:
                    raise
                # The server dropped a connection kept from the message before
                # (an idle timeout) before taking this one: once more, afresh.
                refused = self._send(mail, fresh=True)
            finally:
                if not self._in_batch:
                    self._quit()
        except smtplib.SMTPAuthenticationError as exc:
            raise Paused(
                f"the mail server refused the login of {self.username}: "
                f"{_reply(exc.smtp_code, exc.smtp_error)}; check sync.mailbox.username "
                f"and password_file"
            ) from exc
        except (smtplib.SMTPConnectError, smtplib.SMTPHeloError) as exc:
            # A refusal of this terminal's connection, not of the message.
            raise Retry(
                f"the mail server at {self.host}:{self.port} refused the connection: "
                f"{_reply(exc.smtp_code, exc.smtp_error)}"
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise _refusal(exc.recipients) from exc
        except smtplib.SMTPResponseException as exc:
            # Sender refused, data refused, or any other command's reply.
            reply = _reply(exc.smtp_code, exc.smtp_error)
            if 500 <= exc.smtp_code < 600:
                raise Rejected(f"the mail server refused the message: {reply}") from exc
            raise Retry(f"the mail server answered {reply}; retrying later") from exc
        except smtplib.SMTPNotSupportedError as exc:
            # STARTTLS or AUTH not offered: a settings mismatch, shown in the status.
            raise Retry(
                f"the mail server at {self.host}:{self.port} lacks what the settings "
                f"need: {exc}; check sync.mailbox.security, port and username"
            ) from exc
        except ssl.SSLCertVerificationError as exc:
            raise Retry(
                f"the mail server's certificate cannot be verified: {exc.verify_message}; "
                f"check sync.mailbox.host and ca_file"
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            # Broken or refused connections, timeouts, TLS failures.
            raise Retry(
                f"cannot send to the mail server at {self.host}:{self.port}: "
                f"{exc or type(exc).__name__}"
            ) from exc
        if refused:
            # Some recipients took it: sending again would repeat it for them.
            raise _refusal(refused, partial=True)
        self._sent_at.append(self._clock())
        log.debug("mailed %s in %.3f s", what, time.monotonic() - started)

    def _send(self, mail, *, fresh: bool) -> dict:
        """Send on the batch's connection (opened and logged in if ``fresh``).

        Any failure closes the connection: the next message starts clean.
        """
        if fresh:
            self._quit()
            smtp = self.connect()
            try:
                if self.username:
                    smtp.login(self.username, self.password or "")
            except BaseException:
                smtp.close()
                raise
            self._smtp, self._reused = smtp, 0
        else:
            self._reused += 1
        assert self._smtp is not None
        try:
            return self._smtp.send_message(
                mail, from_addr=self._envelope_from, to_addrs=self._envelope_to
            )
        except BaseException:
            self._smtp.close()
            self._smtp = None
            raise

    def begin_batch(self, deliveries: Sequence[Delivery] = ()) -> None:
        self._in_batch = True
        self._batch = list(deliveries)
        self._in_digest = set()
        self._digest_error = None

    def end_batch(self) -> None:
        """Says goodbye to the mail server (QUIT) once a batch is sent."""
        self._in_batch = False
        self._quit()

    def _quit(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            # A QUIT is one reply line; a server dripping it must not hold the service.
            with _Watchdog(self.timeout_s) as watchdog:
                watchdog.watch(smtp)
                smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def close(self) -> None:
        self.end_batch()

    def connect(self) -> smtplib.SMTP:
        """A connection to the mail server, TLS set up as configured (no login yet).

        Deliveries use it, and so does ``kiosk doctor`` to try exactly what a
        delivery does, short of sending."""
        smtp: smtplib.SMTP
        if self.security == "tls":
            smtp = smtplib.SMTP_SSL(
                local_hostname=self.local_hostname, timeout=self.timeout_s, context=self._context
            )
        else:
            smtp = smtplib.SMTP(local_hostname=self.local_hostname, timeout=self.timeout_s)
        # Made unconnected and watched before it connects: the server's greeting
        # is the first reply it could drip. smtplib takes the name TLS verifies
        # (and SNI sends) from its constructor only, so it is set as that would.
        smtp._host = self.host
        if self._watchdog is not None:
            self._watchdog.watch(smtp)
        try:
            smtp.connect(self.host, self.port)
            if self.security == "starttls":
                smtp.starttls(context=self._context)
        except BaseException:
            smtp.close()
            raise
        return smtp


class _Watchdog:
    """Shuts an SMTP connection down at a deadline, waking a read blocked on it.

    A timer thread: smtplib reads replies line by line, each read within its
    timeout, and has no deadline of its own to give.
    """

    def __init__(self, seconds: float):
        self.fired = False
        self._smtp: smtplib.SMTP | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, smtp: smtplib.SMTP | None) -> None:
        """The connection to shut down at the deadline (now, if it has passed)."""
        with self._lock:
            self._smtp = smtp
            if self.fired:
                _shut_down(smtp)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            _shut_down(self._smtp)

    def cancel(self) -> None:
        self._timer.cancel()

    def __enter__(self) -> _Watchdog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def _shut_down(smtp: smtplib.SMTP | None) -> None:
    sock = getattr(smtp, "sock", None)
    if sock is None:
        return
    try:
        # The plain socket's shutdown, under TLS too: SSLSocket.shutdown would
        # drop its TLS state under the reading thread's feet.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # closed already


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}"


def _refusal(refused: dict[str, tuple[int, bytes]], *, partial: bool = False) -> Rejected | Retry:
    """A 5xx for any recipient rejects the message (with the replies); 4xx only retries."""
    replies = "; ".join(
        f"{address}: {_reply(code, text)}" for address, (code, text) in refused.items()
    )
    note = " (the other recipients got it)" if partial else ""
    if any(500 <= code < 600 for code, _ in refused.values()):
        return Rejected(f"the mail server refused recipients{note}: {replies}")
    # Sent again in full: the stable Message-ID lets the others' mail servers drop the repeat.
    return Retry(f"the mail server deferred recipients{note}: {replies}")
