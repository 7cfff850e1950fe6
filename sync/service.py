"""The delivery service (``kiosk sync``): claims due deliveries and hands them to the targets.

Threads, each with one job::

    main            watches for stop requests and for new messages (once a second)
    <target>        one per target: claim, deliver, record; sleeps until the next due time
    housekeeping    periodic jobs: retention, the manager's status and dialog poll

Targets are independent: a dead mail server only ever blocks the mailbox's
thread. Backoff lives in the outbox (``next_attempt_at``), so a restart does
not reset it; after a transient failure a target also holds off as a whole
for the backoff, so that a sick server is not tried once per message. A
Paused target (wrong credentials) is paused in the outbox, which survives
restarts, and is then tried with one message at most once per pause.

Stopping (``request_stop``, safe from a signal handler: it only sets a
flag) ends every loop between two deliveries; deliveries claimed but not
finished are released, so they are due again at once on the next start.
"""

from __future__ import annotations

import dataclasses
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence

from sync import systemd
from sync.backoff import RETRY_AFTER_MAX_S, Backoff
from sync.errors import ServiceRunningError
from sync.outbox import LEASE_S, Delivery, Outbox
from sync.outbox.layout import SERVICE_LOCK_NAME
from sync.targets.base import Paused, Rejected, Retry, Target

log = logging.getLogger(__name__)

#: How often the main thread looks whether the app added a message; the
#: contract wants new messages picked up within a second.
WATCH_S = 1.0
#: How often the main thread looks at the stop flag (a signal handler can only set it).
STOP_POLL_S = 0.1
#: A worker with nothing due looks again at least this often, in case a due
#: time changed behind its back (another process, a clock step).
MAX_IDLE_S = 60.0
#: How long stopping waits for a delivery in flight before releasing it and leaving.
STOP_GRACE_S = 1.0
#: Deliveries claimed at once per target; each is finished before the next
#: claim. One claim and one record of the batch cost two commits (fsyncs), so
#: a batch amortises them; an alert arriving meanwhile waits for the batch.
CLAIM_BATCH = 20
#: After an unexpected error in a loop (a bug, a full disk), wait this long,
#: doubling up to the cap, so that a persistent fault does not spin.
ERROR_BACKOFF_S = 1.0
ERROR_BACKOFF_CAP_S = 300.0
#: The longest a target stays paused from now, whatever a target asked for
#: or a clock step left in the outbox.
PAUSE_MAX_S = 3600.0
#: A wall clock that moved back by more than this against the monotonic
#: clock was stepped (NTP after a boot with a wrong time): schedules follow.
CLOCK_STEP_S = 2.0


@dataclasses.dataclass
class PeriodicJob:
    """``run`` every ``interval_s``; skipped while ``target`` (if set) is paused."""

    name: str
    interval_s: float
    run: Callable[[], None]
    target: str | None = None
    next_at: float = 0.0


class DeliveryService:
    """Delivers the outbox to ``targets`` until stopped, or once with ``run(once=True)``."""

    def __init__(
        self,
        outbox: Outbox,
        targets: Sequence[Target],
        *,
        jobs: Sequence[PeriodicJob] = (),
        backoff: Backoff | None = None,
        claim_batch: int = CLAIM_BATCH,
        lease_s: float = LEASE_S,
        watch_s: float = WATCH_S,
        stop_grace_s: float = STOP_GRACE_S,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        """``clock`` is the wall clock (what the outbox stores); ``monotonic`` paces the
        service's own schedules (jobs, holding off), which a clock step must not move."""
        names = [target.name for target in targets]
        if len(set(names)) != len(names):
            raise ValueError(f"target names must be unique, got {names}")
        self.outbox = outbox
        self.targets = list(targets)
        self.jobs = list(jobs)
        self.backoff = backoff if backoff is not None else Backoff()
        self.claim_batch = claim_batch
        self.lease_s = lease_s
        self.watch_s = watch_s
        self.stop_grace_s = stop_grace_s
        self.clock = clock
        self.monotonic = monotonic
        self._stop_requested = False
        self._stopping = threading.Event()
        self._workers: list[_Worker] = []
        self._housekeeper: threading.Thread | None = None

    # ------------------------------------------------------------- control

    def request_stop(self) -> None:
        """Ask the service to stop; only sets a flag, so it is safe in a signal handler."""
        self._stop_requested = True

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self, *, once: bool = False) -> None:
        """Deliver until ``request_stop``; with ``once``, deliver what is due now and return.

        Once means: each periodic job runs one time, and each target delivers
        until nothing is due (or its server fails: the rest waits for the next run).
        """
        if self.alive():
            raise RuntimeError("the service is still running; stop it and join it first")
        self._stopping.clear()
        with _ServiceLock(self.outbox.data_dir):
            self.outbox.register_targets(target.name for target in self.targets)
            for target in self.targets:
                # We are the only service: any claim left is a dead one's.
                if released := self.outbox.release_leases(target.name):
                    log.info(
                        "%s: %d delivery(ies) cut short before are due again", target.name, released
                    )
            self._follow_clock_step(0.0)
            self._run(once, self._clock_offset())

    def _follow_clock_step(self, step_back_s: float) -> None:
        changed = self.outbox.bring_schedules_back(
            step_back_s, due_max_s=RETRY_AFTER_MAX_S, pause_max_s=PAUSE_MAX_S
        )
        if step_back_s:
            log.warning(
                "the clock stepped back by %.0f s; %d due time(s) and pause(s) moved back too",
                step_back_s,
                changed,
            )
        elif changed:
            log.warning("%d due time(s) and pause(s) were further than their cap; capped", changed)

    def _clock_offset(self) -> float:
        return self.clock() - self.monotonic()

    def _run(self, once: bool, clock_offset: float) -> None:
        self._workers = [_Worker(self, target, once) for target in self.targets]
        self._housekeeper = threading.Thread(
            target=self._housekeeping, args=(once,), name="housekeeping", daemon=True
        )
        names = ", ".join(t.name for t in self.targets) or "no target"
        log.info("delivering to %s", names)
        self._housekeeper.start()
        for worker in self._workers:
            worker.start()
        systemd.ready(f"delivering to {names}")
        try:
            self._watch(once, clock_offset)
        finally:
            self._stop()

    def join(self, timeout_s: float | None = None) -> bool:
        """Wait for every thread to end; True if they all did."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        for thread in [*self._workers, self._housekeeper]:
            if thread is not None:
                thread.join(None if deadline is None else max(deadline - time.monotonic(), 0))
        return not self.alive()

    def alive(self) -> bool:
        return any(t.is_alive() for t in [*self._workers, self._housekeeper] if t is not None)

    def _watch(self, once: bool, offset: float) -> None:
        """Wakes the workers for new messages, feeds the watchdog, follows clock steps.

        ``offset`` is the wall clock less the monotonic one when the
        schedules were last made right.
        """
        seen = self.outbox.newest_seq()
        next_look = time.monotonic() + self.watch_s
        # systemd restarts the service if this loop (and so the outbox it
        # reads) stops turning: it feeds the watchdog.
        feed_s = systemd.watchdog_interval_s()
        next_feed = time.monotonic()
        while not self._stop_requested:
            current = self._clock_offset()
            if offset - current > CLOCK_STEP_S:
                self._follow_clock_step(offset - current)
                for worker in self._workers:
                    worker.wake.set()
            offset = current
            if feed_s is not None and time.monotonic() >= next_feed:
                systemd.watchdog()
                next_feed = time.monotonic() + feed_s
            if (
                once
                and not any(worker.is_alive() for worker in self._workers)
                and not (self._housekeeper and self._housekeeper.is_alive())
            ):
                return
            time.sleep(STOP_POLL_S)
            if time.monotonic() >= next_look:
                next_look = time.monotonic() + self.watch_s
                newest = self.outbox.newest_seq()
                if newest != seen:
                    seen = newest
                    for worker in self._workers:
                        worker.wake.set()

    def _stop(self) -> None:
        systemd.stopping("stopping")
        self._stopping.set()
        for worker in self._workers:
            worker.wake.set()
        if not self.join(self.stop_grace_s):
            # A delivery still in flight (a slow upload, a stalled server): give
            # its claims back so that they are due at once on the next start. If
            # it does finish, marking it delivered still works.
            for worker in self._workers:
                worker.release_held()
            log.info("stopped with a delivery in flight; it is due again at the next start")
        else:
            log.info("stopped")
        self._stop_requested = False

    # ------------------------------------------------------------- housekeeping

    def _housekeeping(self, once: bool) -> None:
        errors = 0
        while not self.stopping:
            tick = self.monotonic()
            for job in self.jobs:
                if self.stopping:
                    return
                if job.next_at > tick:
                    continue
                job.next_at = tick + job.interval_s
                try:
                    self._run_job(job, self.clock())
                    errors = 0
                except Exception:
                    errors += 1
                    log.exception("%s failed", job.name)
            if once:
                return
            next_at = min((job.next_at for job in self.jobs), default=tick + MAX_IDLE_S)
            wait = max(next_at - self.monotonic(), 0.0)
            if errors:
                wait = max(wait, _error_delay(errors))
            self._stopping.wait(min(wait, MAX_IDLE_S))

    def _run_job(self, job: PeriodicJob, now: float) -> None:
        if job.target is not None:
            pause = self.outbox.target_pause(job.target)
            if pause is not None and pause.until > now:
                return
        try:
            job.run()
        except Paused as exc:
            if job.target is None:
                raise
            pause = self.outbox.pause_target(
                job.target, now + min(exc.after, PAUSE_MAX_S), exc.reason
            )
            log.warning(
                "%s: %s; %s paused until %s",
                job.name,
                exc.reason,
                job.target,
                time.strftime("%H:%M:%S", time.localtime(pause.until)),
            )
        except (Retry, Rejected) as exc:
            log.warning("%s: %s", job.name, exc.reason)


class _Worker(threading.Thread):
    """Delivers to one target, one message at a time."""

    def __init__(self, service: DeliveryService, target: Target, once: bool):
        super().__init__(name=f"deliver-{target.name}", daemon=True)
        self.service = service
        self.outbox = service.outbox
        self.target = target
        self.once = once
        self.wake = threading.Event()
        self._held: list[str] = []
        self._held_lock = threading.Lock()
        self._failures = 0
        self._hold_until = 0.0
        # Delivered but not yet recorded (only for targets that drop repeats).
        self._delivered: list[str] = []

    def run(self) -> None:
        errors = 0
        while not self.service.stopping:
            self.wake.clear()
            try:
                more = self._step()
                errors = 0
            except Exception:
                errors += 1
                log.exception("%s: delivery loop failed; trying again", self.target.name)
                self.release_held()
                more = not self.once
                if more:
                    self._sleep(_error_delay(errors))
            if not more:
                return
        self.release_held()

    def release_held(self) -> None:
        with self._held_lock:
            held, self._held = self._held, []
        for message_id in held:
            try:
                self.outbox.release(message_id, self.target.name)
            except Exception:
                log.exception("%s: cannot release %s", self.target.name, message_id)

    def _sleep(self, seconds: float) -> None:
        self.wake.wait(max(seconds, 0.0))

    def _step(self) -> bool:
        """One claim and its deliveries; False when a once-run is done with this target."""
        name = self.target.name
        now = self.service.clock()
        pause = self.outbox.target_pause(name)
        wait_s = max(
            (pause.until - now) if pause else 0.0, self._hold_until - self.service.monotonic()
        )
        if wait_s > 0:
            if self.once:
                return False
            # Paused or holding off: new messages must not wake it early.
            self.service._stopping.wait(min(wait_s, MAX_IDLE_S))
            return True
        # A paused target is probed with one message, not a batch.
        deliveries = self.outbox.claim(
            name,
            limit=1 if pause else self.service.claim_batch,
            lease_s=self.service.lease_s,
            now=now,
        )
        if not deliveries:
            if self.once:
                return False
            due = self.outbox.next_due_at(name)
            self._sleep(MAX_IDLE_S if due is None else min(due - self.service.clock(), MAX_IDLE_S))
            return True
        with self._held_lock:
            self._held = [delivery.message_id for delivery in deliveries]
        self.target.begin_batch(deliveries)
        try:
            for delivery in deliveries:
                if self.service.stopping:
                    break
                if not self._deliver(delivery, paused=pause is not None):
                    # The server is sick or refuses us: the rest of the batch waits.
                    return not self.once
                with self._held_lock:
                    self._held.remove(delivery.message_id)
        finally:
            self._record_delivered()
            self.release_held()
            self.target.end_batch()
        return True

    def _record_delivered(self) -> None:
        if self._delivered:
            delivered, self._delivered = self._delivered, []
            self.outbox.mark_delivered_many(delivered, self.target.name)

    def _deliver(self, delivery: Delivery, *, paused: bool) -> bool:
        """Deliver one and record the outcome; False when the target should stop for now."""
        name, message_id = self.target.name, delivery.message_id
        skip = self.target.skip_reason(delivery.message)
        if skip is not None:
            self.outbox.mark_skipped(message_id, name, skip)
            log.debug("%s: skipped %s: %s", name, message_id, skip)
            return True
        started = time.monotonic()
        try:
            self.target.deliver(delivery)
        except Rejected as exc:
            self.outbox.mark_rejected(message_id, name, exc.reason)
            log.warning("%s: rejected %s: %s", name, message_id, exc.reason)
            self._succeeded(paused)
            return True
        except Paused as exc:
            until = self.service.clock() + min(exc.after, PAUSE_MAX_S)
            self.outbox.pause_target(name, until, exc.reason)
            log.error("%s: paused for %.0f s: %s", name, exc.after, exc.reason)
            return False
        except Retry as exc:
            self._retry(delivery, exc.reason, exc.after)
            return False
        except Exception as exc:
            # A bug in a target must not lose the message: retry it, loudly.
            log.exception("%s: unexpected error delivering %s", name, message_id)
            self._retry(delivery, f"internal error: {type(exc).__name__}: {exc}", None)
            return False
        if self.target.drops_repeats:
            self._delivered.append(message_id)  # recorded with the rest of the batch
        else:
            self.outbox.mark_delivered(message_id, name)
        self._succeeded(paused)
        log.info("%s: delivered %s in %.2f s", name, message_id, time.monotonic() - started)
        return True

    def _succeeded(self, paused: bool) -> None:
        """The target answered for the message: its server works and takes us."""
        self._failures = 0
        if paused:
            self.outbox.resume_target(self.target.name)
            log.info("%s: the server accepts the terminal again; pause over", self.target.name)

    def _retry(self, delivery: Delivery, reason: str, after: float | None) -> None:
        backoff = self.service.backoff
        now = self.service.clock()
        delay = backoff.delay(delivery.attempts, after)
        self.outbox.mark_retry(delivery.message_id, self.target.name, reason, now + delay)
        self._failures += 1
        # The whole target holds off too; attempts of this message count, so
        # that a restart does not begin again with tiny delays.
        hold = backoff.delay(max(self._failures - 1, delivery.attempts), after)
        self._hold_until = self.service.monotonic() + hold
        log.warning(
            "%s: %s not delivered (attempt %d), again in %.1f s: %s",
            self.target.name,
            delivery.message_id,
            delivery.attempts + 1,
            delay,
            reason,
        )


class _ServiceLock:
    """One delivery service per outbox: an flock on ``sync.lock``, gone when its process dies."""

    def __init__(self, data_dir):
        self.path = os.path.join(data_dir, SERVICE_LOCK_NAME)
        self._fd: int | None = None

    def __enter__(self) -> _ServiceLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(fd)
            raise ServiceRunningError(
                f"another `kiosk sync` works on {os.path.dirname(self.path)} (it holds "
                f"{self.path}); stop it first (systemctl stop kiosk-sync) or let it deliver"
            ) from exc
        self._fd = fd
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._fd is not None:
            os.close(self._fd)  # also releases the lock
            self._fd = None


def _error_delay(errors: int) -> float:
    return min(ERROR_BACKOFF_S * 2 ** min(errors - 1, 20), ERROR_BACKOFF_CAP_S)
