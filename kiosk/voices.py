"""Which languages espeak-ng can speak on this machine (plain Python, no device).

``kiosk validate`` and ``kiosk doctor`` ask it about a dialog's languages;
the speaker (:mod:`kiosk.devices.speech`) picks its voice with it.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterable

log = logging.getLogger(__name__)

ESPEAK = "espeak-ng"
ESPEAK_PACKAGE = "espeak-ng"
#: How long ``espeak-ng --voices`` may take before the terminal counts it as mute.
LIST_TIMEOUT_S = 10.0


def parse_voices(listing: str) -> frozenset[str]:
    """The language codes in ``espeak-ng --voices`` output (``en-gb``, ``el``...), lower case."""
    codes = set()
    for line in listing.splitlines()[1:]:  # the first line names the columns
        fields = line.split()
        if len(fields) >= 2:
            codes.add(fields[1].lower())
    return frozenset(codes)


def voice_for(language: str, voices: Iterable[str]) -> str | None:
    """The espeak-ng voice that speaks ``language`` (a dialog's code), or None.

    ``pt-BR`` takes the voice ``pt-br``, and else ``pt``; ``nb`` takes
    ``nb``; an English without a region takes the first English voice.
    """
    voices = set(voices)
    code = language.replace("_", "-").lower()
    primary = code.split("-")[0]
    for candidate in (code, primary):
        if candidate in voices:
            return candidate
    regional = sorted(v for v in voices if v.split("-")[0] == primary)
    return regional[0] if regional else None


def installed_voices(program: str = ESPEAK) -> frozenset[str] | None:
    """The language codes espeak-ng has voices for; None when it is not installed."""
    path = shutil.which(program)
    if path is None:
        return None
    try:
        listing = subprocess.run(
            [path, "--voices"], capture_output=True, text=True, timeout=LIST_TIMEOUT_S, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("%s --voices failed (%s); spoken prompts are off", program, exc)
        return None
    return parse_voices(listing)
