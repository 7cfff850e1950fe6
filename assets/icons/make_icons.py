"""Renders the example dialogs' icons from Material Symbols to PNG.

Kivy cannot draw SVG well, so the icons are committed as PNGs: white symbols
on a transparent background, which the terminal draws in each button's text
colour. Regenerate them (after changing ICONS or VERSION) from the
repository's root with

    apt-get install -y --no-install-recommends npm librsvg2-bin
    python3 assets/icons/make_icons.py

It fetches the pinned npm package with ``npm pack`` (npm checks the
tarball's integrity), renders each chosen SVG with ``rsvg-convert`` and
writes ``dialog_config/examples/icons/<name>.png`` plus the set's LICENSE.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@material-symbols/svg-400"
VERSION = "0.48.2"
#: The style folder of the package: rounded corners suit a friendly terminal.
STYLE = "rounded"
#: Pixels per side: about 2.5 times the largest size a button draws an icon
#: at on a 1280×800 screen, so the terminal only ever scales it down.
SIZE_PX = 128
#: The symbols the examples use (their names in the set).
ICONS = (
    # restaurant: the topics
    "menu_book",
    "restaurant",
    "person_apron",
    "cleaning_services",
    "payments",
    "favorite",
    # restaurant: the food quality categories
    "eco",
    "soup_kitchen",
    "room_service",
    "cake",
    "local_cafe",
    # clinic: the topics
    "event",
    "stethoscope",
    "vaccines",
    "support_agent",
    "clean_hands",
    "receipt_long",
    "help",
)
ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "dialog_config" / "examples" / "icons"


def main() -> int:
    for tool, package in (("npm", "npm"), ("rsvg-convert", "librsvg2-bin")):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: apt-get install {package}", file=sys.stderr)
            return 1
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        subprocess.run(
            ["npm", "pack", "--silent", f"{PACKAGE}@{VERSION}"],
            cwd=work,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (tarball,) = work.glob("*.tgz")
        with tarfile.open(tarball) as archive:
            archive.extractall(work, filter="data")
        source = work / "package"
        for name in ICONS:
            svg = (source / STYLE / f"{name}.svg").read_text(encoding="utf-8")
            # The set's paths take the <svg> element's fill: white, so the
            # terminal can tint the symbol with any colour.
            white = work / f"{name}.svg"
            white.write_text(svg.replace("<svg ", '<svg fill="#FFFFFF" ', 1), encoding="utf-8")
            subprocess.run(
                [
                    "rsvg-convert",
                    "--width",
                    str(SIZE_PX),
                    "--height",
                    str(SIZE_PX),
                    "--output",
                    str(OUTPUT / f"{name}.png"),
                    str(white),
                ],
                check=True,
            )
        shutil.copyfile(source / "LICENSE", OUTPUT / "LICENSE")
    print(f"{len(ICONS)} icons of {PACKAGE} {VERSION} ({STYLE}) written to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
