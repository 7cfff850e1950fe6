"""A visitor's whole journey through the real app, for every example and language."""

from __future__ import annotations

import pytest

from dialog_config import EXAMPLES_DIR, load_dialog
from sync.outbox import Outbox

#: Keys typed in each language, and the text they make (Korean composes 한).
TYPING = {
    "en": (["o", "k"], "ok"),
    "ru": (["д", "а"], "да"),
    "it": (["s", "ì"], "sì"),
    "ko": (["ㅎ", "ㅏ", "ㄴ"], "한"),
}
EXAMPLES = ["restaurant", "fitness_club", "retail_store", "clinic"]


def deepest_path(dialog):
    return max(dialog.walk(), key=len)


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_screen_in_every_language_lands_in_the_outbox(start_kiosk, example):
    dialog = load_dialog(EXAMPLES_DIR / f"{example}.yaml")
    kiosk = start_kiosk(example)
    path = deepest_path(dialog)
    for language in dialog.languages:
        kiosk.wait_step("start")
        kiosk.tap(f"language:{language}", then=lambda s: s["step"] != "start")
        if dialog.rating:
            kiosk.wait_step("rating")
            top = max(dialog.rating.values)
            kiosk.tap(f"rating:{top}", then=lambda s: s["step"] == "choice")
        kiosk.wait_step("choice")
        for level, node in enumerate(path, start=1):
            prefix = ("topic", "category", "detail")[level - 1]
            kiosk.wait(
                lambda s, k=f"{prefix}:{node.id}": any(b["key"] == k for b in s["buttons"]),
                what=f"{prefix} {node.id}",
            )
            kiosk.tap(f"{prefix}:{node.id}")
        if kiosk.state["step"] == "choice":
            kiosk.tap("next", then=lambda s: s["step"] == "message")
        kiosk.wait_step("message")
        keys, typed = TYPING[language]
        offered = {b["key"] for b in kiosk.state["buttons"] if not b["disabled"]}
        if "text" in offered:
            kiosk.tap("text", then=lambda s: s["step"] == "text")
            kiosk.wait_step("text")
            for key in keys:
                kiosk.tap(f"kb:{key}")
            kiosk.tap("done", then=lambda s: s["step"] == "message")
            kiosk.wait_step("message")
        kiosk.tap("send", then=lambda s: s["step"] in ("thanks", "photo_consent"))
        if kiosk.state["step"] == "photo_consent":
            kiosk.wait_step("photo_consent")
            kiosk.tap("photo:yes", then=lambda s: s["step"] == "thanks")
        kiosk.wait_step("thanks")
        kiosk.tap("thanks", then=lambda s: s["step"] == "start")

    data_dir = kiosk.probe_dir.parent / "data"
    kiosk.wait(lambda s: True)
    assert kiosk.stop() == 0
    with Outbox(data_dir, recover=False) as box:
        messages = list(box.messages())
    assert [m["locale"] for m in messages] == list(dialog.languages)
    for message in messages:
        assert [item["id"] for item in message["path"]] == [n.id for n in path]
        assert message["path"][0]["label"] == path[0].label.default
        if path[-1].message.text:
            assert message["text"] == TYPING[message["locale"]][1]
        if dialog.rating:
            assert message["rating"]["value"] == max(dialog.rating.values)
        assert message["photo"] is None  # this terminal has no camera
