"""The classic terminal's dialog: topics in one row, categories and details in two columns.

Tapping a topic shows its categories; tapping a category shows its
details; tapping a leaf, or "Next" at any level, finishes the choice.
"""

from __future__ import annotations

from dialog_config import Node

from kivy.core.text import Label as CoreLabel

from ..theme import FONT_BUTTON, INK, NEUTRAL, SURFACE, TOPIC, TOPIC_INK, hex_color
from ..widgets import BUTTON_TEXT_MARGIN, KioskButton
from . import KioskScreen

#: Below this a topic's label is too small to read at arm's length.
MIN_TOPIC_FONT = 14


def row_padding(scale: float) -> float:
    return 24 * scale


def word_width(word: str, font_size: float) -> float:
    """The width of ``word`` in bold at ``font_size``, as the button will draw it."""
    label = CoreLabel(text=word, font_size=font_size, bold=True)
    return label.get_extents(word)[0]


class ChoiceScreen(KioskScreen):
    def refresh(self) -> None:
        flow = self.kiosk.flow
        path = flow.visit.path
        self._fill_topics(flow.dialog.topics, path[0] if path else None)
        categories, details = flow.columns()
        self._fill_column(self.ids.categories, categories, 2, path[1] if len(path) > 1 else None)
        self._fill_column(self.ids.details, details, 3, path[2] if len(path) > 2 else None)
        self.ids.categories_heading.text = self.kiosk.text("category_prompt") if categories else ""
        self.ids.details_heading.text = self.kiosk.text("detail_prompt") if details else ""
        self.ids.prompt.text = self.kiosk.text("topic_prompt")
        self.ids.next.disabled = not path
        self.ids.next.opacity = 1 if path else 0.4

    def on_size(self, *_args) -> None:
        if self.kiosk is not None and self.ids.topics.children:
            self.refresh()

    def _fill_topics(self, topics, chosen: Node | None) -> None:
        row = self.ids.topics
        row.clear_widgets()
        font_scale = self._topic_font_scale([self.kiosk.label(t.label) for t in topics])
        for topic in topics:
            color = hex_color(topic.style.color) if topic.style.color else TOPIC
            ink = hex_color(topic.style.text_color) if topic.style.text_color else TOPIC_INK
            dimmed = chosen is not None and chosen.id != topic.id
            button = KioskButton(text=self.kiosk.label(topic.label), key=f"topic:{topic.id}",
                                 bg_color=color[:3] + [0.45 if dimmed else 1.0], color=ink,
                                 selected=chosen is not None and chosen.id == topic.id,
                                 bold=True, font_scale=font_scale)
            button.bind(on_release=lambda _b, node=topic: self.kiosk.act(
                self.kiosk.flow.choose, 1, node.id))
            row.add_widget(button)

    def _topic_font_scale(self, texts: list[str]) -> float:
        """One font scale for the whole row, small enough that no word is broken.

        Up to ten topics share one row; a long word in a narrow button would
        otherwise be cut in the middle ("Complimen-ti").
        """
        scale = self.kiosk.scale
        row = self.ids.topics
        count = max(1, len(texts))
        width = (self.width - 2 * row_padding(scale) - row.spacing * (count - 1)) / count
        room = width - 2 * BUTTON_TEXT_MARGIN * scale
        base = FONT_BUTTON * scale
        widest = max((word_width(word, base) for text in texts for word in text.split()),
                     default=0)
        size = base if widest <= room else base * room / widest
        return max(size, MIN_TOPIC_FONT * scale) / base

    def _fill_column(self, column, nodes, level: int, chosen: Node | None) -> None:
        column.clear_widgets()
        for node in nodes:
            style_color = hex_color(node.style.color) if node.style.color else None
            button = KioskButton(
                text=self.kiosk.label(node.label) + ("" if node.is_leaf else "  ›"),
                key=f"{'category' if level == 2 else 'detail'}:{node.id}",
                bg_color=style_color or (SURFACE if chosen is None or chosen.id != node.id
                                         else NEUTRAL),
                color=hex_color(node.style.text_color) if node.style.text_color else INK,
                selected=chosen is not None and chosen.id == node.id,
                size_hint_y=None, height=self.ids.categories_scroll.row_height)
            button.bind(on_release=lambda _b, n=node, lv=level: self.kiosk.act(
                self.kiosk.flow.choose, lv, n.id))
            column.add_widget(button)


SCREEN_CLASS = ChoiceScreen
