"""The app's screens: one module and one kv file each, loaded when first shown.

A screen renders the flow's state in :meth:`KioskScreen.refresh` and
forwards taps to the app, which calls the flow and shows the next step.
"""

from __future__ import annotations

from kivy.properties import ObjectProperty
from kivy.uix.screenmanager import Screen


class KioskScreen(Screen):
    #: The running KioskApp (set when the screen is made).
    kiosk = ObjectProperty(None)

    def refresh(self) -> None:
        """Show the flow's current state; called whenever the screen is shown."""


def escape(text: str) -> str:
    """Text shown inside Kivy markup, with markup's own characters neutralised.

    A visitor's text can hold anything, including ``[b]``; it must show as typed.
    """
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")
