"""What the terminal can do for each language of a dialog, and what a visitor would lack.

``kiosk validate`` adds these problems to the dialog format's own: a
language the terminal serves only in part is a warning that says what a
visitor in it will miss; a text no font can draw is an error, because the
button would show blank space. The app asks :func:`has_keyboard` to hide
the text message where there is no keyboard to type it with.

Plain Python, no Kivy.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from babel import Locale, UnknownLocaleError

from dialog_config import Dialog
from dialog_config.positioned_yaml import Problem, TreePath, parse
from dialog_config.texts import SCREEN_TEXTS

from . import fonts
from .i18n import APP_STRINGS, SOURCE_LANGUAGE, translations
from .keyboard import layout_name_for_language
from .voices import installed_voices, voice_for

#: A code that names no language: what a language without a layout of its own gets.
_NO_LANGUAGE = "zxx"


def _primary(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def has_keyboard(language: str) -> bool:
    """Whether the terminal has a keyboard for ``language`` (its own layout, not a stand-in).

    :func:`kiosk.keyboard.layout_name_for_language` names the layout; the
    one it gives a code that names no language is the stand-in (or None).
    """
    name = layout_name_for_language(language)
    if name is None:
        return False
    return name != layout_name_for_language(_NO_LANGUAGE) or _primary(name) == _primary(language)


def is_known_language(language: str) -> bool:
    """Whether CLDR (through Babel) knows the code, so its name and rules exist."""
    try:
        Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True


def has_catalog(language: str) -> bool:
    return _primary(language) == SOURCE_LANGUAGE or bool(translations(language))


def language_warnings(dialog: Dialog) -> list[str]:
    """One sentence per thing a visitor in one of the dialog's languages will lack.

    Spoken prompts are checked against the espeak-ng of this machine; without
    espeak-ng (a laptop checking a file) they are not judged.
    """
    voices = installed_voices()
    warnings = []
    for code in dialog.languages:
        if not is_known_language(code):
            warnings.append(
                f"{code}: not a language code CLDR knows; its button reads “{code}” and the "
                "terminal's texts stay English: use a code such as de, pt-BR or zh-Hant"
            )
        elif not has_catalog(code):
            missing = [
                name
                for name in SCREEN_TEXTS
                if name not in dialog.texts or code not in dialog.texts[name].texts
            ]
            if missing:
                warnings.append(
                    f"{code}: the terminal has no texts in this language; these show in "
                    f"English unless `texts:` gives them: {', '.join(missing)}; and "
                    f"{len(APP_STRINGS)} words of the terminal's own (Next, Skip, Excellent…)"
                )
        if not has_keyboard(code):
            warnings.append(
                f"{code}: no keyboard; the text message is hidden for {code}, "
                "voice and callback remain"
            )
        if voices is not None and voice_for(code, voices) is None:
            warnings.append(
                f"{code}: espeak-ng has no voice for it; a visitor in {code} who turns "
                "speech on hears nothing (`espeak-ng --voices` lists the voices)"
            )
    return warnings


def _strings(value: Any, path: TreePath) -> Iterator[tuple[TreePath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))


def font_errors(data: bytes | str, file: str) -> list[Problem]:
    """An error for each text of the file holding a character no font of this terminal draws."""
    document = parse(data, file)
    problems = []
    for path, text in _strings(document.data, ()):
        missing = fonts.undrawable_characters(text)
        if not missing:
            continue
        names = ", ".join(
            f"{char} (U+{ord(char):04X} {unicodedata.name(char, 'unnamed')})" for char in missing
        )
        packages = sorted({p for char in missing if (p := fonts.missing_package(char))})
        fix = (
            f"install {', '.join(packages)} on the terminal (see assets/fonts/README.md)"
            if packages
            else "use another character, or an icon (style.icon) for a symbol"
        )
        problems.append(
            document.problem(
                path,
                f"“{text}” holds {names}, which no font on this terminal draws: the "
                f"screen would show blank space; {fix}",
            )
        )
    return problems


def language_problems(data: bytes | str, file: str, dialog: Dialog) -> list[Problem]:
    """The warnings of :func:`language_warnings`, placed at the dialog's ``languages:``."""
    document = parse(data, file)
    problems = []
    for message in language_warnings(dialog):
        code = message.split(":", 1)[0]
        path: TreePath = ("languages",)
        if code in dialog.languages:
            path += (dialog.languages.index(code),)
        problems.append(document.problem(path, message, severity="warning"))
    return problems


def terminal_problems(data: bytes | str, file: str, dialog: Dialog | None) -> list[Problem]:
    """What this terminal, beyond the dialog format, cannot show: undrawable characters
    (errors) and languages it serves only in part (warnings). ``kiosk validate`` prints
    them and ``kiosk doctor`` shows them as its ``languages`` lines."""
    problems = font_errors(data, file)
    if dialog is not None:
        problems += language_problems(data, file, dialog)
    return problems
