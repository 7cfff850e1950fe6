"""Running a DeliveryService in a thread for a test, and stopping it for sure."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from sync.service import DeliveryService


@contextlib.contextmanager
def running(service: DeliveryService) -> Iterator[DeliveryService]:
    thread = threading.Thread(target=service.run, name="service-under-test")
    thread.start()
    try:
        yield service
    finally:
        service.request_stop()
        thread.join(10)
        assert not thread.is_alive(), "the service did not stop"
        assert service.join(10), "a service thread did not stop"
