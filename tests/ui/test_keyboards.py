"""The keyboards of many languages in the real app: typing with long presses, and their size.

Real X input (tests/support/harness.py): a long press is a button held
down on the key until the variants show, then a slide onto one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.keyboard import FIELD_LAYOUTS, available_layouts, layout_name_for_language, load_layout
from support.harness import Kiosk, Xvfb, write_settings
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
#: Every language with a keyboard, as a dialog names it.
LANGUAGES = [
    "pt-BR" if name == "pt-br" else name
    for name in available_layouts()
    if name not in FIELD_LAYOUTS
]


def dialog_file(directory: Path, languages: list[str]) -> Path:
    labels = ", ".join(f'{language}: "Topic {language}"' for language in languages)
    path = directory / "dialog.yaml"
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"""\
version: 1
languages: [{", ".join(languages)}]
topics:
  - id: food
    label: {{{labels}}}
""",
        encoding="utf-8",
    )
    return path


def open_keyboard(kiosk: Kiosk, language: str) -> dict:
    kiosk.wait_step("start")
    kiosk.tap(f"language:{language}", then=lambda s: s["step"] != "start")
    kiosk.wait_step("choice")
    kiosk.tap("topic:food", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    kiosk.tap("text", then=lambda s: s["step"] == "text")
    return kiosk.wait_step("text")


def send(kiosk: Kiosk) -> None:
    kiosk.tap("done", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    kiosk.tap("send", then=lambda s: s["step"] == "thanks")
    kiosk.wait_step("thanks")
    kiosk.tap("thanks", then=lambda s: s["step"] == "start")


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
    kiosk.tap("kbv:ê", then=lambda s: not kiosk_has_variants(s))
    kiosk.tap("kb:shift")
    kiosk.open_variants("kb:e")
    assert kiosk.button("kbv:É")["text"] == "É"
    kiosk.tap("kb:z", then=lambda s: not kiosk_has_variants(s))  # closes, types nothing
    kiosk.tap("kb:t")
    assert "êT|" in kiosk.state["texts"], kiosk.state["texts"]


def most_variants(language: str) -> str | None:
    """The key of the language's layout with the most long-press variants, if any has one."""
    keys = [
        key
        for row in load_layout(layout_name_for_language(language)).layers[0].rows
        for key in row
        if key.variants
    ]
    return max(keys, key=lambda key: len(key.variants)).text if keys else None


def kiosk_has_variants(state: dict) -> bool:
    return any(b["key"].startswith("kbv:") for b in state["buttons"])


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


@pytest.mark.slow
@pytest.mark.parametrize("size", list(PX_PER_MM))
def test_every_keyboard_fits_the_screen_with_keys_of_at_least_9_mm(size, tmp_path):
    server = Xvfb(*size)
    problems: list[str] = []
    try:
        settings = write_settings(tmp_path, dialog_file(tmp_path / "dialog", LANGUAGES))
        kiosk = Kiosk(server, settings, tmp_path / "probe", log_path=tmp_path / "kiosk.log")
        try:
            for language in LANGUAGES:
                state = open_keyboard(kiosk, language)
                where = f"{size[0]}x{size[1]} {language}"
                problems += key_problems(state, size, where)
                keys = [b for b in state["buttons"] if b["key"].startswith("kb:")]
                assert len(keys) >= 26, f"{where}: only {len(keys)} keys"
                most = most_variants(language)
                if most:  # the widest row of variants a long press shows in this language
                    shown = kiosk.open_variants(f"kb:{most}")
                    problems += key_problems(shown, size, f"{where} long press on {most}")
                    kiosk.tap(kiosk.keys("kbv:")[0], then=lambda s: not kiosk_has_variants(s))
                kiosk.tap("cancel", then=lambda s: s["step"] == "start")
        finally:
            kiosk.stop()
    finally:
        server.close()
    assert not problems, "\n".join(problems)
