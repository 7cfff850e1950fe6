"""An outbox that cannot store visits puts the terminal out of order, honestly, in every language."""

from __future__ import annotations

from kiosk.i18n import gettext
from support.operator_mode import PIN, enter, pin_settings, press_corner
from support.outbox_damage import corrupt_table
from support.visits import complaint
from sync.outbox import Outbox

MESSAGE = complaint("ui-test")


def test_a_damaged_outbox_shows_out_of_order_and_the_operator_sees_why(start_kiosk, tmp_path):
    # The data_dir the first kiosk of start_kiosk uses, damaged before the app starts:
    # it opens, and quick_check finds the broken page.
    data = tmp_path / "run0" / "data"
    with Outbox(data, reserve_bytes=0) as box:
        box.add(MESSAGE)
        box.record_suppressed()
    corrupt_table(data / "outbox.sqlite3", "suppressed_taps")

    kiosk = start_kiosk(**pin_settings(tmp_path))
    state = kiosk.wait_screen("out_of_order")
    assert state["step"] == "start"
    assert "Out of order" in state["texts"]
    assert kiosk.keys("language:") == []  # no visit can start
    kiosk.screenshot(tmp_path / "out-of-order-en.png")

    # A tap shows the notice in the dialog's next language (restaurant: en, ru, it, ko).
    state = kiosk.tap("out_of_order", then=lambda s: gettext("ru", "Out of order") in s["texts"])
    assert state["screen"] == "out_of_order"
    kiosk.screenshot(tmp_path / "out-of-order-ru.png")

    press_corner(kiosk)  # the operator corner of the out-of-order screen, as on the start screen
    kiosk.wait_screen("pin")
    enter(kiosk, PIN, "operator")
    state = kiosk.wait_screen("operator")
    outbox_text = next(text for text in state["texts"] if "Outbox" in text)
    assert "The outbox is out of order" in outbox_text
    assert "is damaged" in outbox_text
    kiosk.screenshot(tmp_path / "operator.png")
    # Closing the operator screen goes back to out of order, not to a start that lies.
    kiosk.tap("operator:close", then=lambda s: s["screen"] == "out_of_order")
