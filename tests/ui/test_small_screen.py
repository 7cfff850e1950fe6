"""On a 7-inch 800×480 screen and a 10-inch 1280×800 one, in every language of the
examples, at the normal text size and with A+ (text 1.5 times larger), every button
is big enough for a thumb, inside the screen, and shows its words whole; the promoter
link's QR code reads back."""

from __future__ import annotations

import cv2
import pytest

from dialog_config import EXAMPLES_DIR, load_dialog
from kiosk.ui.design import DESIGN_SIZE_PX, LARGE_TEXT_SCALE, MIN_SCALE
from kiosk.ui.theme import FONT_BUTTON
from support.harness import Xvfb
from support.screenshots import LARGE_SUFFIX, WALKS, walk_everything

#: Screen size in pixels → the panel's width in mm: a 7-inch 800×480 panel is about
#: 154 mm wide (5.2 px per mm, so 9 mm is 47 px), a 10.1-inch 1280×800 one 217 mm.
PANEL_WIDTH_MM = {(800, 480): 154, (1280, 800): 217}
THUMB_MM = 9.0
PROMOTER_URL = load_dialog(EXAMPLES_DIR / "restaurant.yaml").promoter_link.url


@pytest.fixture(scope="module", params=PANEL_WIDTH_MM, ids=lambda size: "{}x{}".format(*size))
def screen(request):
    server = Xvfb(*request.param)
    yield server
    server.close()


#: The screens each example's walk shows (screenshots.py), at the normal size; the
#: operator's PIN screen is walked with the restaurant, at the normal size only.
SCREENS_SHOWN = {"restaurant": 9, "fitness_club": 2, "cafe_europe": 8, "cafe_world": 8}


@pytest.mark.slow
@pytest.mark.parametrize("larger_text", [False, True], ids=["text", "larger-text"])
@pytest.mark.parametrize("example", [example for example, _walk in WALKS])
def test_every_button_on_every_screen_is_at_least_9_mm(screen, tmp_path, larger_text, example):
    size = screen.size
    thumb_px = THUMB_MM * size[0] / PANEL_WIDTH_MM[size]
    problems: list[str] = []
    seen: set[str] = set()

    scale = max(MIN_SCALE, min(size[0] / DESIGN_SIZE_PX[0], size[1] / DESIGN_SIZE_PX[1]))
    large_font = round(FONT_BUTTON * scale * LARGE_TEXT_SCALE, 1)

    def check(kiosk, language, name):
        state = kiosk.wait(lambda s: True)
        seen.add(name)
        cancel = [b for b in state["buttons"] if b["key"] == "cancel"]
        if name.endswith(LARGE_SUFFIX) and cancel and cancel[0]["font_size"] != large_font:
            problems.append(f"{name} ({language}): Cancel is not 1.5× larger: {cancel[0]}")
        for key in ("larger_text", "speech"):
            if name != "11-operator-pin" and key not in {b["key"] for b in state["buttons"]}:
                problems.append(f"{name} ({language}): no {key} button")
        if name == "08-thanks-promoter-link":
            image = cv2.imread(str(kiosk.screenshot(tmp_path / f"qr-{language}.png")))
            decoded = cv2.QRCodeDetector().detectAndDecode(image)[0]
            if decoded != PROMOTER_URL:
                problems.append(f"{name} ({language}): the QR code reads {decoded!r}")
        for text in state["offscreen"]:
            problems.append(f"{name} ({language}): {text!r} is cut off by the screen's edge")
        for button in state["buttons"]:
            where = f"{name} ({language}): {button['key']} {button['text']!r}"
            if not button["words_fit"]:
                problems.append(f"{where} breaks a word: it does not fit the button")
            if min(button["width"], button["height"]) < thumb_px:
                problems.append(f"{where} is {button['width']}×{button['height']} px")
            if (
                button["x"] < 0
                or button["y"] < 0
                or button["x"] + button["width"] > size[0]
                or button["y"] + button["height"] > size[1]
            ):
                problems.append(f"{where} sticks out of the screen")

    # One test per example and size of text, so that they can run side by side.
    walk_everything(
        screen,
        tmp_path,
        check,
        large_too=larger_text,
        normal=not larger_text,
        examples=(example,),
    )
    operator_pin = example == "restaurant" and larger_text
    assert len(seen) == SCREENS_SHOWN[example] - operator_pin, sorted(seen)
    assert all(name.endswith(LARGE_SUFFIX) == larger_text for name in seen), sorted(seen)
    assert not problems, "\n".join(problems)
