"""A Pi has no battery clock: a clock stepped back must not park deliveries, pauses or jobs."""

from __future__ import annotations

import time

from support.delivery_service import running
from support.waiting import wait_for
from sync.backoff import RETRY_AFTER_MAX_S, Backoff
from sync.outbox import Outbox
from sync.service import PAUSE_MAX_S, DeliveryService, PeriodicJob

FIVE_YEARS_S = 5 * 365 * 86400.0
HOUR_S = 3600.0


class SteppableClock:
    """The wall clock, as NTP may step it."""

    def __init__(self, shift_s: float = 0.0):
        self.shift_s = shift_s

    def __call__(self) -> float:
        return time.time() + self.shift_s


def one_retry_due_in(box: Outbox, make_message, seconds: float) -> str:
    message_id = box.add(make_message())
    box.claim("manager")
    box.mark_retry(message_id, "manager", "the manager is unavailable: 503", box._clock() + seconds)
    return message_id


def test_times_stored_while_the_clock_was_years_ahead_are_capped_at_the_next_start(
    data_dir, make_message, manager_server, manager_target_factory
):
    wall = SteppableClock(FIVE_YEARS_S)
    with Outbox(data_dir, reserve_bytes=0, clock=wall) as box:
        box.register_targets(["manager"])
        one_retry_due_in(box, make_message, 600)
        box.pause_target("manager", wall() + 300, "credentials refused")
        wall.shift_s = 0.0  # corrected while the service was stopped
        target = manager_target_factory(manager_server.url)
        DeliveryService(box, [target], clock=wall).run(once=True)
        assert box.next_due_at("manager") <= wall() + RETRY_AFTER_MAX_S
        assert box.target_pause("manager").until <= wall() + PAUSE_MAX_S


def test_a_step_back_while_running_brings_due_times_and_pauses_back_and_jobs_keep_running(
    data_dir, make_message, manager_server, manager_target_factory
):
    wall = SteppableClock()
    runs: list[float] = []
    with Outbox(data_dir, reserve_bytes=0, clock=wall) as box:
        box.register_targets(["manager"])
        one_retry_due_in(box, make_message, 600)
        job = PeriodicJob("status", 0.2, lambda: runs.append(wall()))
        service = DeliveryService(
            box,
            [manager_target_factory(manager_server.url)],
            jobs=[job],
            clock=wall,
            backoff=Backoff(base_s=0.01, cap_s=0.05),
        )
        with running(service):
            wait_for(lambda: len(runs) >= 1, timeout_s=10)
            wall.shift_s = -HOUR_S
            seen = len(runs)
            # The job is paced by the monotonic clock: it runs on, 0.2 s apart.
            wait_for(lambda: len(runs) >= seen + 3, timeout_s=10)
            # The retry due in 10 minutes is due in 10 minutes still, not in 70.
            wait_for(lambda: box.next_due_at("manager") <= wall() + 601, timeout_s=10)
        assert not manager_server.messages
