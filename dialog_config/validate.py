"""Checks a dialog file against format version 1 and builds the model from it.

The whole file is checked in one pass and every problem is kept, so an
operator fixes all mistakes in one round trip. Only a file with no errors
produces a :class:`~dialog_config.model.Dialog`.

One module of about 520 lines on purpose: it follows the format's key table
(docs/contracts/dialog-format.md) from top to bottom, one method per key.
"""

from __future__ import annotations

import errno
import hashlib
import os
import posixpath
import re
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from .contrast import NORMAL_TEXT_MIN_RATIO, contrast_ratio, format_ratio
from .message import Level, RatingKind, Tone
from .model import (
    DEFAULT_NODE_COLORS,
    LEVELS,
    PHOTO_MODES,
    RATING_KINDS,
    SMILEY_SCALES,
    TONES,
    Accessibility,
    Dialog,
    Label,
    MessageOptions,
    Node,
    PromoterLink,
    Rating,
    Style,
)
from .positioned_yaml import Checker, Problem, ProblemList, TreePath, describe, did_you_mean, parse
from .rating import NPS_SCALE
from .texts import SCREEN_TEXTS

FORMAT_VERSION = 1
ID_PATTERN = r"[a-z0-9][a-z0-9_-]{0,39}"
#: A BCP 47 tag as kiosks need it: a language, optionally a region or script.
LANGUAGE_PATTERN = r"[a-z]{2,3}(-([A-Z]{2}|[0-9]{3}|[A-Z][a-z]{3}))?"
COLOR_PATTERN = r"#[0-9A-Fa-f]{6}"
MAX_LANGUAGES = 12
MAX_TOPICS = 10
MAX_CHILDREN = 60
LABEL_MAX_CHARS = 80
IDLE_RESET_DEFAULT_S = 45
IDLE_RESET_RANGE_S = (5, 600)
VOICE_MAX_RANGE_S = (5, 300)
TEXT_MAX_CHARS_RANGE = (1, 5000)
ICON_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
#: Where an icon that is not next to the dialog file is looked for next: the
#: bundled examples' folder, so that a copy of an example (the installer's
#: dialog.yaml, one the manager sends) still finds the icons that ship with it.
BUNDLED_ICONS_BASE = Path(__file__).resolve().parent / "examples"


def find_icon(base_dir: Path, name: str, *, bundled_only: bool = False) -> Path:
    """Where an icon written as ``name`` is: in the dialog's folder, else among the bundled ones.

    Either way the file is inside that folder (after links are followed):
    an absolute path or a ``../`` that leads out of it is refused with
    IconOutsideError. ``bundled_only`` looks among the bundled icons alone
    (a dialog the manager sent comes without files of its own).
    """
    if posixpath.isabs(name) or "\\" in name or "\x00" in name:
        raise IconOutsideError(name)
    bundled = (BUNDLED_ICONS_BASE / name).resolve()
    if bundled_only:
        if not bundled.is_relative_to(BUNDLED_ICONS_BASE):
            raise IconOutsideError(name)
        return bundled
    folder = base_dir.resolve()
    icon = (folder / name).resolve()
    if not icon.is_relative_to(folder):
        raise IconOutsideError(name)
    if not icon.exists() and bundled.is_relative_to(BUNDLED_ICONS_BASE) and bundled.is_file():
        return bundled
    return icon


class IconOutsideError(ValueError):
    """An icon path that leads out of the folder it must stay in."""


def read_icon_head(icon: Path, size: int = 8) -> bytes:
    """The first ``size`` bytes of a regular file, opened so that it cannot block.

    A FIFO or a device named as an icon would hang an ordinary open() or
    read() for good; O_NONBLOCK opens it at once and fstat refuses it.
    Raises OSError (IsADirectoryError etc.) for anything but a regular file.
    """
    fd = os.open(icon, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(icon))
        return os.read(fd, size)
    finally:
        os.close(fd)


TOP_KEYS_REQUIRED = ("version", "languages", "topics")
TOP_KEYS_OPTIONAL = (
    "idle_reset_s",
    "texts",
    "rating",
    "message",
    "photo",
    "promoter_link",
    "accessibility",
)
NODE_KEYS = ("id", "label", "categories", "details", "tone", "alert", "message", "style")
#: The key that holds a node's children, by the level of the node.
CHILDREN_KEY = {"topic": "categories", "category": "details"}


@dataclass(frozen=True)
class DialogCheck(ProblemList):
    """The outcome of checking one dialog file."""

    dialog: Dialog | None
    problems: tuple[Problem, ...]
    sha256: str


def check_dialog(
    data: bytes, *, file: str, base_dir: Path | None = None, bundled_icons_only: bool = False
) -> DialogCheck:
    """Checks the bytes of a dialog file; icons are looked up under ``base_dir``.

    ``bundled_icons_only`` is for a dialog that came without files (the
    manager's): its icons may only be bundled ones, and its errors say
    nothing about the files on this terminal.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    doc = parse(data, file)
    checker = _DialogChecker(doc, base_dir, bundled_icons_only=bundled_icons_only)
    dialog = None
    if doc.data is not None or not doc.problems:
        dialog = checker.check(doc.data, sha256)
    problems = tuple(sorted(checker.problems, key=lambda p: (p.line, p.column)))
    if any(p.is_error for p in problems):
        dialog = None
    elif dialog is not None:
        dialog = replace(dialog, warnings=problems)
    return DialogCheck(dialog, problems, sha256)


class _DialogChecker(Checker):
    def __init__(self, doc, base_dir: Path | None, *, bundled_icons_only: bool = False):
        super().__init__(doc)
        self.base_dir = base_dir
        self.bundled_icons_only = bundled_icons_only
        self.languages: tuple[str, ...] = ()

    def check(self, data: Any, sha256: str) -> Dialog | None:
        if data is None:
            self.error(
                (), "the file is empty; a dialog needs at least `version`, `languages` and `topics`"
            )
            return None
        top = self.mapping((), data, required=TOP_KEYS_REQUIRED, optional=TOP_KEYS_OPTIONAL)
        if top is None:
            return None
        version = self.version(top["version"]) if "version" in top else None
        self.languages = self.language_list(top.get("languages"))
        idle: int | None = IDLE_RESET_DEFAULT_S
        if "idle_reset_s" in top:
            idle = self.integer(
                ("idle_reset_s",),
                top["idle_reset_s"],
                minimum=IDLE_RESET_RANGE_S[0],
                maximum=IDLE_RESET_RANGE_S[1],
            )
        texts = self.texts(top.get("texts", {}))
        rating = self.rating(top["rating"]) if "rating" in top else None
        message = self.message_options(("message",), top.get("message", {}), MessageOptions())
        photo_mode = self.photo(top.get("photo", {}))
        promoter = self.promoter(top["promoter_link"]) if "promoter_link" in top else None
        accessibility = self.accessibility(top.get("accessibility", {}))
        topics = (
            self.nodes(
                ("topics",),
                top["topics"],
                "topic",
                "complaint",
                message,
                minimum=1,
                maximum=MAX_TOPICS,
            )
            if "topics" in top
            else ()
        )
        if self.errors or version is None or idle is None or not self.languages:
            return None
        return Dialog(
            version=version,
            languages=self.languages,
            idle_reset_s=idle,
            texts=texts,
            rating=rating,
            topics=topics,
            message=message,
            photo_mode=photo_mode,
            promoter_link=promoter,
            sha256=sha256,
            source=Path(self.doc.file) if self.base_dir is not None else None,
            accessibility=accessibility,
        )

    # -- top level -----------------------------------------------------------

    def version(self, value: Any) -> int | None:
        if not isinstance(value, int) or isinstance(value, bool) or value != FORMAT_VERSION:
            self.error(
                ("version",),
                f"must be {FORMAT_VERSION} (found {describe(value)}); "
                f"this terminal reads dialog format version {FORMAT_VERSION}",
            )
            return None
        return FORMAT_VERSION

    def language_list(self, value: Any) -> tuple[str, ...]:
        path: TreePath = ("languages",)
        if value is None and "languages" not in (self.doc.data or {}):
            return ()
        items = self.sequence(path, value, minimum=1, maximum=MAX_LANGUAGES, what="language codes")
        if items is None:
            return ()
        codes: list[str] = []
        for index, item in enumerate(items):
            code = self.matches(
                path + (index,),
                item,
                LANGUAGE_PATTERN,
                what="a language code",
                example="en, ru or pt-BR",
            )
            if code is None:
                continue
            if code in codes:
                self.error(path + (index,), f"`{code}` is listed twice")
                continue
            codes.append(code)
        return tuple(codes)

    def texts(self, value: Any) -> dict[str, Label]:
        if not isinstance(value, dict):
            self.error(
                ("texts",),
                f"must be a mapping of screen text names to labels (found {describe(value)})",
            )
            return {}
        mapping = value
        texts: dict[str, Label] = {}
        for name, text in mapping.items():
            path: TreePath = ("texts", name)
            if name not in SCREEN_TEXTS:
                self.error(
                    path,
                    "not a built-in screen text" + did_you_mean(name, SCREEN_TEXTS),
                    at_key=True,
                )
                continue
            label = self.label(path, text)
            if label is not None:
                texts[name] = label
        return texts

    def rating(self, value: Any) -> Rating | None:
        path: TreePath = ("rating",)
        mapping = self.mapping(path, value, required=("kind",), optional=("scale", "prompt"))
        if mapping is None:
            return None
        kind = (
            self.choice(path + ("kind",), mapping.get("kind"), RATING_KINDS)
            if "kind" in mapping
            else None
        )
        scale: int | None = None
        if kind == "smileys":
            if "scale" not in mapping:
                self.error(path + ("scale",), "required for smileys: 3, 4 or 5 faces")
            else:
                scale = self.choice(path + ("scale",), mapping["scale"], SMILEY_SCALES)
        elif kind == "nps":
            if "scale" in mapping:
                self.error(
                    path + ("scale",),
                    "only for smileys; an nps rating is always 0 to 10",
                    at_key=True,
                )
            scale = NPS_SCALE
        prompt = self.label(path + ("prompt",), mapping["prompt"]) if "prompt" in mapping else None
        if kind is None or scale is None:
            return None
        # choice() returned one of RATING_KINDS.
        return Rating(kind=cast(RatingKind, kind), scale=scale, prompt=prompt)

    def photo(self, value: Any) -> str:
        mapping = self.mapping(("photo",), value, optional=("mode",))
        if mapping is None or "mode" not in mapping:
            return "notice"
        mode = mapping["mode"]
        # YAML 1.1 reads a bare `off` as false; the operator meant the mode.
        if mode is False and (self.doc.raw(("photo", "mode")) or "").lower() in (
            "off",
            "false",
            "no",
        ):
            return "off"
        return self.choice(("photo", "mode"), mode, PHOTO_MODES) or "notice"

    def accessibility(self, value: Any) -> Accessibility:
        mapping = self.mapping(("accessibility",), value, optional=("speech",))
        if mapping is None or "speech" not in mapping:
            return Accessibility()
        speech = mapping["speech"]
        # YAML 1.1 reads `on` and `off` as true and false: `speech: on` reads as written.
        if not isinstance(speech, bool):
            self.error(("accessibility", "speech"), f"must be on or off (found {describe(speech)})")
            return Accessibility()
        return Accessibility(speech=speech)

    def promoter(self, value: Any) -> PromoterLink | None:
        path: TreePath = ("promoter_link",)
        mapping = self.mapping(path, value, required=("url",), optional=("prompt",))
        if mapping is None:
            return None
        url = None
        if "url" in mapping:
            url = self.string(path + ("url",), mapping["url"], what="a web address")
            if url is not None and not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", url):
                self.error(
                    path + ("url",),
                    f"{describe(url)} must be a web address starting with http:// or https://",
                )
                url = None
        prompt = self.label(path + ("prompt",), mapping["prompt"]) if "prompt" in mapping else None
        return PromoterLink(url=url, prompt=prompt) if url else None

    # -- message options -----------------------------------------------------

    def message_options(
        self, path: TreePath, value: Any, inherited: MessageOptions
    ) -> MessageOptions:
        mapping = self.mapping(path, value, optional=("voice", "text", "callback"))
        if mapping is None:
            return inherited
        options = inherited
        if "voice" in mapping:
            enabled, limit = self.message_kind(
                path + ("voice",), mapping["voice"], "max_s", VOICE_MAX_RANGE_S
            )
            options = replace(
                options,
                voice=options.voice if enabled is None else enabled,
                voice_max_s=options.voice_max_s if limit is None else limit,
            )
        if "text" in mapping:
            enabled, limit = self.message_kind(
                path + ("text",), mapping["text"], "max_chars", TEXT_MAX_CHARS_RANGE
            )
            options = replace(
                options,
                text=options.text if enabled is None else enabled,
                text_max_chars=options.text_max_chars if limit is None else limit,
            )
        if "callback" in mapping:
            enabled, _ = self.message_kind(path + ("callback",), mapping["callback"], None, None)
            options = replace(options, callback=options.callback if enabled is None else enabled)
        return options

    def message_kind(
        self, path: TreePath, value: Any, limit_key: str | None, limit_range: tuple[int, int] | None
    ) -> tuple[bool | None, int | None]:
        """``false`` or ``{enabled: …, <limit>: …}``; returns what the file sets."""
        if isinstance(value, bool):
            return value, None
        optional = ("enabled", limit_key) if limit_key else ("enabled",)
        if not isinstance(value, dict):
            self.error(
                path,
                f"must be true, false or a mapping of {', '.join(optional)} "
                f"(found {describe(value)})",
            )
            return None, None
        self.mapping(path, value, optional=optional)
        enabled = (
            self.boolean(path + ("enabled",), value["enabled"]) if "enabled" in value else None
        )
        limit = None
        if limit_key and limit_range and limit_key in value:
            limit = self.integer(
                path + (limit_key,),
                value[limit_key],
                minimum=limit_range[0],
                maximum=limit_range[1],
            )
        return enabled, limit

    # -- the tree ------------------------------------------------------------

    def nodes(
        self,
        path: TreePath,
        value: Any,
        level: Level,
        tone: Tone,
        message: MessageOptions,
        *,
        minimum: int,
        maximum: int,
    ) -> tuple[Node, ...]:
        what = {"topic": "topics", "category": "categories", "detail": "details"}[level]
        items = self.sequence(path, value, minimum=minimum, maximum=maximum, what=what)
        if items is None:
            return ()
        nodes: list[Node] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            node = self.node(path + (index,), item, level, tone, message)
            if node is None:
                continue
            if node.id in seen:
                self.error(
                    path + (index, "id"),
                    f"`{node.id}` is already the id of {path[-1]}[{seen[node.id]}]; "
                    "ids must differ among siblings",
                )
                continue
            seen[node.id] = index
            nodes.append(node)
        return tuple(nodes)

    def node(
        self, path: TreePath, value: Any, level: Level, tone: Tone, message: MessageOptions
    ) -> Node | None:
        mapping = self.mapping(
            path,
            value,
            required=("id", "label"),
            optional=[k for k in NODE_KEYS if k not in ("id", "label")],
        )
        if mapping is None:
            return None
        node_id = (
            self.matches(path + ("id",), mapping["id"], ID_PATTERN, what="an id")
            if "id" in mapping
            else None
        )
        label = self.label(path + ("label",), mapping["label"]) if "label" in mapping else None
        if "tone" in mapping:
            # choice() returns only one of TONES, or None.
            tone = cast(Tone, self.choice(path + ("tone",), mapping["tone"], TONES)) or tone
        alert = False
        if "alert" in mapping:
            alert = bool(self.boolean(path + ("alert",), mapping["alert"]))
        if "message" in mapping:
            message = self.message_options(path + ("message",), mapping["message"], message)
        style = self.style(path + ("style",), mapping["style"]) if "style" in mapping else Style()
        self.style_contrast(path + ("style",), style, level)

        children: tuple[Node, ...] = ()
        own_key = CHILDREN_KEY.get(level)
        for key in ("categories", "details"):
            if key not in mapping:
                continue
            if key != own_key:
                where = "a topic" if key == "categories" else "a category"
                holds = (
                    f"; a {level} holds `{own_key}`"
                    if own_key
                    else "; a detail is the last level and has no children"
                )
                self.error(path + (key,), f"only allowed under {where}{holds}", at_key=True)
                continue
            child_level = LEVELS[LEVELS.index(level) + 1]
            children = self.nodes(
                path + (key,),
                mapping[key],
                child_level,
                tone,
                message,
                minimum=0,
                maximum=MAX_CHILDREN,
            )
        if node_id is None or label is None:
            return None
        return Node(
            id=node_id,
            label=label,
            level=level,
            tone=tone,
            alert=alert,
            message=message,
            style=style,
            children=children,
        )

    def style(self, path: TreePath, value: Any) -> Style:
        mapping = self.mapping(path, value, optional=("color", "text_color", "icon"))
        if mapping is None:
            return Style()
        colors = {}
        for key in ("color", "text_color"):
            if key in mapping:
                colors[key] = self.matches(
                    path + (key,),
                    mapping[key],
                    COLOR_PATTERN,
                    what="a colour like #E4572E",
                    example="#E4572E",
                )
        icon = self.icon(path + ("icon",), mapping["icon"]) if "icon" in mapping else None
        return Style(color=colors.get("color"), text_color=colors.get("text_color"), icon=icon)

    def style_contrast(self, path: TreePath, style: Style, level: Level) -> None:
        """Warns where a style's text would be hard to read on its button (WCAG 2.2 AA).

        A colour the style leaves out is the button's default for that level;
        a node's text is button text, which at the smallest screen is normal
        (not large) text, so it needs NORMAL_TEXT_MIN_RATIO.
        """
        if style.color is None and style.text_color is None:
            return
        default = DEFAULT_NODE_COLORS[level]
        text = style.text_color or cast(str, default.text_color)
        button = style.color or cast(str, default.color)
        ratio = contrast_ratio(text, button)
        if ratio >= NORMAL_TEXT_MIN_RATIO:
            return
        said = {
            "text": text if style.text_color else f"{text} (the default)",
            "button": button if style.color else f"{button} (the default)",
        }
        self.warning(
            path + ("text_color" if style.text_color else "color",),
            f"text {said['text']} on button {said['button']}: contrast "
            f"{format_ratio(ratio)}, below {NORMAL_TEXT_MIN_RATIO:g}:1 (WCAG 2.2 AA); "
            "visitors with low vision cannot read it: choose a darker or lighter colour",
        )

    def icon(self, path: TreePath, value: Any) -> Path | None:
        name = self.string(path, value, what="a path to a PNG or JPEG file")
        if name is None:
            return None
        if self.base_dir is None and not self.bundled_icons_only:
            return Path(name)
        try:
            icon = find_icon(
                self.base_dir or BUNDLED_ICONS_BASE, name, bundled_only=self.bundled_icons_only
            )
            head = read_icon_head(icon)
        except IconOutsideError:
            self.error(
                path,
                f"{describe(name)}: an icon must be a file in the dialog's folder "
                "(a relative path without ../ out of it) or a bundled icon (icons/<name>.png)",
            )
            return None
        except FileNotFoundError:
            if self.bundled_icons_only:
                self.error(path, f"{describe(name)}: no such bundled icon on this terminal")
            else:
                self.error(
                    path,
                    f"{describe(name)}: no such file (looked for {icon}, then for "
                    f"the bundled {(BUNDLED_ICONS_BASE / name).resolve()})",
                )
            return None
        except OSError as exc:
            if self.bundled_icons_only:
                # Said to the manager: nothing about the terminal's files.
                self.error(path, f"{describe(name)}: no such bundled icon on this terminal")
            else:
                self.error(path, f"{describe(name)}: cannot be read ({exc.strerror})")
            return None
        if not head.startswith(ICON_SIGNATURES):
            self.error(path, f"{describe(name)} must be a PNG or JPEG image")
            return None
        return icon

    # -- labels --------------------------------------------------------------

    def label(self, path: TreePath, value: Any) -> Label | None:
        """One string for every language, or a map of language code to string."""
        if isinstance(value, dict):
            if not value:
                self.error(path, "must give at least one text")
                return None
            texts: dict[str, str] = {}
            for code, text in value.items():
                if self.languages and code not in self.languages:
                    self.error(
                        path + (code,),
                        f"`{code}` is not in `languages` "
                        f"({', '.join(self.languages)})" + did_you_mean(code, self.languages),
                        at_key=True,
                    )
                    continue
                checked = self.label_text(path + (code,), text)
                if checked is not None:
                    texts[code] = checked
            if len(texts) != len(value):
                return None
            missing = [code for code in self.languages if code not in texts]
            if missing:
                fallback = Label(texts, self.languages).get(self.languages[0])
                self.warning(
                    path,
                    f"no text in {', '.join(missing)}; "
                    f"those visitors will see {describe(fallback)}",
                )
            return Label(texts, self.languages)
        text = self.label_text(path, value)
        if text is None or not self.languages:
            return None
        return Label({code: text for code in self.languages}, self.languages)

    def label_text(self, path: TreePath, value: Any) -> str | None:
        text = self.string(path, value, what="text or a map of language to text")
        if text is None:
            return None
        length = len(text.strip())
        if not 1 <= length <= LABEL_MAX_CHARS:
            if length == 0:
                self.error(path, "must not be empty")
            else:
                self.error(path, f"must be at most {LABEL_MAX_CHARS} characters (found {length})")
            return None
        return text.strip()
