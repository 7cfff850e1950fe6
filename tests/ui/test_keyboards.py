"""The keyboards of many languages in the real app: typing with long presses, and their size.

Real X input (tests/support/harness.py): a long press is a button held
down on the key until the variants show, then a slide onto one.
"""

from __future__ import annotations

import pytest

from support.harness import Kiosk, Xvfb, write_settings
from support.keyboards import (
    KEYBOARD_LANGUAGES,
    dialog_file,
    has_variants,
    most_variants,
    open_keyboard,
)
from sync.outbox import Outbox

#: What each visitor types: keys tapped (``"shift"`` is the shift key) and
#: ``(key, variant)`` chosen by a long press; and the text that makes.
SAMPLES = {
    "de": (["shift", "g", "r", "ü", ("s", "ß"), "e"], "Grüße"),
    "fr": (["c", "a", "f", ("e", "é")], "café"),
    "pl": ([("z", "ż"), "u", "r", "e", "k"], "żurek"),
    "el": (["κ", "α", "λ", ("α", "ά")], "καλά"),
    "uk": (["ї", "ж", "а", "ґ"], "їжаґ"),
    "ar": (["ش", "ك", "ر", ("ا", "أ")], "شكرأ"),
    "he": (["ת", "ו", "ד", "ה"], "תודה"),
}
#: A 10.1-inch 1280×800 panel is about 217 mm wide, a 7-inch 800×480 one 154 mm.
PX_PER_MM = {(1280, 800): 1280 / 217, (800, 480): 800 / 154}
THUMB_MM = 9.0


def send(kiosk: Kiosk) -> None:
    kiosk.tap("done", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    kiosk.tap("send", then=lambda s: s["step"] == "thanks")
    kiosk.wait_step("thanks")
    kiosk.tap("thanks", then=lambda s: s["step"] == "start")


@pytest.mark.slow
def test_visitors_type_their_language_with_long_presses(start_kiosk, tmp_path):
    data_dir = tmp_path / "data"
    kiosk = start_kiosk(dialog_file(tmp_path / "dialog", list(SAMPLES)), data_dir=str(data_dir))
    for language, (keys, text) in SAMPLES.items():
        open_keyboard(kiosk, language)
        for key in keys:
            if isinstance(key, tuple):
                kiosk.long_press(f"kb:{key[0]}", choose=key[1])
            else:
                kiosk.tap(f"kb:{key}")
        assert f"{text}|" in kiosk.state["texts"], kiosk.state["texts"]
        send(kiosk)
    kiosk.wait(lambda s: True)
    assert kiosk.stop() == 0
    with Outbox(data_dir, recover=False) as box:
        typed = {m["locale"]: m["text"] for m in box.messages()}
    assert typed == {language: text for language, (_keys, text) in SAMPLES.items()}


def test_a_long_press_left_open_takes_a_tap_and_a_tap_elsewhere_closes_it(start_kiosk, tmp_path):
    kiosk = start_kiosk(dialog_file(tmp_path / "dialog", ["fr"]))
    open_keyboard(kiosk, "fr")
    shown = kiosk.open_variants("kb:e")
    assert [b["text"] for b in shown["buttons"] if b["key"].startswith("kbv:")] == list("éèêë")
    assert "|" not in "".join(shown["texts"])  # letting go on the key typed no e
    kiosk.tap("kbv:ê", then=lambda s: not has_variants(s))
    kiosk.tap("kb:shift")
    kiosk.open_variants("kb:e")
    assert kiosk.button("kbv:É")["text"] == "É"
    kiosk.tap("kb:z", then=lambda s: not has_variants(s))  # closes, types nothing
    kiosk.tap("kb:t")
    assert "êT|" in kiosk.state["texts"], kiosk.state["texts"]


def key_problems(state: dict, size: tuple[int, int], where: str) -> list[str]:
    thumb_px = THUMB_MM * PX_PER_MM[size]
    problems = [f"{where}: {text!r} is cut off by the screen's edge" for text in state["offscreen"]]
    for button in state["buttons"]:
        if not button["key"].startswith(("kb:", "kbv:")):
            continue
        name = f"{where}: {button['key']} {button['text']!r}"
        if not button["words_fit"]:
            problems.append(f"{name}: its label does not fit the key")
        if min(button["width"], button["height"]) < thumb_px:
            problems.append(f"{name} is {button['width']}×{button['height']} px")
        if (
            button["x"] < 0
            or button["y"] < 0
            or button["x"] + button["width"] > size[0]
            or button["y"] + button["height"] > size[1]
        ):
            problems.append(f"{name} sticks out of the screen")
    return problems


#: Languages per app start: as many as the start screen shows at 800×480 on every branch.
LANGUAGES_PER_RUN = 4


@pytest.mark.slow
@pytest.mark.parametrize("size", list(PX_PER_MM))
def test_every_keyboard_fits_the_screen_with_keys_of_at_least_9_mm(size, tmp_path):
    server = Xvfb(*size)
    problems: list[str] = []
    seen: list[str] = []
    try:
        for first in range(0, len(KEYBOARD_LANGUAGES), LANGUAGES_PER_RUN):
            languages = KEYBOARD_LANGUAGES[first : first + LANGUAGES_PER_RUN]
            run = tmp_path / f"run{first}"
            settings = write_settings(run, dialog_file(run / "dialog", languages))
            kiosk = Kiosk(server, settings, run / "probe", log_path=run / "kiosk.log")
            try:
                for language in languages:
                    problems += keyboard_problems(kiosk, language, size)
                    seen.append(language)
            finally:
                kiosk.stop()
    finally:
        server.close()
    assert seen == KEYBOARD_LANGUAGES and len(seen) == 23
    assert not problems, "\n".join(problems)


def keyboard_problems(kiosk: Kiosk, language: str, size: tuple[int, int]) -> list[str]:
    """The text screen's keys in ``language``, and those of its widest long press."""
    state = open_keyboard(kiosk, language)
    where = f"{size[0]}x{size[1]} {language}"
    problems = key_problems(state, size, where)
    keys = [b for b in state["buttons"] if b["key"].startswith("kb:")]
    if len(keys) < 26:
        problems.append(f"{where}: only {len(keys)} keys")
    most = most_variants(language)
    if most:
        shown = kiosk.open_variants(f"kb:{most}")
        problems += key_problems(shown, size, f"{where} long press on {most}")
        kiosk.tap(kiosk.keys("kbv:")[0], then=lambda s: not has_variants(s))
    kiosk.tap("cancel", then=lambda s: s["step"] == "start")
    return problems
