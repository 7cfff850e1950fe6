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
from typing import Any

from sync.outbox import Delivery

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

    def close(self) -> None:
        """Release connections; the target is not used afterwards."""
