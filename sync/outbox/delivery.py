"""Delivering: the registered targets, claims and their leases, outcomes, and pauses.

The delivery service claims what is due for a target (alerts first, then
oldest first), and records each outcome: delivered, a retry with its backoff,
rejected, or skipped. A claim puts a lease on a pending delivery so that two
delivery processes never work on the same one; a lease that runs out (its
holder died) makes the delivery due again. A final state is never undone.
A target refused as a whole (wrong credentials) is paused, persistently.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sync.errors import UnknownDeliveryError
from sync.outbox.store import OutboxStore

# How long a claim keeps a delivery from other claimers. Long enough for one
# slow SMTP or HTTP upload of a batch; short enough that a crashed service's
# deliveries are retried soon after it restarts.
LEASE_S = 300.0

# How many due deliveries one claim returns when the caller does not say.
DEFAULT_CLAIM_LIMIT = 10

# Error texts from servers can be long; the status needs the gist only.
MAX_ERROR_CHARS = 2000


@dataclasses.dataclass(frozen=True)
class Delivery:
    """One claimed delivery of one message to one target.

    ``attempts`` counts the failed attempts so far (for the caller's backoff).
    ``message`` is the message exactly as it is to be sent. The media paths are
    None when the message has no such attachment.
    """

    message_id: str
    target: str
    attempts: int
    message: dict[str, Any]
    photo_path: Path | None
    voice_path: Path | None


@dataclasses.dataclass(frozen=True)
class TargetPause:
    """A target paused as a whole until ``until`` (epoch s), and why.

    ``since`` is when the pause began (the first refusal), kept across
    extensions so that the status says how long the target has been stuck.
    """

    target: str
    since: float
    until: float
    reason: str


class DeliveryMixin(OutboxStore):
    """The Outbox's part that the delivery service works with."""

    # ----------------------------------------------------------------- targets

    def register_targets(self, names: Iterable[str]) -> None:
        """Declare the delivery targets the service runs with; persistent.

        Every message already in the outbox gets a pending delivery for each
        named target it lacks one for, so that a target configured later still
        receives what is stored. Registering again is harmless.
        """
        names = list(dict.fromkeys(names))
        for name in names:
            if not isinstance(name, str) or not name:
                raise ValueError(f"a target name must be a non-empty string, not {name!r}")
        now = self._clock()
        with self._write() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO targets (name, registered_at) VALUES (?, ?)",
                [(name, now) for name in names],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO deliveries (message_id, target, next_attempt_at)"
                " SELECT id, ?, 0 FROM messages",
                [(name,) for name in names],
            )

    def targets(self) -> list[str]:
        """The registered target names, sorted."""
        with self._lock:
            return [row[0] for row in self._db.execute("SELECT name FROM targets ORDER BY name")]

    # ----------------------------------------------------------------- delivering

    def claim(
        self,
        target: str,
        *,
        limit: int = DEFAULT_CLAIM_LIMIT,
        lease_s: float = LEASE_S,
        now: float | None = None,
    ) -> list[Delivery]:
        """Take up to ``limit`` due deliveries for ``target``: alerts first, then oldest first.

        Each comes with a lease of ``lease_s`` seconds during which no other
        claim returns it; the caller must mark each one (delivered, retry or
        rejected) before the lease runs out. A lease that runs out unmarked
        (the claimer died) makes the delivery due again.
        """
        if limit < 1:
            raise ValueError(f"limit must be 1 or more, not {limit}")
        if lease_s <= 0:
            raise ValueError(f"lease_s must be positive, not {lease_s}")
        now = self._clock() if now is None else now
        with self._write() as conn:
            rows = conn.execute(
                "SELECT d.message_id, d.attempts, m.body, m.photo_file, m.voice_file"
                " FROM deliveries d INDEXED BY deliveries_claim_order"
                " JOIN messages m ON m.id = d.message_id"
                " WHERE d.target = ? AND d.state = 'pending' AND d.next_attempt_at <= ?"
                "   AND (d.claimed_until IS NULL OR d.claimed_until <= ?)"
                " ORDER BY d.alert DESC, d.created_ts, d.seq"
                " LIMIT ?",
                (target, now, now, limit),
            ).fetchall()
            conn.executemany(
                "UPDATE deliveries SET claimed_until = ? WHERE message_id = ? AND target = ?",
                [(now + lease_s, row[0], target) for row in rows],
            )
        return [
            Delivery(
                message_id=message_id,
                target=target,
                attempts=attempts,
                message=json.loads(body),
                photo_path=self.media_dir / photo_file if photo_file else None,
                voice_path=self.media_dir / voice_file if voice_file else None,
            )
            for message_id, attempts, body, photo_file, voice_file in rows
        ]

    def mark_delivered(self, message_id: str, target: str) -> bool:
        """Record that ``target`` has the message; it is never claimed for it again.

        Returns False (and changes nothing) when the delivery was already final,
        e.g. a second claimer after an expired lease.
        """
        return self._finish(
            message_id,
            target,
            "state = 'delivered', delivered_at = ?, claimed_until = NULL",
            (self._clock(),),
        )

    def mark_delivered_many(self, message_ids: Iterable[str], target: str) -> int:
        """``mark_delivered`` for several messages in one transaction; returns how many changed.

        One commit (one fsync) for a batch: for a target that drops repeats
        (the manager's Idempotency-Key), where a crash before the commit only
        costs a repeat that the target answers with "already stored".
        """
        now = self._clock()
        with self._write() as conn:
            return sum(
                conn.execute(
                    "UPDATE deliveries SET state = 'delivered', delivered_at = ?, claimed_until = NULL"
                    " WHERE message_id = ? AND target = ? AND state = 'pending'",
                    (now, message_id, target),
                ).rowcount
                for message_id in message_ids
            )

    def mark_retry(self, message_id: str, target: str, error: str, next_attempt_at: float) -> bool:
        """Record a failed attempt; the delivery is due again at ``next_attempt_at`` (epoch s).

        The backoff lives in the database, so a restarted service does not
        hammer a sick server. Returns False when the delivery was already final.
        """
        return self._finish(
            message_id,
            target,
            "attempts = attempts + 1, last_error = ?, failed_at = ?, next_attempt_at = ?,"
            " claimed_until = NULL",
            (_clip(error), self._clock(), float(next_attempt_at)),
        )

    def mark_rejected(self, message_id: str, target: str, reason: str) -> bool:
        """Record that ``target`` refuses the message for good; it is not tried again.

        Returns False when the delivery was already final.
        """
        return self._finish(
            message_id,
            target,
            "state = 'rejected', reason = ?, failed_at = ?, claimed_until = NULL",
            (_clip(reason), self._clock()),
        )

    def mark_skipped(self, message_id: str, target: str, reason: str) -> bool:
        """Record that ``target`` does not take this message by its settings; final.

        For example a mailbox that only mails alerts. The reason is kept for the
        status; ``delivered_at`` records when, so that retention can age it.
        Returns False when the delivery was already final.
        """
        return self._finish(
            message_id,
            target,
            "state = 'skipped', reason = ?, delivered_at = ?, claimed_until = NULL",
            (_clip(reason), self._clock()),
        )

    def release(self, message_id: str, target: str) -> bool:
        """Give a claimed delivery back untried: due again at once, no attempt counted.

        For deliveries a stopping service or a paused target never got to, so
        that they do not wait for their lease to run out. Returns False when
        the delivery was already final.
        """
        return self._finish(message_id, target, "claimed_until = NULL", ())

    def release_leases(self, target: str) -> int:
        """Give back every claim on ``target``'s deliveries; returns how many there were.

        Only for a delivery service that knows it is the only one (it holds the
        service lock): the claims are then a dead predecessor's, and its cut
        short deliveries become due at once instead of when their leases end.
        """
        with self._write() as conn:
            return conn.execute(
                "UPDATE deliveries SET claimed_until = NULL"
                " WHERE target = ? AND state = 'pending' AND claimed_until IS NOT NULL",
                (target,),
            ).rowcount

    def _finish(
        self, message_id: str, target: str, assignments: str, values: tuple[Any, ...]
    ) -> bool:
        with self._write() as conn:
            # Only a pending delivery changes: a final state is never undone.
            changed = conn.execute(
                f"UPDATE deliveries SET {assignments}"
                " WHERE message_id = ? AND target = ? AND state = 'pending'",
                (*values, message_id, target),
            ).rowcount
            if changed:
                return True
            exists = conn.execute(
                "SELECT 1 FROM deliveries WHERE message_id = ? AND target = ?", (message_id, target)
            ).fetchone()
        if exists is None:
            raise UnknownDeliveryError(
                f"no delivery of message {message_id} to target {target!r} in {self.db_path}; "
                f"check the message id and that the target was registered"
            )
        return False

    def next_due_at(self, target: str) -> float | None:
        """When the next pending delivery for ``target`` is due (epoch s), or None if none is pending.

        A leased delivery counts as due when its lease runs out. The service
        sleeps until then (or until it is told a new message arrived).
        """
        with self._lock:
            row = self._db.execute(
                "SELECT MIN(MAX(next_attempt_at, COALESCE(claimed_until, 0)))"
                " FROM deliveries WHERE target = ? AND state = 'pending'",
                (target,),
            ).fetchone()
        due: float | None = row[0]
        return due

    def bring_schedules_back(
        self, step_back_s: float, *, due_max_s: float, pause_max_s: float
    ) -> int:
        """After the clock stepped back by ``step_back_s``: move due times and pauses back too.

        Due times and pauses are wall-clock times, and a Pi has no battery
        clock: a step back (an NTP correction after a boot with a wrong time)
        would otherwise leave each one as much further away. Each is also
        kept within its cap from now (``due_max_s``, ``pause_max_s``), which
        also repairs times stored while the clock was ahead, before a
        restart. Returns how many were changed.
        """
        now = self._clock()
        step = max(float(step_back_s), 0.0)
        with self._write() as conn:
            changed = conn.execute(
                "UPDATE deliveries SET next_attempt_at = MIN(MAX(next_attempt_at - ?, ?), ?)"
                " WHERE state = 'pending'"
                "   AND (next_attempt_at > ? OR (? > 0 AND next_attempt_at > ?))",
                (step, now, now + due_max_s, now + due_max_s, step, now),
            ).rowcount
            changed += conn.execute(
                "UPDATE target_pauses SET until = MIN(MAX(until - ?, ?), ?)"
                " WHERE until > ? OR (? > 0 AND until > ?)",
                (step, now, now + pause_max_s, now + pause_max_s, step, now),
            ).rowcount
        return changed

    # ----------------------------------------------------------------- pauses

    def pause_target(self, target: str, until: float, reason: str) -> TargetPause:
        """Pause ``target`` as a whole until ``until`` (epoch s); persistent.

        Extending a pause keeps its ``since``. The delivery service tries a
        paused target again only once the pause is over, also after a restart.
        """
        now = self._clock()
        with self._write() as conn:
            conn.execute(
                "INSERT INTO target_pauses (target, since, until, reason) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (target) DO UPDATE SET until = excluded.until, reason = excluded.reason",
                (target, now, float(until), _clip(reason)),
            )
            row = conn.execute(
                "SELECT target, since, until, reason FROM target_pauses WHERE target = ?", (target,)
            ).fetchone()
        return TargetPause(*row)

    def resume_target(self, target: str) -> bool:
        """End the pause of ``target``; False if it was not paused."""
        with self._write() as conn:
            return (
                conn.execute("DELETE FROM target_pauses WHERE target = ?", (target,)).rowcount > 0
            )

    def target_pause(self, target: str) -> TargetPause | None:
        """The pause of ``target`` (over or not), or None if it is not paused."""
        with self._lock:
            row = self._db.execute(
                "SELECT target, since, until, reason FROM target_pauses WHERE target = ?", (target,)
            ).fetchone()
        return TargetPause(*row) if row else None


def _clip(text: str) -> str:
    text = str(text)
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"
