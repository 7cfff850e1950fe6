"""When to try a failed delivery again: exponential backoff with full jitter.

Full jitter (a uniform draw between 0 and the exponential bound) spreads the
retries of many terminals behind one sick server instead of having them
return in lockstep. A server's ``Retry-After`` overrides the draw.
"""

from __future__ import annotations

import email.utils
import random
from collections.abc import Callable
from dataclasses import dataclass, field

#: The bound of the first retry's draw; it doubles with each failed attempt.
RETRY_BASE_S = 5.0
#: The bound never grows past this, so a server back after a long outage is
#: tried again within 15 minutes.
RETRY_CAP_S = 15 * 60.0
#: A Retry-After further out than this is taken as this: a server's typo must
#: not park a visitor's message for weeks.
RETRY_AFTER_MAX_S = 24 * 3600.0


@dataclass(frozen=True)
class Backoff:
    """Delays for retries; ``base_s`` and ``cap_s`` are small in tests."""

    base_s: float = RETRY_BASE_S
    cap_s: float = RETRY_CAP_S
    uniform: Callable[[float, float], float] = field(default=random.uniform, repr=False)

    def delay(self, attempts: int, retry_after_s: float | None = None) -> float:
        """Seconds to wait after the attempt numbered ``attempts`` (0 for the first) failed."""
        if retry_after_s is not None:
            return min(max(retry_after_s, 0.0), RETRY_AFTER_MAX_S)
        # min() before the power would overflow: 2**attempts grows without bound.
        bound = self.cap_s if attempts >= 64 else min(self.cap_s, self.base_s * 2.0**attempts)
        return self.uniform(0.0, bound)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """A Retry-After header as seconds from ``now`` (epoch s): delta-seconds or an HTTP date.

    None when absent or unreadable (then the normal backoff applies).
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        # RFC 9110 HTTP dates are always GMT; parsedate says "-0000" as naive.
        return None
    return max(moment.timestamp() - now, 0.0)
