"""A visit left on the text screen with something typed: what the idle tests start from."""

from __future__ import annotations


def typed_no_in_italian(kiosk) -> None:
    """An Italian visitor rates 2, picks the staff, opens the text and types "no"."""
    kiosk.wait_step("start")
    kiosk.tap("language:it", then=lambda s: s["step"] == "rating")
    kiosk.wait_step("rating")
    kiosk.tap("rating:2", then=lambda s: s["step"] == "choice")
    kiosk.wait_step("choice")
    kiosk.tap("topic:staff")
    kiosk.tap("next", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    kiosk.tap("text", then=lambda s: s["step"] == "text")
    kiosk.wait_step("text")
    kiosk.tap("kb:n")
    kiosk.tap("kb:o", then=lambda s: any("no" in text for text in s["texts"]))


def stored_messages(kiosk) -> list[dict]:
    """What the app has stored in its outbox (``data`` beside its probe folder)."""
    from sync.outbox import Outbox

    with Outbox(kiosk.probe_dir.parent / "data", recover=False) as box:
        return list(box.messages())
