"""Deleting what every target has had long enough, as the settings' ``retention:`` says.

Photos and voices are personal data, kept only ``delivered_media_days``
after the last target is done with the message; the records stay for
``delivered_messages_days`` because reports need them. A message still
pending for any target is never touched, however old.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable

from sync.outbox import Outbox

log = logging.getLogger(__name__)

SECONDS_PER_DAY = 86_400.0
#: How often the service applies retention; deletion within the hour is soon enough.
RETENTION_INTERVAL_S = 3600.0


@dataclasses.dataclass(frozen=True)
class RetentionReport:
    media_deleted: int
    messages_deleted: int


class Retention:
    def __init__(
        self,
        outbox: Outbox,
        *,
        delivered_media_days: float,
        delivered_messages_days: float,
        clock: Callable[[], float] = time.time,
    ):
        if delivered_messages_days < delivered_media_days:
            raise ValueError("delivered_messages_days must be at least delivered_media_days")
        self.outbox = outbox
        self.media_s = delivered_media_days * SECONDS_PER_DAY
        self.messages_s = delivered_messages_days * SECONDS_PER_DAY
        self._clock = clock

    def run(self) -> RetentionReport:
        now = self._clock()
        messages = self.outbox.purge_messages(now - self.messages_s)
        media = len(self.outbox.purge_media(now - self.media_s))
        if media or messages:
            log.info(
                "retention: deleted the media of %d message(s) and %d record(s)", media, messages
            )
        return RetentionReport(media_deleted=media, messages_deleted=messages)
