"""Waiting for something another thread or process does, and failing loudly when it never comes."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable

DEFAULT_TIMEOUT_S = 10.0
POLL_S = 0.02


def wait_for(
    condition: Callable[[], object],
    *,
    what: str = "",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    poll_s: float = POLL_S,
) -> None:
    """Returns once ``condition()`` is true; fails the test at ``timeout_s``.

    The failure names ``what`` was awaited (else the condition's source), so
    that a timeout reads as the missing event, not as a bare "timed out".
    """
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"waited {timeout_s:g} s for {what or describe(condition)}; it never happened"
            )
        time.sleep(poll_s)


def describe(condition: Callable[[], object]) -> str:
    """The condition's source text (a lambda's own line), for the failure message."""
    try:
        return inspect.getsource(condition).strip()
    except (OSError, TypeError):
        return repr(condition)
