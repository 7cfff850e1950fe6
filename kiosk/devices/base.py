"""What every device shares: a status the app reports, and the reason behind it.

A device's ``status`` is one of :data:`STATUSES`, the values ``kiosk status``
and the operator screen show (and ``sync.health.write_device_status`` takes):

* ``ok``      – working, or not yet shown otherwise;
* ``missing`` – the configured device is not there (unplugged, wrong path);
* ``error``   – it is there but failed (no frames, a stream that broke);
* ``off``     – switched off in the settings.

``last_error`` says, in words a technician can act on, why it is not ``ok``.
Status changes come from worker threads; ``on_status`` is called on the thread
that saw the change and must only hand the news on (a UI marshals it with
``Clock.schedule_once``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

OK = "ok"
MISSING = "missing"
ERROR = "error"
OFF = "off"
STATUSES = (OK, MISSING, ERROR, OFF)

StatusListener = Callable[[str, "str | None"], None]


class DeviceStatus:
    """Thread-safe ``status`` and ``last_error``, with an optional listener."""

    #: The device's name in messages and logs.
    kind = "device"

    def __init__(self, status: str = OK, *, on_status: StatusListener | None = None):
        self._status_lock = threading.Lock()
        self._status = status
        self._last_error: str | None = None
        self._on_status = on_status

    @property
    def status(self) -> str:
        return self._status

    @property
    def last_error(self) -> str | None:
        """Why the device is not ``ok``, with what to do about it; None when it is."""
        return self._last_error

    def _set_status(self, status: str, error: str | None = None) -> None:
        with self._status_lock:
            changed = (status, error) != (self._status, self._last_error)
            self._status, self._last_error = status, error
        if not changed:
            return
        if error:
            log.warning("%s %s: %s", self.kind, status, error)
        else:
            log.info("%s %s", self.kind, status)
        if self._on_status is not None:
            try:
                self._on_status(status, error)
            except Exception:  # a listener's bug must not take the device down
                log.exception("the %s status listener failed", self.kind)
