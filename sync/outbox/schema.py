"""The outbox's schema: the migrations that make and upgrade its SQLite database.

A database records its version in ``PRAGMA user_version``; opening it applies
the steps it lacks, all in the opener's one write transaction, so that a
failing step leaves the database as it was. A database newer than this code
knows is refused rather than written with an old idea of its tables.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sync.errors import SchemaTooNewError

# Schema migrations, applied in order at open. Step N (1-based) brings the
# database from user_version N-1 to N. Never edit a released step: append one.
_MIGRATIONS: list[tuple[str, ...]] = [
    (
        # seq keeps insertion order, which breaks ties between messages with the
        # same created_at; created_ts is created_at as UTC epoch seconds, because
        # RFC 3339 strings with different offsets do not sort as text.
        """
        CREATE TABLE messages (
            seq         INTEGER PRIMARY KEY,
            id          TEXT NOT NULL UNIQUE,
            created_at  TEXT NOT NULL,
            created_ts  REAL NOT NULL,
            alert       INTEGER NOT NULL CHECK (alert IN (0, 1)),
            added_at    REAL NOT NULL,
            body        TEXT NOT NULL,
            photo_file  TEXT,
            voice_file  TEXT
        )
        """,
        "CREATE INDEX messages_created ON messages (created_ts)",
        """
        CREATE TABLE targets (
            name           TEXT PRIMARY KEY,
            registered_at  REAL NOT NULL
        ) WITHOUT ROWID
        """,
        # One row per (message, target). failed_at is the time of the last
        # retry error or of the rejection; claimed_until is the lease.
        """
        CREATE TABLE deliveries (
            message_id       TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
            target           TEXT NOT NULL REFERENCES targets (name),
            state            TEXT NOT NULL DEFAULT 'pending'
                             CHECK (state IN ('pending', 'delivered', 'rejected')),
            attempts         INTEGER NOT NULL DEFAULT 0,
            next_attempt_at  REAL NOT NULL,
            claimed_until    REAL,
            last_error       TEXT,
            failed_at        REAL,
            delivered_at     REAL,
            reason           TEXT,
            PRIMARY KEY (message_id, target)
        ) WITHOUT ROWID
        """,
        """
        CREATE INDEX deliveries_pending ON deliveries (target, next_attempt_at)
            WHERE state = 'pending'
        """,
        "CREATE INDEX deliveries_failed ON deliveries (target, failed_at) WHERE failed_at IS NOT NULL",
    ),
    (
        # Visits the app's spam filter did not store: a count for the status,
        # by time so that a report can show when a button was being hammered.
        "CREATE TABLE suppressed_taps (at REAL NOT NULL)",
    ),
    (
        # A fourth final state, 'skipped': the target does not take this
        # message by its settings (a mailbox with `send: alerts` and a message
        # that is no alert). SQLite cannot change a CHECK constraint, so the
        # table is rebuilt; the statements run in the migration's transaction.
        # The rebuilt table also carries copies of the message's claim order
        # (alert, created_ts, seq), so that a claim walks the index
        # deliveries_claim_order and stops at its limit, instead of sorting
        # every pending delivery (with 10,000 queued, that sort made each
        # claim take milliseconds).
        """
        CREATE TABLE deliveries_v3 (
            message_id       TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
            target           TEXT NOT NULL REFERENCES targets (name),
            state            TEXT NOT NULL DEFAULT 'pending'
                             CHECK (state IN ('pending', 'delivered', 'rejected', 'skipped')),
            attempts         INTEGER NOT NULL DEFAULT 0,
            next_attempt_at  REAL NOT NULL,
            claimed_until    REAL,
            last_error       TEXT,
            failed_at        REAL,
            delivered_at     REAL,
            reason           TEXT,
            alert            INTEGER NOT NULL DEFAULT 0,
            created_ts       REAL NOT NULL DEFAULT 0,
            seq              INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (message_id, target)
        ) WITHOUT ROWID
        """,
        """
        INSERT INTO deliveries_v3 (message_id, target, state, attempts, next_attempt_at,
            claimed_until, last_error, failed_at, delivered_at, reason, alert, created_ts, seq)
        SELECT d.message_id, d.target, d.state, d.attempts, d.next_attempt_at,
            d.claimed_until, d.last_error, d.failed_at, d.delivered_at, d.reason,
            m.alert, m.created_ts, m.seq
        FROM deliveries d JOIN messages m ON m.id = d.message_id
        """,
        "DROP TABLE deliveries",
        "ALTER TABLE deliveries_v3 RENAME TO deliveries",
        """
        CREATE INDEX deliveries_pending ON deliveries (target, next_attempt_at)
            WHERE state = 'pending'
        """,
        "CREATE INDEX deliveries_failed ON deliveries (target, failed_at) WHERE failed_at IS NOT NULL",
        """
        CREATE INDEX deliveries_claim_order ON deliveries (target, alert DESC, created_ts, seq)
            WHERE state = 'pending'
        """,
        # The copies are filled in by the database itself, so that every writer
        # (an app still running the previous release, too) keeps them right.
        """
        CREATE TRIGGER deliveries_claim_order_fill AFTER INSERT ON deliveries
        BEGIN
            UPDATE deliveries SET
                alert = (SELECT alert FROM messages WHERE id = NEW.message_id),
                created_ts = (SELECT created_ts FROM messages WHERE id = NEW.message_id),
                seq = (SELECT seq FROM messages WHERE id = NEW.message_id)
            WHERE message_id = NEW.message_id AND target = NEW.target;
        END
        """,
        # A target paused as a whole, e.g. because the server refused the
        # terminal's credentials: kept here so that a restart does not try again
        # sooner than the pause allows.
        """
        CREATE TABLE target_pauses (
            target     TEXT PRIMARY KEY,
            since      REAL NOT NULL,
            until      REAL NOT NULL,
            reason     TEXT NOT NULL
        ) WITHOUT ROWID
        """,
    ),
]


def migrate(conn: sqlite3.Connection, db_path: Path) -> None:
    """Bring the schema to the newest version, inside the caller's write transaction."""
    known = len(_MIGRATIONS)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > known:
        raise SchemaTooNewError(db_path, version, known)
    for step in _MIGRATIONS[version:]:
        for statement in step:
            conn.execute(statement)
    if version != known:
        # PRAGMA does not take parameters; known is an int we computed.
        conn.execute(f"PRAGMA user_version = {known:d}")
