"""The app's screens: one module and one kv file each, loaded when first shown.

A screen renders the flow's state in :meth:`KioskScreen.refresh` and
forwards taps to the app, which calls the flow and shows the next step.
"""

from __future__ import annotations

from kivy.app import App
from kivy.properties import ObjectProperty
from kivy.uix.screenmanager import Screen

from ..widgets import AccessBar


class KioskScreen(Screen):
    #: The running KioskApp (set when the screen is made).
    kiosk = ObjectProperty(None)
    #: A screen of the visit has the A+ and speaker buttons above its content;
    #: the operator's screens do not.
    has_access_bar = True

    def on_kv_post(self, base_widget) -> None:
        """Puts the access bar above what the screen's kv rule built, in one place for all.

        The rule's one child (the screen's layout) keeps the height below the bar.
        """
        super().on_kv_post(base_widget)
        if not self.has_access_bar or not self.children:
            return
        content = self.children[0]
        bar = AccessBar()
        content.size_hint_y = None
        if App.get_running_app().reach_top:
            # display.reach low: A+ and the speaker stand low too, under the screen.
            bar.pos_hint = {"x": 0, "y": 0}
            content.pos_hint = {"x": 0, "top": 1}
        else:
            content.pos_hint = {"x": 0, "y": 0}

        def fit(*_args) -> None:
            content.height = max(0, self.height - bar.height)

        self.bind(height=fit)
        bar.bind(height=fit)
        self.add_widget(bar)
        fit()

    def refresh(self) -> None:
        """Show the flow's current state; called whenever the screen is shown."""


def escape(text: str) -> str:
    """Text shown inside Kivy markup, with markup's own characters neutralised.

    A visitor's text can hold anything, including ``[b]``; it must show as typed.
    """
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")
