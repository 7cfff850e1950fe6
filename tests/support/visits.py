"""A visitor's message as the flow hands it to the outbox, for tests that need one."""

from __future__ import annotations

from typing import Any


def salty_food(**changes: Any) -> dict[str, Any]:
    """An Italian visitor's unhappy rating and complaint about the food, with no media.

    ``changes`` replace fields whole, e.g. ``alert=False`` or ``voice={...}``.
    """
    message: dict[str, Any] = {
        "terminal_id": "rome-01",
        "site": "Trattoria Roma",
        "created_at": "2026-11-22T15:04:05.123+01:00",
        "locale": "it",
        "dialog": {"version": 1, "sha256": "a" * 64},
        "rating": {"kind": "smileys", "value": 2, "scale": 5},
        "path": [{"level": "topic", "id": "food", "label": "Cibo"}],
        "tone": "complaint",
        "alert": True,
        "text": "Troppo sale",
        "callback": None,
        "voice": None,
        "photo": None,
    }
    message.update(changes)
    return message


def complaint(terminal_id: str = "t1") -> dict[str, Any]:
    """A complaint about the food, with no rating, text, callback or media."""
    return salty_food(
        terminal_id=terminal_id,
        site="",
        locale="en",
        rating=None,
        path=[{"level": "topic", "id": "food", "label": "Food"}],
        text=None,
    )
