"""The app's screens: one module and one kv file each, loaded when first shown.

A screen renders the flow's state in :meth:`KioskScreen.refresh` and
forwards taps to the app, which calls the flow and shows the next step.
"""

from __future__ import annotations

from kivy.app import App
from kivy.properties import ObjectProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from ..widgets import AccessBar, HotCorner


class KioskScreen(Screen):
    #: The running KioskApp (set when the screen is made).
    kiosk = ObjectProperty(None)
    #: A screen of the visit has the A+ and speaker buttons above its content;
    #: the operator's screens do not.
    has_access_bar = True

    def on_kv_post(self, base_widget) -> None:
        """Puts the access bar above what the screen's kv rule built, in one place for all.

        The rule's one child (the screen's layout) keeps the height below the bar.
        With ``display.reach: low`` the bar stands low instead: in the gap of the
        screen's navigation bar (between Cancel and Next) where there is one, so
        that the screen's own layout keeps its height, else along the bottom.
        """
        super().on_kv_post(base_widget)
        if not self.has_access_bar or not self.children:
            return
        content = self.children[0]
        bar = AccessBar()
        if App.get_running_app().reach_top:
            gap = _navigation_gap(content)
            if gap is not None:
                self._float_in(bar, gap)
                return
            bar.pos_hint = {"x": 0, "y": 0}
            content.pos_hint = {"x": 0, "top": 1}
        else:
            content.pos_hint = {"x": 0, "y": 0}
        content.size_hint_y = None

        def fit(*_args) -> None:
            content.height = max(0, self.height - bar.height)

        self.bind(height=fit)
        bar.bind(height=fit)
        self.add_widget(bar)
        fit()

    def _float_in(self, bar: AccessBar, gap: Widget) -> None:
        """The bar's A+ and speaker buttons over ``gap``; its operator corner at the top right."""
        corner = next(child for child in bar.children if isinstance(child, HotCorner))
        buttons = [child for child in bar.children if isinstance(child, ButtonBehavior)]
        for child in list(bar.children):
            if child not in buttons:
                bar.remove_widget(child)
        bar.size_hint = (None, None)
        corner.size_hint = (None, None)
        # Placed by hand below: the screen's layout would follow a pos_hint instead.
        bar.pos_hint = {}

        def place(*_args) -> None:
            bar.width = sum(b.width for b in buttons) + bar.spacing + 2 * bar.padding[0]
            # A screen lays its children out in its own coordinates, as the gap's are.
            bar.center = gap.center
            corner.size = (corner.width, bar.height)
            corner.pos = (self.width - corner.width, self.height - corner.height)

        gap.bind(pos=place, size=place)
        bar.bind(height=place)
        self.bind(size=place, pos=place)
        for button in buttons:
            button.bind(width=place)
        self.add_widget(bar)
        self.add_widget(corner)
        place()

    def refresh(self) -> None:
        """Show the flow's current state; called whenever the screen is shown."""


def _navigation_gap(content: Widget) -> Widget | None:
    """The plain spacer in the screen's navigation bar, if the screen has one."""
    for widget in content.walk(restrict=True):
        if type(widget).__name__ == "NavigationBar":
            return next((c for c in widget.children if type(c) is Widget), None)
    return None


def escape(text: str) -> str:
    """Text shown inside Kivy markup, with markup's own characters neutralised.

    A visitor's text can hold anything, including ``[b]``; it must show as typed.
    """
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")
