"""Icons on the choice screen: drawn beside or above each label, in the text's colour, sharp.

The screenshot is compared with the icon file itself, scaled down to the box
the probe reports: the right symbol, at the right place, in the right colour
and not blurred by upscaling.
"""

from __future__ import annotations

import shutil
import textwrap

import cv2
import numpy as np
import pytest

from dialog_config import EXAMPLES_DIR, load_dialog
from kiosk.ui.theme import INK, hex_color
from support.harness import Kiosk, Xvfb, write_settings

SMALL = (800, 480)
#: The least correlation between the screen and the icon file scaled down to
#: the reported box: room for mipmap filtering, above what a symbol drawn one
#: pixel off, blurred or in another colour gives.
MIN_MATCH = 0.98
#: The smallest icon a visitor still recognises at arm's length (pixels).
MIN_ICON_PX = 24


@pytest.fixture(scope="module")
def small_xvfb():
    server = Xvfb(*SMALL)
    yield server
    server.close()


def open_choice(kiosk: Kiosk, language: str, dialog) -> None:
    kiosk.wait_step("start")
    kiosk.tap(f"language:{language}", then=lambda s: s["step"] != "start")
    if dialog.rating:
        kiosk.wait_step("rating")
        kiosk.tap(f"rating:{max(dialog.rating.values)}", then=lambda s: s["step"] == "choice")
    kiosk.wait_step("choice")


def rgb255(color) -> np.ndarray:
    return np.array([round(c * 255) for c in color[:3]], dtype=float)


def icon_match(screenshot: np.ndarray, icon: dict, ink, offset: tuple[int, int] = (0, 0)) -> float:
    """How well the screen's icon box matches the icon file drawn there in ``ink``: 1 is exact.

    The screen's pixels are read back as coverage between the button's
    colour (from the box's own transparent pixels, so it holds for any
    button, dimmed or not) and ``ink``, and correlated with the file's alpha
    scaled down to the box.
    """
    x, y = icon["x"] + offset[0], icon["y"] + offset[1]
    width, height = icon["width"], icon["height"]
    shown = screenshot[y : y + height, x : x + width, ::-1].astype(float)  # BGR → RGB
    image = cv2.imread(icon["source"], cv2.IMREAD_UNCHANGED)
    alpha = cv2.resize(image[:, :, 3], (width, height), interpolation=cv2.INTER_AREA) / 255.0
    background = np.median(shown[alpha == 0], axis=0)
    toward_ink = rgb255(ink) - background
    coverage = (shown - background) @ toward_ink / float(toward_ink @ toward_ink)
    return float(np.corrcoef(coverage.ravel(), alpha.ravel())[0, 1])


def check_icons(
    kiosk: Kiosk,
    buttons: list[dict],
    screenshot,
    nodes,
    min_compared: int,
    dimmed: frozenset[str] = frozenset(),
) -> list[str]:
    """What is wrong with the buttons' icons; at least ``min_compared`` must be whole in view.

    ``dimmed``: the keys of topics shown dimmed beside the chosen one, whose label
    colour may differ from their style's to stay readable.
    """
    problems = []
    checked: list[str] = []
    for button in buttons:
        node = nodes[button["key"]]
        where = f"{button['key']} at {kiosk.xvfb.size}"
        icon = button["icon"]
        if icon is None:
            problems.append(f"{where}: no icon drawn")
            continue
        assert icon["source"] == str(node.style.icon), where
        inside = (
            button["x"] <= icon["x"]
            and icon["x"] + icon["width"] <= button["x"] + button["width"]
            and button["y"] <= icon["y"]
            and icon["y"] + icon["height"] <= button["y"] + button["height"]
        )
        if not inside:
            problems.append(f"{where}: the icon {icon} is not inside the button {button}")
        if not MIN_ICON_PX <= icon["height"] <= icon["file_size"][1]:
            problems.append(
                f"{where}: the icon is {icon['height']} px high "
                f"(its file {icon['file_size'][1]} px): too small, or upscaled"
            )
        if icon["texture"] != [icon["width"], icon["height"]]:
            problems.append(
                f"{where}: a texture of {icon['texture']} is stretched "
                f"to {icon['width']}×{icon['height']} px"
            )
        if not icon["tinted"]:
            problems.append(f"{where}: the white symbol is not drawn in the text's colour")
        # Drawn in its label's colour, which a topic dimmed beside the chosen one
        # may change to stay readable.
        ink = button["color"]
        styled = hex_color(node.style.text_color)[:3] if node.style.text_color else None
        if (
            styled
            and button["key"] not in dimmed
            and max(map(abs, np.subtract(ink, styled))) > 0.01
        ):
            problems.append(f"{where}: the label is {ink}, not its style's {node.style.text_color}")
        if icon["clipped"]:
            continue  # half hidden by the column's edge: nothing whole to compare
        checked.append(button["key"])
        match = icon_match(screenshot, icon, ink)
        if match < MIN_MATCH:
            problems.append(f"{where}: the screen matches the icon to {match:.2f} only")
        if not button["words_fit"]:
            problems.append(f"{where}: the text beside the icon breaks a word")
    if len(checked) < min_compared:
        problems.append(f"only {checked} could be compared with their files")
    return problems


def walk_and_check(
    kiosk: Kiosk, dialog, languages, tmp_path, *, categories_in_view: int = 3
) -> list[str]:
    nodes = {f"topic:{t.id}": t for t in dialog.topics}
    problems = []
    for language in languages:
        open_choice(kiosk, language, dialog)
        topic = next(t for t in dialog.topics if any(c.style.icon for c in t.children))
        kiosk.tap(
            f"topic:{topic.id}",
            then=lambda s: any(b["key"].startswith("category:") for b in s["buttons"]),
        )
        state = kiosk.wait(lambda s: True)
        nodes.update({f"category:{c.id}": c for c in topic.children})
        shot = cv2.imread(str(kiosk.screenshot(tmp_path / f"{language}.png")))
        buttons = [b for b in state["buttons"] if b["key"] in nodes]
        shown = len(dialog.topics) + categories_in_view
        assert len(buttons) >= shown, [b["key"] for b in state["buttons"]]
        # Every topic, and the categories whole in view (all but the last, cut by the edge).
        dimmed = frozenset(f"topic:{t.id}" for t in dialog.topics if t is not topic)
        problems += check_icons(kiosk, buttons, shot, nodes, shown - 1, dimmed)
        topics = [b["icon"] for b in buttons if b["key"].startswith("topic:")]
        # One row, one look: the icons line up and have one size.
        if len({(i["y"], i["height"], i["above"]) for i in topics if i}) != 1:
            problems.append(f"{language}: the topics' icons do not line up: {topics}")
        kiosk.tap("cancel", then=lambda s: s["step"] == "start")
    return problems


def test_the_restaurant_draws_its_icons_at_1280x800(start_kiosk, tmp_path):
    dialog = load_dialog(EXAMPLES_DIR / "restaurant.yaml")
    kiosk = start_kiosk("restaurant")
    problems = walk_and_check(kiosk, dialog, dialog.languages, tmp_path)
    assert not problems, "\n".join(problems)


def test_the_restaurant_draws_its_icons_at_800x480(small_xvfb, tmp_path):
    dialog = load_dialog(EXAMPLES_DIR / "restaurant.yaml")
    settings = write_settings(tmp_path / "run", EXAMPLES_DIR / "restaurant.yaml")
    kiosk = Kiosk(
        small_xvfb, settings, settings.parent / "probe", log_path=settings.parent / "kiosk.log"
    )
    try:
        # Below the A+ and speaker bar, a 480 px high screen has room for one whole
        # category and the top of the next: the column visibly scrolls.
        problems = walk_and_check(kiosk, dialog, dialog.languages, tmp_path, categories_in_view=2)
    finally:
        kiosk.stop()
    assert not problems, "\n".join(problems)


def test_the_comparison_sees_an_icon_drawn_one_pixel_off(start_kiosk, tmp_path):
    """The check above is sharp enough to fail on a misplaced or wrongly coloured icon."""
    dialog = load_dialog(EXAMPLES_DIR / "restaurant.yaml")
    kiosk = start_kiosk("restaurant")
    open_choice(kiosk, "en", dialog)
    shot = cv2.imread(str(kiosk.screenshot(tmp_path / "topics.png")))
    icon = kiosk.button("topic:praise")["icon"]
    white = hex_color("#FFFFFF")
    assert icon_match(shot, icon, white) >= MIN_MATCH
    assert icon_match(shot, icon, white, offset=(1, 0)) < MIN_MATCH
    assert icon_match(shot, icon, white, offset=(0, 1)) < MIN_MATCH
    assert icon_match(shot, icon, INK) < MIN_MATCH


def test_the_clinic_draws_white_symbols_in_its_dark_text_colours(start_kiosk, tmp_path):
    dialog = load_dialog(EXAMPLES_DIR / "clinic.yaml")
    kiosk = start_kiosk("clinic")
    open_choice(kiosk, "en", dialog)
    shot = cv2.imread(str(kiosk.screenshot(tmp_path / "clinic.png")))
    nodes = {f"topic:{t.id}": t for t in dialog.topics}
    buttons = [b for b in kiosk.state["buttons"] if b["key"] in nodes]
    assert len(buttons) == len(dialog.topics)
    problems = check_icons(kiosk, buttons, shot, nodes, len(dialog.topics))
    assert not problems, "\n".join(problems)


def test_an_icon_gone_after_the_dialog_was_loaded_leaves_its_button_without_one(
    start_kiosk, tmp_path
):
    folder = tmp_path / "dialog"
    (folder / "icons").mkdir(parents=True)
    shutil.copyfile(EXAMPLES_DIR / "icons" / "favorite.png", folder / "icons" / "kept.png")
    shutil.copyfile(EXAMPLES_DIR / "icons" / "favorite.png", folder / "icons" / "gone.png")
    path = folder / "dialog.yaml"
    path.write_text(
        textwrap.dedent("""\
        version: 1
        languages: [en]
        topics:
          - id: kept
            label: "Kept"
            style: {icon: icons/kept.png}
          - id: gone
            label: "Gone"
            style: {icon: icons/gone.png}
    """),
        encoding="utf-8",
    )
    dialog = load_dialog(path)
    kiosk = start_kiosk(path)
    # As retention or a hand might remove it while the terminal runs.
    (folder / "icons" / "gone.png").unlink()
    open_choice(kiosk, "en", dialog)
    assert kiosk.button("topic:gone")["icon"] is None
    assert kiosk.button("topic:kept")["icon"]["source"] == str(folder / "icons" / "kept.png")
    assert "gone.png cannot be read" in kiosk.log_text()
    kiosk.tap("topic:gone", then=lambda s: s["step"] == "message")
    assert kiosk.alive()
