"""Idle reset in the running app, with its clock advanced instead of waited for."""

from __future__ import annotations

from dialog_config import EXAMPLES_DIR, load_dialog
from support.idle_visit import stored_messages, typed_no_in_italian

RESTAURANT = load_dialog(EXAMPLES_DIR / "restaurant.yaml")


def test_a_visit_left_alone_is_stored_as_chosen_and_the_start_returns(start_kiosk):
    kiosk = start_kiosk()
    typed_no_in_italian(kiosk)
    kiosk.advance_clock(RESTAURANT.idle_reset_s - 5)
    assert kiosk.wait(lambda s: True)["step"] == "text"
    kiosk.advance_clock(6)
    kiosk.wait_step("start")
    kiosk.wait(lambda s: s["language"] == RESTAURANT.default_language, what="default language")
    assert kiosk.stop() == 0
    (message,) = stored_messages(kiosk)
    assert [item["id"] for item in message["path"]] == ["staff"]
    assert message["rating"]["value"] == 2 and message["locale"] == "it"
    assert message["text"] is None and message["photo"] is None


def test_an_untouched_visit_is_dropped(start_kiosk):
    kiosk = start_kiosk()
    kiosk.wait_step("start")
    kiosk.tap("language:en", then=lambda s: s["step"] == "rating")
    kiosk.wait_step("rating")
    kiosk.advance_clock(RESTAURANT.idle_reset_s + 1)
    kiosk.wait_step("start")
    assert kiosk.stop() == 0
    assert stored_messages(kiosk) == []
