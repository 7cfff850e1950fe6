"""The dialog as the terminal uses it: checked, with every default filled in.

Objects here are built only by the validator, from a file with no errors, so
code that reads them never has to doubt a value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .message import Level, RatingKind, Tone
from .positioned_yaml import Problem
from .rating import scale_values

LEVELS: tuple[Level, ...] = ("topic", "category", "detail")
#: The tones a node may set; a message without a path has the tone "none".
TONES: tuple[Tone, ...] = ("complaint", "praise", "suggestion", "question")
PHOTO_MODES = ("off", "notice", "ask")
RATING_KINDS: tuple[RatingKind, ...] = ("smileys", "nps")
SMILEY_SCALES = (3, 4, 5)


@dataclass(frozen=True)
class Label:
    """A text in the dialog's languages, with the fallback the format defines."""

    texts: Mapping[str, str]
    languages: tuple[str, ...]

    def get(self, language: str) -> str:
        """The text in ``language``, else the default language, else the first one given."""
        if language in self.texts:
            return self.texts[language]
        for fallback in self.languages:
            if fallback in self.texts:
                return self.texts[fallback]
        return next(iter(self.texts.values()))

    @property
    def default(self) -> str:
        """The text in the dialog's default language (what messages record)."""
        return self.get(self.languages[0])


@dataclass(frozen=True)
class MessageOptions:
    """What a visitor may add at the end, for one branch of the tree."""

    voice: bool = True
    voice_max_s: int = 60
    text: bool = True
    text_max_chars: int = 1000
    callback: bool = True

    @property
    def any_enabled(self) -> bool:
        return self.voice or self.text or self.callback


@dataclass(frozen=True)
class Style:
    color: str | None = None
    text_color: str | None = None
    icon: Path | None = None


#: The colours of a node's button where its ``style`` gives none (docs/contracts/dialog-format.md).
DEFAULT_NODE_COLORS: dict[str, Style] = {
    "topic": Style(color="#3E5C76", text_color="#FFFFFF"),
    "category": Style(color="#FFFFFF", text_color="#1F2933"),
    "detail": Style(color="#FFFFFF", text_color="#1F2933"),
}


@dataclass(frozen=True)
class Node:
    """One button of the tree: a topic, a category or a detail."""

    id: str
    label: Label
    level: Level
    tone: Tone
    alert: bool
    message: MessageOptions
    style: Style
    children: tuple[Node, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def child(self, node_id: str) -> Node:
        for node in self.children:
            if node.id == node_id:
                return node
        raise KeyError(node_id)


@dataclass(frozen=True)
class Rating:
    kind: RatingKind
    #: smileys: the number of faces (value 1..scale); nps: always 10 (value 0..10).
    scale: int
    prompt: Label | None

    @property
    def values(self) -> range:
        return scale_values(self.kind, self.scale)


@dataclass(frozen=True)
class PromoterLink:
    url: str
    prompt: Label | None


@dataclass(frozen=True)
class Accessibility:
    """What the terminal offers every visitor from the start, before they ask."""

    #: Speak each screen's question and each tapped button's label.
    speech: bool = False


@dataclass(frozen=True)
class Dialog:
    version: int
    languages: tuple[str, ...]
    idle_reset_s: int
    texts: Mapping[str, Label]
    rating: Rating | None
    topics: tuple[Node, ...]
    message: MessageOptions
    photo_mode: str
    promoter_link: PromoterLink | None
    #: SHA-256 of the file's bytes: the dialog's identity, recorded in every message.
    sha256: str
    source: Path | None = None
    accessibility: Accessibility = Accessibility()
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def topic(self, topic_id: str) -> Node:
        for node in self.topics:
            if node.id == topic_id:
                return node
        raise KeyError(topic_id)

    def walk(self) -> Iterator[tuple[Node, ...]]:
        """Every path from a topic down to each node, topic first."""
        stack: list[tuple[Node, ...]] = [(topic,) for topic in reversed(self.topics)]
        while stack:
            path = stack.pop()
            yield path
            stack.extend(path + (child,) for child in reversed(path[-1].children))
