"""A right-to-left line is measured as it is drawn, so that a centred question stands centred."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from support.harness import PROJECT_ROOT

#: Measures, in a process of its own (Kivy's text provider, no window), an Arabic
#: question right after a Latin one was drawn, as a screen does; prints the
#: width its layout measured (the texture's) and where its drawn pixels start and end.
MEASURE = """
import json
from kivy.core.text import DEFAULT_FONT, LabelBase
from kiosk import fonts
from kiosk.ui import text as label_text
from kiosk.ui.app import FONT_FILES, FONT_NAME
from kiosk.ui.design import ASSETS_DIR

regular, bold = (str(ASSETS_DIR / "fonts" / name) for name in FONT_FILES)
LabelBase.register(DEFAULT_FONT, fn_regular=regular, fn_bold=bold)
LabelBase.register(FONT_NAME, fn_regular=regular, fn_bold=bold)
label_text.install(fonts.faces())
found = {}
for line in ("How was your visit today?", "كيف كانت زيارتك اليوم؟"):
    label = label_text.KioskLabel(text=line, font_size=40, bold=True, font_name=FONT_NAME)
    label.refresh()
    texture = label.texture
    alpha = bytes(texture.pixels)[3::4]
    columns = [x for x in range(texture.width) if any(alpha[y * texture.width + x] for y in range(texture.height))]
    found[line] = [texture.width, columns[0], columns[-1]]
print(json.dumps(found))
"""


def test_an_arabic_line_measures_as_wide_as_it_draws():
    done = subprocess.run(
        [sys.executable, "-c", MEASURE],
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), KIVY_NO_ARGS="1"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    for line, (measured, first, last) in found.items():
        # The texture is as wide as the measurement; the ink fills it to a pixel or two.
        assert first <= 3 and measured - 3 <= last < measured, (line, measured, first, last)
