"""``make screenshots``: every screen in each language, at 1280×800 and 800×480;
with A+ (``large/``) in a few languages.

Runs the real app under Xvfb and walks it with real X input, as the UI
tests do; the PNGs go to ``docs/screenshots/<width>x<height>/<language>/``.
Run from the project's folder as ``PYTHONPATH=tests python -m support.screenshots``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from functools import partial
from pathlib import Path

from dialog_config import EXAMPLES_DIR, load_dialog
from kiosk.languages import has_keyboard
from kiosk.ui.design import LARGE_TEXT_SCALE
from support.harness import PROJECT_ROOT, Kiosk, Xvfb, write_settings
from support.keyboards import (
    dialog_file,
    has_variants,
    key_presses,
    most_variants,
    open_keyboard,
)

SIZES = ((1280, 800), (800, 480))
OUTPUT = PROJECT_ROOT / "docs" / "screenshots"


def settings_file(directory: Path, example: str) -> Path:
    return write_settings(
        directory,
        EXAMPLES_DIR / f"{example}.yaml",
        terminal_id="demo-01",
        site='"Trattoria Roma, Via Nazionale"',
        spam_window_s="0",
    )


#: What a visitor types on the text screen, in each language with a keyboard, as the
#: dialogs name them: a short remark of the kind a terminal collects. Korean is
#: typed as its keys, jamo that the keyboard composes (국이 식었어요).
TYPED = {
    "en": "The soup was cold",
    "ru": "Суп был холодный",
    "it": "La zuppa era fredda",
    "ko": "ㄱㅜㄱㅇㅣ ㅅㅣㄱㅇㅓㅆㅇㅓㅇㅛ",
    "de": "Die Suppe war leider kühl",
    "fr": "Le café était très bon",
    "es": "La sopa estaba fría",
    "pt": "O café estava ótimo",
    "pt-BR": "O atendimento foi ótimo",
    "nl": "De soep was koud",
    "pl": "Zupa była zimna",
    "uk": "Усе було дуже смачно",
    "cs": "Polévka byla studená",
    "ro": "Mâncarea a fost bună",
    "hu": "A kávé nagyon finom volt",
    "tr": "Çorba soğuktu",
    "el": "Η σούπα ήταν κρύα",
    "sv": "Soppan var för kall",
    "da": "Suppen var lidt kølig",
    "nb": "Suppen var litt kjølig",
    "fi": "Keitto oli liian kylmää",
    "ar": "الطعام لذيذ جدا",
    "he": "האוכל היה טעים מאוד",
}


def type_text(kiosk: Kiosk, language: str, text: str) -> None:
    """Types ``text`` with the keys of ``language``'s keyboard, long presses included."""
    for press in key_presses(language, text):
        if isinstance(press, tuple):
            kiosk.long_press(f"kb:{press[0]}", choose=press[1])
        else:
            kiosk.tap(f"kb:{press}")


def larger_text(kiosk: Kiosk) -> None:
    """Taps A+ on the start screen: the visit that follows has text 1.5 times larger."""
    before = kiosk.button("larger_text")["font_size"]
    normal = {b["key"]: b["font_size"] for b in kiosk.state["buttons"]}
    # A long language name shrinks to its button; the others grow by half.
    kiosk.tap(
        "larger_text",
        then=lambda s: any(
            b["font_size"] == round(normal[b["key"]] * LARGE_TEXT_SCALE, 1)
            for b in s["buttons"]
            if b["key"].startswith("language:")
        ),
    )
    assert kiosk.button("larger_text")["font_size"] == before, "A+ itself keeps its size"


def walk_restaurant(
    kiosk: Kiosk, language: str, shot, example: str = "restaurant", *, large: bool = False
) -> None:
    """Every screen of the restaurant example (or a café example built like it);
    ``shot(name)`` at each one; with ``large``, A+ is tapped first."""
    dialog = load_dialog(EXAMPLES_DIR / f"{example}.yaml")
    kiosk.wait_step("start")
    if large:
        larger_text(kiosk)
    shot("01-start")
    kiosk.tap(f"language:{language}", then=lambda s: s["step"] == "rating")
    kiosk.wait_step("rating")
    shot("02-rating-smileys")
    kiosk.tap(f"rating:{max(dialog.rating.values)}", then=lambda s: s["step"] == "choice")
    kiosk.wait_step("choice")
    shot("03-choice-topics")
    kiosk.tap("topic:food_quality")
    kiosk.tap("category:soups")
    shot("04-choice-details")
    kiosk.tap("next", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    shot("05-message")
    if has_keyboard(language):
        kiosk.tap("text", then=lambda s: s["step"] == "text")
        kiosk.wait_step("text")
        # At the larger size the screens are what is checked, not the typing again.
        if not large:
            type_text(kiosk, language, TYPED[language])
        shot("06-text")
        kiosk.tap("done", then=lambda s: s["step"] == "message")
        kiosk.wait_step("message")
    kiosk.tap("callback", then=lambda s: s["step"] == "callback")
    kiosk.wait_step("callback")
    for key in "333" if large else "3331234567":
        kiosk.tap(f"kb:{key}")
    shot("07-callback")
    kiosk.tap("back", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    kiosk.tap("send", then=lambda s: s["step"] == "thanks")
    kiosk.wait_step("thanks")
    shot("08-thanks-promoter-link")
    kiosk.tap("thanks", then=lambda s: s["step"] == "start")


def walk_fitness(kiosk: Kiosk, language: str, shot, *, large: bool = False) -> None:
    """The NPS rating and the photo consent of the fitness club example."""
    dialog = load_dialog(EXAMPLES_DIR / "fitness_club.yaml")
    kiosk.wait_step("start")
    if large:
        larger_text(kiosk)
    kiosk.tap(f"language:{language}", then=lambda s: s["step"] == "rating")
    kiosk.wait_step("rating")
    shot("09-rating-nps")
    kiosk.tap("rating:3", then=lambda s: s["step"] == "choice")
    kiosk.wait_step("choice")
    kiosk.tap(f"topic:{dialog.topics[0].id}")
    if kiosk.state["step"] == "choice":
        kiosk.tap("next", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    kiosk.tap("send", then=lambda s: s["step"] == "photo_consent")
    kiosk.wait_step("photo_consent")
    shot("10-photo-consent")
    kiosk.tap("cancel", then=lambda s: s["step"] == "start")


def walk_operator(kiosk: Kiosk, shot) -> None:
    kiosk.wait_step("start")
    width = kiosk.xvfb.size[0]
    kiosk.press_at(width - 20, 20, hold_s=3.5)
    kiosk.wait_screen("pin")
    shot("11-operator-pin")
    kiosk.tap("cancel", then=lambda s: s["screen"] == "start")


def walk_cafe(kiosk: Kiosk, language: str, shot, example: str, *, large: bool = False) -> None:
    walk_restaurant(kiosk, language, shot, example, large=large)


#: Each example walked, and the examples whose screens show every shipped language.
WALKS = (
    ("restaurant", walk_restaurant),
    ("fitness_club", walk_fitness),
    ("cafe_europe", walk_cafe),
    ("cafe_world", walk_cafe),
)


#: The keyboards shown in ``keyboards/``: the text screen, and a long press open.
KEYBOARD_SHOTS = ("de", "fr", "pl", "el", "uk", "ar", "he")


def walk_keyboards(xvfb: Xvfb, work: Path, shot) -> None:
    """The text screen in KEYBOARD_SHOTS' languages, a long press open: ``shot(kiosk, language)``."""
    settings = write_settings(work, dialog_file(work / "dialog", list(KEYBOARD_SHOTS)))
    kiosk = Kiosk(xvfb, settings, work / "probe", log_path=work / "kiosk.log")
    try:
        for language in KEYBOARD_SHOTS:
            open_keyboard(kiosk, language)
            most = most_variants(language)
            if most:
                kiosk.open_variants(f"kb:{most}")
            shot(kiosk, language)
            if most:  # a tap outside the variants only closes them
                kiosk.tap(f"kb:{most}", then=lambda s: not has_variants(s))
            kiosk.tap("cancel", then=lambda s: s["step"] == "start")
    finally:
        kiosk.stop()


#: Appended to a screen's name in the walk with larger text (A+).
LARGE_SUFFIX = "-large"


def walk_everything(
    xvfb: Xvfb,
    work: Path,
    visit,
    *,
    large_too: bool = False,
    normal: bool = True,
    examples: tuple[str, ...] | None = None,
) -> None:
    """Starts the app on each example and walks every screen in every language.

    ``visit(kiosk, language, name)`` is called on each screen (language None
    for the operator's). With ``large_too`` each language is walked a second
    time, on the same app, with A+ tapped first; those screens' names end in
    LARGE_SUFFIX. ``normal=False`` leaves out the walks at the normal size
    (and the operator's screens), for a test that checks only the larger text.
    ``examples`` walks only those (names as in WALKS).
    """
    for example, walk in WALKS:
        if examples is not None and example not in examples:
            continue
        settings = settings_file(work / example, example)
        kiosk = Kiosk(
            xvfb, settings, settings.parent / "probe", log_path=settings.parent / "kiosk.log"
        )
        languages = load_dialog(EXAMPLES_DIR / f"{example}.yaml").languages
        step = walk if walk is not walk_cafe else partial(walk_cafe, example=example)
        try:
            for language in languages:
                if normal:
                    step(kiosk, language, lambda name, lang=language, k=kiosk: visit(k, lang, name))
                if large_too:
                    step(
                        kiosk,
                        language,
                        lambda name, lang=language, k=kiosk: visit(k, lang, name + LARGE_SUFFIX),
                        large=True,
                    )
            if example == "restaurant" and normal:
                walk_operator(kiosk, lambda name, k=kiosk: visit(k, None, name))
        finally:
            kiosk.stop()


#: The screens shown with A+ (``large/``): a Latin, a Cyrillic, a Greek, an Arabic
#: and a Korean language, from the examples that have them.
LARGE_SHOTS = (("restaurant", ("it", "ru", "ko")), ("cafe_world", ("el", "ar")))


def walk_large(xvfb: Xvfb, work: Path, shot) -> None:
    """The visit's screens with A+ in LARGE_SHOTS' languages: ``shot(kiosk, language, name)``."""
    for example, languages in LARGE_SHOTS:
        settings = settings_file(work / example, example)
        kiosk = Kiosk(
            xvfb, settings, settings.parent / "probe", log_path=settings.parent / "kiosk.log"
        )
        try:
            for language in languages:
                walk_restaurant(
                    kiosk,
                    language,
                    lambda name, lang=language, k=kiosk: shot(k, lang, name),
                    example,
                    large=True,
                )
        finally:
            kiosk.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    # Only the folders written here: docs/screenshots also holds the manager's pages.
    for width, height in SIZES:
        shutil.rmtree(args.output / f"{width}x{height}", ignore_errors=True)
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        for width, height in SIZES:
            size_dir = args.output / f"{width}x{height}"
            xvfb = Xvfb(width, height)
            try:
                walk_everything(
                    xvfb,
                    work / f"{width}x{height}",
                    lambda kiosk, language, name, out=size_dir: kiosk.screenshot(
                        out / (language or "") / f"{name}.png"
                    ),
                )
                walk_large(
                    xvfb,
                    work / f"{width}x{height}" / "large",
                    lambda kiosk, language, name, out=size_dir / "large": kiosk.screenshot(
                        out / language / f"{name}.png"
                    ),
                )
                walk_keyboards(
                    xvfb,
                    work / f"{width}x{height}" / "keyboards",
                    lambda kiosk, name, folder=size_dir / "keyboards": kiosk.screenshot(
                        folder / f"{name}-text.png"
                    ),
                )
            finally:
                xvfb.close()
    print(f"screenshots written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
