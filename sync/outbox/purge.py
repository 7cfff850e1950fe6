"""Purging what every target is done with: the deletions ``sync.retention`` asks for.

A message is done with when it has deliveries, none of them pending, and the
last of them finished (delivered, rejected or skipped) before a given time.
Its media files go first (personal data, kept briefly); its record later
(reports need it). Nothing pending is ever deleted, however old.
"""

from __future__ import annotations

from sync.outbox.media import unlink_media
from sync.outbox.store import OutboxStore

# A message every target is done with, the last of them before ? (epoch s):
# it has deliveries, none of them pending, and all finished in time. A
# rejection's time is failed_at; a delivery's or a skip's is delivered_at.
_FINISHED_BEFORE = """
    EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id)
    AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.state = 'pending')
    AND (SELECT MAX(COALESCE(d.delivered_at, d.failed_at, 0)) FROM deliveries d
         WHERE d.message_id = m.id) < ?
"""


class PurgeMixin(OutboxStore):
    """The Outbox's part that deletes finished messages' media and records."""

    def purge_media(self, finished_before: float) -> list[str]:
        """Delete the photo and voice files of messages every target is done with.

        Done means no delivery of the message is pending and the last one
        finished (delivered, rejected or skipped) before ``finished_before``
        (epoch s). A message without any delivery (no target yet) is kept for
        the targets to come. The record stays, with its photo and voice
        columns set to NULL so that recovery knows the files are gone on
        purpose. Returns the ids of the messages whose media were deleted.
        """
        with self._write() as conn:
            rows = conn.execute(
                "SELECT m.id, m.photo_file, m.voice_file FROM messages m"
                " WHERE (m.photo_file IS NOT NULL OR m.voice_file IS NOT NULL)"
                f"   AND {_FINISHED_BEFORE}",
                (finished_before,),
            ).fetchall()
            conn.executemany(
                "UPDATE messages SET photo_file = NULL, voice_file = NULL WHERE id = ?",
                [(message_id,) for message_id, _, _ in rows],
            )
        # Files go after the commit: a crash in between leaves unreferenced
        # files, which recovery removes, never a record naming a missing file.
        unlink_media(
            self.media_dir, [name for _, photo, voice in rows for name in (photo, voice) if name]
        )
        return [message_id for message_id, _, _ in rows]

    def purge_messages(self, finished_before: float) -> int:
        """Delete the records (and any media) of messages every target is done with.

        The same rule as :meth:`purge_media`; nothing pending is ever deleted.
        Returns how many messages were deleted.
        """
        with self._write() as conn:
            rows = conn.execute(
                f"SELECT m.id, m.photo_file, m.voice_file FROM messages m WHERE {_FINISHED_BEFORE}",
                (finished_before,),
            ).fetchall()
            # Their deliveries go with them (ON DELETE CASCADE).
            conn.executemany("DELETE FROM messages WHERE id = ?", [(row[0],) for row in rows])
        unlink_media(
            self.media_dir, [name for _, photo, voice in rows for name in (photo, voice) if name]
        )
        return len(rows)
