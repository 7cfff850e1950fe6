"""What every delivery target is: one method, ``deliver``, and three ways to fail.

A target knows its protocol and nothing of the outbox; the delivery service
claims, calls ``deliver`` and records the outcome. Library exceptions (httpx,
smtplib, ssl, OSError) never leave a target: each is mapped here, at the
boundary, to one of::

    DeliveryError           a delivery did not happen
    ├── Retry               transient: try this message again later (``after`` s, if the server said)
    ├── Rejected            permanent for this message: keep it, mark it rejected with ``reason``
    └── Paused              the target as a whole cannot work (wrong credentials): stop
                            trying it for ``after`` s; the message is due again untried

and chained with ``from`` so that the journal still shows the cause.
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Sequence
from typing import Any

from sync.media_types import MEDIA_KINDS
from sync.outbox import Delivery

log = logging.getLogger(__name__)

#: How long wrong credentials pause a whole target: the contract allows one
#: try at most every 5 minutes, so a wrong token does not hammer the server.
CREDENTIALS_PAUSE_S = 5 * 60.0


class DeliveryError(Exception):
    """Base class: the delivery did not happen; ``reason`` says why, for the status."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Retry(DeliveryError):
    """A transient failure; ``after`` is the server's wish in seconds (Retry-After), or None."""

    def __init__(self, reason: str, *, after: float | None = None):
        super().__init__(reason)
        self.after = after


class Rejected(DeliveryError):
    """The target will never accept this message as it is."""


class Paused(DeliveryError):
    """The target refuses the terminal itself (e.g. wrong credentials): pause it for ``after`` s."""

    def __init__(self, reason: str, *, after: float = CREDENTIALS_PAUSE_S):
        super().__init__(reason)
        self.after = after


def read_attachments(delivery: Delivery) -> tuple[dict[str, Any], dict[str, bytes | None]]:
    """The message to send and its photo and voice bytes (None where it has none).

    A media file that has gone (disk damage, a repair that could not find it,
    a hand deletion) must not keep the visitor's words from the manager: the
    message goes without it, its attachment null and its kind listed in
    ``lost_attachments`` (the manager API's Message). A file that exists but
    cannot be read now is retried.
    """
    message = dict(delivery.message)
    media: dict[str, bytes | None] = {"photo": None, "voice": None}
    lost = list(message.get("lost_attachments") or [])
    for kind, path in (("photo", delivery.photo_path), ("voice", delivery.voice_path)):
        if message.get(kind) is None:
            continue
        try:
            if path is None:
                raise FileNotFoundError(f"the outbox has no {kind} file for it")
            media[kind] = path.read_bytes()
        except FileNotFoundError as exc:
            log.warning(
                "message %s: its %s file is missing (%s); it is sent without it",
                delivery.message_id,
                kind,
                exc,
            )
            message[kind] = None
            if kind not in lost:
                lost.append(kind)
        except OSError as exc:
            raise Retry(f"cannot read the {kind} file {path}: {exc.strerror}") from exc
    if lost:
        message["lost_attachments"] = [kind for kind in MEDIA_KINDS if kind in lost]
    return message, media


class Target(abc.ABC):
    """A place messages go. ``name`` is the outbox's name for it ("manager", "mailbox")."""

    name: str
    #: True when the target drops a repeat by itself (the manager, by
    #: Idempotency-Key): the service may then record deliveries in batches,
    #: one commit for several, since a crash before the commit costs only a
    #: repeat the target ignores. A mailbox would send a second mail.
    drops_repeats: bool = False

    def skip_reason(self, message: dict[str, Any]) -> str | None:
        """Why this target does not take ``message`` by its settings, or None if it does."""
        return None

    @abc.abstractmethod
    def deliver(self, delivery: Delivery) -> None:
        """Deliver one message with its media; return only when the target has it.

        Raises Retry, Rejected or Paused, never a library's exception.
        Called from one worker thread at a time.
        """

    # Optional hooks: a target without connections keeps the defaults, which do nothing.
    def begin_batch(self, deliveries: Sequence[Delivery] = ()) -> None:  # noqa: B027
        """``deliveries`` follow one another until ``end_batch``: a connection may be kept.

        Outside a batch each delivery stands alone and holds nothing open.
        """

    def end_batch(self) -> None:  # noqa: B027
        """The batch is done: release what was kept for it."""

    def close(self) -> None:  # noqa: B027
        """Release connections; the target is not used afterwards."""
