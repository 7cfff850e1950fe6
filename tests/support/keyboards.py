"""Keyboards in the real app: a dialog in the languages to try, and the way to the keyboard."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kiosk.keyboard import (
    FIELD_LAYOUTS,
    Key,
    KeyAction,
    Layout,
    available_layouts,
    layout_name_for_language,
    load_layout,
)
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


def plan(layout: Layout) -> dict[str, tuple[str, Key, bool, str]]:
    """How to type each character: (layer, key, shift, variant or '')."""
    ways: dict[str, tuple[str, Key, bool, str]] = {}
    for layer in layout.layers:
        for row in layer.rows:
            for key in row:
                if key.action is not KeyAction.TYPE:
                    continue
                ways.setdefault(key.text, (layer.name, key, False, ""))
                ways.setdefault(key.shifted_text, (layer.name, key, True, ""))
                for variant in key.variants:
                    ways.setdefault(variant, (layer.name, key, False, variant))
                for variant in key.shifted_variants:
                    ways.setdefault(variant, (layer.name, key, True, variant))
    return ways


#: A tap on a key (by its text, or ``"shift"``), or a long press and the variant chosen.
Press = str | tuple[str, str]


def key_presses(language: str, text: str) -> list[Press]:
    """The keys a visitor presses to type ``text`` on the first layer of ``language``'s
    layout: shift before a capital, a long press for a letter a key offers as a variant.
    A character that layer cannot type raises ValueError naming it."""
    layout = load_layout(layout_name_for_language(language) or "")
    first = layout.layers[0]
    ways = plan(dataclasses.replace(layout, layers=(first,)))
    space = next(
        (key.text for row in first.rows for key in row if key.action is KeyAction.SPACE), None
    )
    presses: list[Press] = []
    for char in text:
        if char == " " and space is not None:
            presses.append(space)
            continue
        if char not in ways:
            raise ValueError(
                f"{language}: the first layer of the {layout.name} keyboard cannot type "
                f"{char!r} (U+{ord(char):04X})"
            )
        _layer, key, shift, variant = ways[char]
        if shift:
            presses.append("shift")
        presses.append((key.text, variant) if variant else key.text)
    return presses
