"""A visitor's message as the flow hands it to the outbox, for tests that need one."""

from __future__ import annotations

from typing import Any


def complaint(terminal_id: str = "t1") -> dict[str, Any]:
    """A complaint about the food, with no rating, text, callback or media."""
    return {
        "terminal_id": terminal_id,
        "site": "",
        "created_at": "2026-11-22T15:04:05.123+01:00",
        "locale": "en",
        "dialog": {"version": 1, "sha256": "a" * 64},
        "rating": None,
        "path": [{"level": "topic", "id": "food", "label": "Food"}],
        "tone": "complaint",
        "alert": True,
        "text": None,
        "callback": None,
        "voice": None,
        "photo": None,
    }
