"""The examples' icons: real PNGs of Material Symbols that ship with the package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

from dialog_config import EXAMPLES_DIR, load_dialog

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ICONS_DIR = EXAMPLES_DIR / "icons"
#: What assets/icons/make_icons.py renders: big enough that a button only scales down.
ICON_SIZE_PX = 128


def example_icons() -> dict[str, set[Path]]:
    """The icon files each example uses, by example name."""
    used = {}
    for path in sorted(EXAMPLES_DIR.glob("*.yaml")):
        dialog = load_dialog(path)
        used[path.stem] = {
            node.style.icon for node in (nodes[-1] for nodes in dialog.walk()) if node.style.icon
        }
    return used


def test_the_restaurant_topics_have_icons_beside_the_example():
    dialog = load_dialog(EXAMPLES_DIR / "restaurant.yaml")
    for topic in dialog.topics:
        assert topic.style.icon is not None, f"topic {topic.id} has no icon"
        assert topic.style.icon.parent == ICONS_DIR


def test_every_icon_is_a_white_symbol_on_a_transparent_square_png():
    used = set().union(*example_icons().values())
    assert len(used) >= 6
    for path in sorted(used):
        assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), path
        image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        assert image is not None, f"{path} cannot be decoded"
        assert image.shape == (ICON_SIZE_PX, ICON_SIZE_PX, 4), f"{path}: {image.shape}"
        alpha = image[:, :, 3]
        ink = alpha >= 16
        # A symbol: some of the square drawn, most of it transparent.
        assert 0.05 < ink.mean() < 0.6, f"{path}: {ink.mean():.0%} of the pixels drawn"
        assert (alpha == 0).mean() > 0.3, path
        # White, so that the terminal can draw it in any button's text colour.
        assert np.all(image[:, :, :3][ink] >= 250), f"{path} is not white"


def test_every_icon_file_is_used_and_the_licence_is_beside_them():
    used = set().union(*example_icons().values())
    assert set(ICONS_DIR.glob("*.png")) == used
    licence = (ICONS_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in licence and "Version 2.0" in licence


def test_the_icons_and_their_licence_ship_in_the_package(tmp_path):
    # Built in a copy, so that no egg-info of an earlier build lists them.
    source = tmp_path / "source"
    shutil.copytree(
        PROJECT_ROOT / "dialog_config",
        source / "dialog_config",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copyfile(PROJECT_ROOT / name, source / name)
    built = tmp_path / "built"
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from setuptools import setup; setup()",
            "-q",
            "build_py",
            "--build-lib",
            str(built),
        ],
        cwd=source,
        check=True,
        capture_output=True,
        timeout=120,
    )
    shipped = built / "dialog_config" / "examples" / "icons"
    assert sorted(p.name for p in shipped.iterdir()) == sorted(
        p.name for p in ICONS_DIR.iterdir() if p.is_file()
    )
    assert any(shipped.glob("*.png"))
