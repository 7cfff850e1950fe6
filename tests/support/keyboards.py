"""Keyboards in the real app: a dialog in the languages to try, and the way to the keyboard."""

from __future__ import annotations

from pathlib import Path

from kiosk.keyboard import FIELD_LAYOUTS, available_layouts, layout_name_for_language, load_layout
from support.harness import Kiosk

#: Every language with a keyboard, as a dialog names it.
KEYBOARD_LANGUAGES = [
    "pt-BR" if name == "pt-br" else name
    for name in available_layouts()
    if name not in FIELD_LAYOUTS
]


def dialog_file(directory: Path, languages: list[str]) -> Path:
    """A dialog in ``languages`` with one topic: the shortest way to the text message."""
    labels = ", ".join(f'{language}: "Topic {language}"' for language in languages)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "dialog.yaml"
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
    """From the start screen to the text message in ``language`` (a :func:`dialog_file` dialog)."""
    kiosk.wait_step("start")
    kiosk.tap(f"language:{language}", then=lambda s: s["step"] != "start")
    kiosk.wait_step("choice")
    kiosk.tap("topic:food", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    kiosk.tap("text", then=lambda s: s["step"] == "text")
    return kiosk.wait_step("text")


def most_variants(language: str) -> str | None:
    """The key of the language's layout with the most long-press variants, if any has one."""
    keys = [
        key
        for row in load_layout(layout_name_for_language(language) or "").layers[0].rows
        for key in row
        if key.variants
    ]
    return max(keys, key=lambda key: len(key.variants)).text if keys else None


def has_variants(state: dict) -> bool:
    """Whether a long press's variants are on screen."""
    return any(b["key"].startswith("kbv:") for b in state["buttons"])
