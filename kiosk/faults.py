"""How many unexpected errors the app recovers from before it gives up and lets systemd restart it.

An error that escapes a screen or the flow ends the visit and shows the
start screen again (see ``KioskApp.recover``); the next visitor finds a
working terminal. But an error that comes back at once, every frame or every
tick, would keep the app "alive" for systemd's watchdog with a screen that
no longer works. So only a few errors in a short time are recovered from;
one more, and the app exits with an error and systemd starts it afresh.
Plain Python, no Kivy.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

#: Up to this many unexpected errors within FAULT_WINDOW_S are recovered from.
#: A visitor who meets the same broken button again needs several seconds per
#: visit to reach it; an error in every frame or every tick reaches it in
#: seconds.
MAX_FAULTS_IN_WINDOW = 5
#: ...and one more error within this many seconds ends the app (exit code 1),
#: for systemd to restart it (kiosk.service: Restart=always).
FAULT_WINDOW_S = 10.0


class FaultBudget:
    """Counts unexpected errors over a sliding window of time."""

    def __init__(
        self,
        *,
        max_faults: int = MAX_FAULTS_IN_WINDOW,
        window_s: float = FAULT_WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.max_faults = max_faults
        self.window_s = window_s
        self.clock = clock
        self._times: deque[float] = deque()

    def allows_another(self) -> bool:
        """Records one error; False when it is one too many for the window: give up."""
        now = self.clock()
        while self._times and now - self._times[0] >= self.window_s:
            self._times.popleft()
        self._times.append(now)
        return len(self._times) <= self.max_faults

    @property
    def recent(self) -> int:
        """The errors counted in the window, the last one included."""
        return len(self._times)
