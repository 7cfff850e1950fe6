"""Running a DeliveryService in a thread for a test, and stopping it for sure."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

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


def wait_for(condition: Callable[[], bool], timeout_s: float = 10.0, poll_s: float = 0.02) -> float:
    """Seconds until ``condition()`` held; fails the test at ``timeout_s``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout_s:
            raise AssertionError(f"condition not met within {timeout_s} s")
        time.sleep(poll_s)
    return time.monotonic() - started
