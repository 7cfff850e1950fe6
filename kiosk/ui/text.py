"""Every label draws: a font per text, HarfBuzz told the direction and script.

Kivy's SDL2 text provider draws a label with the one font its ``font_name``
names and shapes it as left-to-right Latin. The classes here replace Kivy's
core label classes (for plain and markup labels, and text fields) once the app starts: for a
label in the kiosk's font family they pick the face that draws the label's
text (:func:`kiosk.fonts.face_for`), pass ``font_direction`` and
``font_script_name`` to SDL2_ttf's HarfBuzz shaping (Arabic joins, Hebrew runs
right to left), and reorder digits and Latin words in a right-to-left line
(:func:`kiosk.fonts.visual_text`). A label with another font keeps it.
"""

from __future__ import annotations

import re

from kivy.core.text import DEFAULT_FONT, FONT_BOLD, FONT_REGULAR, LabelBase
from kivy.core.text import Label as ProviderLabel
from kivy.core.text.markup import MarkupLabel
from kivy.core.text.text_sdl2 import LabelSDL2, _SurfaceContainer

from .. import fonts

#: A Kivy markup tag: [b], [/color], [color=#ff0000], [ref=x].
MARKUP_TAG = re.compile(r"\[/?[a-z_]+(=[^\]]*)?\]")
#: The registered family the screens use; see KioskApp._register_fonts.
FAMILY = "KioskSans"


class _FontChoice:
    """Mixin for a core label class: resolves the face, direction and script from the text."""

    #: The visitor's language: it decides which face a screen tries first.
    language = "en"

    def resolve_font_name(self):
        super().resolve_font_name()
        options = self.options
        if options["font_name"] not in (FAMILY, DEFAULT_FONT):
            return
        text = self._plain_text()
        face = fonts.face_for(text, self.language)
        if face is None or face.name not in LabelBase._fonts:
            return
        weight = FONT_BOLD if options["bold"] else FONT_REGULAR
        options["font_name_r"] = LabelBase._fonts[face.name][int(options["italic"]) | weight]
        options["font_direction"] = fonts.direction_of(text)
        options["font_script_name"] = fonts.script_of(text)

    def _plain_text(self) -> str:
        return self.text or ""

    def _get_font_id(self):
        # SDL2_ttf keeps the direction and script with the opened font: one per combination.
        options = self.options
        return "|".join(
            (super()._get_font_id(), options["font_direction"], options["font_script_name"])
        )

    def _render_text(self, text, x, y):
        super()._render_text(fonts.visual_text(text, self.options["font_direction"]), x, y)

    def get_extents(self, text):
        # Kivy's SDL2 provider hands SDL2_ttf the direction and script when it
        # renders, not when it measures: measured right after left-to-right
        # text, an Arabic line came out a third wider than it draws, and a
        # centred question stood left of centre. Rendering a space first puts the
        # font in this label's direction for the measurement.
        if self.options["font_direction"] == "rtl" and isinstance(self, LabelSDL2):
            _SurfaceContainer(1, 1).render(self, " ", 0, 0)
        return super().get_extents(fonts.visual_text(text, self.options["font_direction"]))


class KioskLabel(_FontChoice, ProviderLabel):
    pass


class KioskMarkupLabel(_FontChoice, MarkupLabel):
    def _plain_text(self) -> str:
        # "[color=#667085]השם[/color]": the tags are no text; their Latin letters
        # would make a Hebrew hint look left to right.
        return MARKUP_TAG.sub("", self.text or "")


def install(faces: tuple[fonts.Face, ...]) -> None:
    """Registers each face as a family and makes Kivy's labels use the classes above.

    Called once when the app builds, before any label exists (never at import).
    """
    import kivy.uix.label
    import kivy.uix.textinput

    for face in faces:
        LabelBase.register(face.name, fn_regular=str(face.regular), fn_bold=str(face.bold))
    kivy.uix.label.CoreLabel = KioskLabel
    kivy.uix.label.CoreMarkupLabel = KioskMarkupLabel
    # Text fields draw their lines and hints with the same core label.
    kivy.uix.textinput.Label = KioskLabel


def set_language(language: str) -> None:
    """The visitor's language, for the labels drawn from now on."""
    _FontChoice.language = language
