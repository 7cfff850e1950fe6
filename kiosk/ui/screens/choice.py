"""The classic terminal's dialog: topics in one row, categories and details in two columns.

Tapping a topic shows its categories; tapping a category shows its
details; tapping a leaf, or "Next" at any level, finishes the choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from kivy.properties import NumericProperty

from dialog_config import Node
from dialog_config.contrast import blend, readable_text

from ..text import KioskLabel as CoreLabel
from ..theme import (
    DIMMED_TOPIC_ALPHA,
    FONT_BUTTON,
    ICON_GAP,
    ICON_SHARE,
    INK,
    MIN_TOPIC_FONT,
    NEUTRAL,
    PALETTE,
    SURFACE,
    TOPIC_ROW_HEIGHT,
    hex_color,
)
from ..widgets import BUTTON_TEXT_MARGIN, Icon, KioskButton, load_icon
from . import KioskScreen

#: Beside an icon a topic's text keeps at least this share of its full size;
#: where it would have to be smaller, the icons stand above the text instead.
MIN_FONT_SCALE_BESIDE_ICON = 0.85
#: An icon above a topic's text, as a share of the row's design height.
ICON_ABOVE_SHARE = 0.36
#: Space above and below an icon and text stacked in a topic (design pixels).
STACK_MARGIN = 8
#: Spare width left to a text drawn as narrow as its widest line, against rounding (pixels).
WRAP_SLACK_PX = 2


@dataclass(frozen=True)
class TopicLayout:
    """How the row of topics is drawn: one font and one icon place for all."""

    font_scale: float
    icon_px: float
    icon_above: bool
    row_height: float
    #: Per topic, how far its icon moves in from the left so that icon and
    #: text stand together in the middle of the button.
    icon_offsets: tuple[float, ...] = ()
    #: With icons above: the height of icon and text, the tallest text's.
    stack_height: float = 0


def row_padding(scale: float) -> float:
    return 24 * scale


def word_width(word: str, font_size: float) -> float:
    """The width of ``word`` in bold at ``font_size``, as the button will draw it."""
    label = CoreLabel(text=word, font_size=font_size, bold=True)
    return label.get_extents(word)[0]


def wrapped_size(text: str, font_size: float, width: float) -> tuple[float, float]:
    """The width of the widest line and the height of ``text`` in bold at
    ``font_size`` wrapped to ``width``, as the button will lay it out."""
    label = CoreLabel(
        text=text, font_size=font_size, bold=True, text_size=(width, None), halign="center"
    )
    label.refresh()
    # The lines Kivy wrapped the text into; the texture itself is ``width`` wide.
    return max((line.w for line in label._cached_lines), default=0), label.texture.size[1]


class ChoiceScreen(KioskScreen):
    #: The height the row of topics needs (pixels); the kv row is never lower than its design.
    topic_row_height = NumericProperty(0)

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
        texts = [self.kiosk.label(t.label) for t in topics]
        icons = [load_icon(t.style.icon) if t.style.icon else None for t in topics]
        layout = self._topic_layout(texts, icons)
        self.topic_row_height = layout.row_height
        for index, (topic, text, icon) in enumerate(zip(topics, texts, icons, strict=True)):
            color = topic.style.color or PALETTE["TOPIC"]
            ink = topic.style.text_color or PALETTE["TOPIC_INK"]
            if chosen is not None and chosen.id != topic.id:
                # Dimmed, its label must still read (WCAG 1.4.3): a white label on a
                # dark topic gone pale turns dark.
                color = blend(color, DIMMED_TOPIC_ALPHA, PALETTE["BACKGROUND"])
                ink = readable_text(ink, color, (PALETTE["INK"], PALETTE["PRIMARY_INK"]))
            button = KioskButton(
                text=text,
                key=f"topic:{topic.id}",
                bg_color=hex_color(color),
                color=hex_color(ink),
                selected=chosen is not None and chosen.id == topic.id,
                bold=True,
                font_scale=layout.font_scale,
            )
            if icon is not None:
                button.show_icon(
                    icon,
                    layout.icon_px,
                    above=layout.icon_above,
                    offset=layout.icon_offsets[index],
                    stack_height=layout.stack_height,
                )
            button.bind(
                on_release=lambda _b, node=topic: self.kiosk.act(self.kiosk.flow.choose, 1, node.id)
            )
            row.add_widget(button)

    def _topic_layout(self, texts: list[str], icons: list[Icon | None]) -> TopicLayout:
        """One font size and one icon place for the whole row, so that no word is broken.

        Up to ten topics share one row; a long word in a narrow button would
        otherwise be cut in the middle ("Complimen-ti"). Icons stand left of
        the text while the text stays readable beside them, else above it,
        and the row grows to hold them.
        """
        scale = self.kiosk.scale
        row = self.ids.topics
        count = max(1, len(texts))
        width = (self.width - 2 * row_padding(scale) - row.spacing * (count - 1)) / count
        room = width - 2 * BUTTON_TEXT_MARGIN * scale
        height = TOPIC_ROW_HEIGHT * scale
        if not any(icons):
            return TopicLayout(
                self._fitting_font(texts, [room] * count), 0, False, height, (0,) * len(texts)
            )
        beside = round(height * ICON_SHARE)
        rooms = [
            room - (icon.drawn_size(beside)[0] + ICON_GAP * scale if icon else 0) for icon in icons
        ]
        font_scale = self._fitting_font(texts, rooms)
        if font_scale >= MIN_FONT_SCALE_BESIDE_ICON:
            font_size = self.kiosk.font(FONT_BUTTON) * font_scale
            # The text keeps the lines it has at the left edge beside the
            # icon; only the space around the pair is shared out evenly.
            offsets = tuple(
                max(
                    0,
                    (text_room - wrapped_size(text, font_size, text_room)[0] - WRAP_SLACK_PX) // 2,
                )
                if icon
                else 0
                for text, icon, text_room in zip(texts, icons, rooms, strict=True)
            )
            return TopicLayout(font_scale, beside, False, height, offsets)
        above = round(height * ICON_ABOVE_SHARE)
        font_scale = self._fitting_font(texts, [room] * count)
        font_size = self.kiosk.font(FONT_BUTTON) * font_scale
        tallest = max(wrapped_size(text, font_size, room)[1] for text in texts)
        stack = above + ICON_GAP * scale + tallest
        return TopicLayout(
            font_scale,
            above,
            True,
            max(height, stack + 2 * STACK_MARGIN * scale),
            (0,) * len(texts),
            stack,
        )

    def _fitting_font(self, texts: list[str], rooms: list[float]) -> float:
        """The font scale at which each text's longest word fits its room, within limits."""
        scale = self.kiosk.scale
        # Larger text (A+) starts larger; the floor stays the same.
        base = self.kiosk.font(FONT_BUTTON)
        ratio = min(
            (
                room / word_width(word, base)
                for text, room in zip(texts, rooms, strict=True)
                for word in text.split()
            ),
            default=1.0,
        )
        size = base * min(1.0, ratio)
        return max(size, MIN_TOPIC_FONT * scale) / base

    def _fill_column(self, column, nodes, level: int, chosen: Node | None) -> None:
        column.clear_widgets()
        for node in nodes:
            style_color = hex_color(node.style.color) if node.style.color else None
            button = KioskButton(
                text=self.kiosk.label(node.label)
                + ("" if node.is_leaf else "  " + self.kiosk.onward_mark),
                key=f"{'category' if level == 2 else 'detail'}:{node.id}",
                bg_color=style_color
                or (SURFACE if chosen is None or chosen.id != node.id else NEUTRAL),
                color=hex_color(node.style.text_color) if node.style.text_color else INK,
                selected=chosen is not None and chosen.id == node.id,
                size_hint_y=None,
                height=self.ids.categories_scroll.row_height,
            )
            icon = load_icon(node.style.icon) if node.style.icon else None
            if icon is not None:
                button.show_icon(icon, round(button.height * ICON_SHARE))
            button.bind(
                on_release=lambda _b, n=node, lv=level: self.kiosk.act(
                    self.kiosk.flow.choose, lv, n.id
                )
            )
            column.add_widget(button)


SCREEN_CLASS = ChoiceScreen
