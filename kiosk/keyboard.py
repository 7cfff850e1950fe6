"""The docked on-screen keyboard without Kivy: layouts as data, and the text being typed.

A layout (``assets/keyboards/<name>.json``, format in that folder's
README) is rows of keys in one or more layers (letters, digits and
punctuation). :func:`load_layout` reads and checks one on demand, naming
the file and the key in every problem. :class:`KeyboardModel` is what the
widget draws and forwards taps to: the text so far, the shift state, the
visible layer, the character limit and, for Korean, the syllable being
composed (see :mod:`kiosk.hangul`).

Editing is append-only with backspace: a kiosk visitor types a short
message, and a movable caret on a touchscreen costs more than it helps.

One module of about 640 lines on purpose: the layout file's checks and the
model that types with a layout share its vocabulary (layers, actions,
widths), and the file format (assets/keyboards/README.md) reads with both.
"""

from __future__ import annotations

import enum
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import hangul

#: Where the layouts live; installed beside the package (see the README there).
KEYBOARDS_DIR = Path(__file__).resolve().parents[1] / "assets" / "keyboards"
#: Layers several layouts share (``"use": "symbols"``) live in this subfolder.
SHARED_LAYERS_DIR = "layers"
#: The layout format version this module reads.
LAYOUT_FORMAT = 1
#: The layout for a name typed in a language without a layout of its own (Latin letters).
FALLBACK_LAYOUT = "en"
#: Layouts that serve a field rather than a language.
FIELD_LAYOUTS = frozenset({"phone"})
#: Two taps on shift closer than this lock capitals (seconds).
DOUBLE_TAP_S = 0.5
#: Row widths within a layer may differ by float noise only (key units).
WIDTH_TOLERANCE_KEYS = 1e-6
#: Layout names are file stems; the pattern keeps a language code from reaching other paths.
LAYOUT_NAME = re.compile(r"[a-z][a-z0-9_-]*\Z")


class LayoutError(Exception):
    """A layout file that cannot be used; ``problems`` holds every reason, each naming its file."""

    def __init__(self, problems: list[str]):
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class KeyAction(enum.Enum):
    """What a key does; the widget may draw an icon per action instead of the label."""

    TYPE = "type"  # types its text
    SPACE = "space"  # types a space
    BACKSPACE = "backspace"  # removes the last keystroke
    SHIFT = "shift"  # next letter shifted; double tap locks
    LAYER = "layer"  # shows another layer (123 ↔ ABC)
    DONE = "done"  # the visitor has finished typing
    GAP = "gap"  # empty space that keeps rows aligned; not a key


#: What the action keys show unless the layout or the key says otherwise.
DEFAULT_LABELS = {
    KeyAction.SPACE: "",
    KeyAction.BACKSPACE: "⌫",
    KeyAction.SHIFT: "⇧",
    KeyAction.DONE: "✓",
    KeyAction.GAP: "",
}
#: The actions a layout's ``labels`` may name.
LABELLED_ACTIONS = {
    action.value: action for action in DEFAULT_LABELS if action is not KeyAction.GAP
}


@dataclass(frozen=True)
class Key:
    """One key as drawn: labels are final (layout defaults already applied)."""

    action: KeyAction
    label: str
    shifted_label: str
    text: str = ""  # what TYPE and SPACE keys type
    shifted_text: str = ""  # what they type while shift is on
    width: float = 1.0  # key units; the widget scales a layer to its width
    layer: str = ""  # the layer a LAYER key shows
    variants: tuple[str, ...] = ()  # what a long press offers (é è ê ë on e)
    shifted_variants: tuple[str, ...] = ()  # the same while shift is on


@dataclass(frozen=True)
class Layer:
    name: str
    label: str  # what a key switching to this layer shows ("ABC", "123")
    rows: tuple[tuple[Key, ...], ...]

    @property
    def width(self) -> float:
        """Key units across; every row has this width (checked at load)."""
        return sum(key.width for key in self.rows[0])


class Composition(enum.Enum):
    """How typed letters become text: as they are, or composed (Korean)."""

    NONE = "none"
    HANGUL = "hangul"


@dataclass(frozen=True)
class Layout:
    name: str
    source: Path
    layers: tuple[Layer, ...]  # the first one shows first
    composition: Composition = Composition.NONE

    def layer(self, name: str) -> Layer:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(
            f"layout {self.name!r} has no layer {name!r}; "
            f"its layers are {', '.join(layer.name for layer in self.layers)}"
        )


def available_layouts(directory: Path = KEYBOARDS_DIR) -> list[str]:
    """The names :func:`load_layout` accepts, sorted."""
    return sorted(path.stem for path in directory.glob("*.json") if LAYOUT_NAME.match(path.stem))


def layout_name_for_language(language: str, directory: Path = KEYBOARDS_DIR) -> str | None:
    """The layout for a visitor's language (a BCP 47 tag such as ``it`` or ``pt-BR``), or None.

    A layout for the whole tag comes first (``pt-BR`` → ``pt-br``), then
    the language's (``ko-KR`` → ``ko``, ``pt-PT`` → ``pt``). None means the
    language has no keyboard here (Japanese and Chinese need an input
    method): the app must not offer typing in it.
    """
    tag = language.replace("_", "-").lower()
    for name in (tag, tag.split("-")[0]):
        if (
            LAYOUT_NAME.match(name)
            and name not in FIELD_LAYOUTS
            and (directory / f"{name}.json").is_file()
        ):
            return name
    return None


def load_layout(name: str, directory: Path = KEYBOARDS_DIR) -> Layout:
    """Reads and checks ``<directory>/<name>.json``.

    Raises :class:`LayoutError` listing every problem, each naming its file.
    """
    if not LAYOUT_NAME.match(name):
        raise LayoutError(
            [
                f"{name!r} is not a layout name: use a file stem such as 'en' "
                "(lowercase letters, digits, '-' and '_')"
            ]
        )
    path = directory / f"{name}.json"
    if not path.is_file():
        known = ", ".join(available_layouts(directory)) or "none"
        raise LayoutError(
            [f"{path}: no such keyboard layout; the layouts in {directory} are: {known}"]
        )
    return _LayoutReader(name, path).read()


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LayoutError([f"{path}: cannot read the layout: {exc.strerror}"]) from exc
    except UnicodeDecodeError as exc:
        raise LayoutError(
            [f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8"]
        ) from exc
    except json.JSONDecodeError as exc:
        raise LayoutError([f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"]) from exc


def _default_shifted(text: str) -> str:
    """Shift capitalises a single letter (``è`` → ``È``) and leaves anything else as it is."""
    upper = text.upper()
    return upper if len(text) == 1 and len(upper) == 1 else text


class _LayoutReader:
    """Checks one layout file, collecting every problem before raising them together."""

    TOP_KEYS = {"format", "source", "composition", "labels", "layers"}
    LAYER_KEYS = {"label", "rows", "use"}
    TEXT_KEY_FIELDS = {"text", "shifted", "label", "width", "variants"}
    ACTION_KEY_FIELDS = {"action", "label", "width", "to"}

    def __init__(self, name: str, path: Path):
        self.name = name
        self.path = path
        self.problems: list[str] = []
        self.labels = dict(DEFAULT_LABELS)

    def problem(self, where: str, message: str, path: Path | None = None) -> None:
        self.problems.append(f"{path or self.path}: {where}: {message}")

    def read(self) -> Layout:
        data = _read_json(self.path)
        if not isinstance(data, dict):
            raise LayoutError(
                [f"{self.path}: the layout must be a JSON object with `format` and `layers`"]
            )
        for unknown in sorted(set(data) - self.TOP_KEYS):
            self.problem(
                unknown, f"unknown field; the fields are {', '.join(sorted(self.TOP_KEYS))}"
            )
        if data.get("format") != LAYOUT_FORMAT:
            self.problem(
                "format",
                f"must be {LAYOUT_FORMAT} (got {data.get('format')!r}): this "
                "program reads layout format 1",
            )
        composition = self.read_composition(data.get("composition", Composition.NONE.value))
        self.read_labels(data.get("labels", {}))
        layers = self.read_layers(data.get("layers"))
        if self.problems:
            raise LayoutError(self.problems)
        return Layout(self.name, self.path, layers, composition)

    def read_composition(self, value: Any) -> Composition:
        try:
            return Composition(value)
        except ValueError:
            choices = ", ".join(repr(c.value) for c in Composition)
            self.problem("composition", f"must be one of {choices} (got {value!r})")
            return Composition.NONE

    def read_labels(self, labels: Any) -> None:
        if not isinstance(labels, dict):
            self.problem(
                "labels",
                'must be an object of action → label, e.g. {"space": "English", "done": "Done"}',
            )
            return
        for action, label in labels.items():
            if action not in LABELLED_ACTIONS:
                self.problem(
                    f"labels.{action}",
                    f"not an action with a label; use one of {', '.join(sorted(LABELLED_ACTIONS))}",
                )
            elif not isinstance(label, str):
                self.problem(f"labels.{action}", f"must be a string (got {label!r})")
            else:
                self.labels[LABELLED_ACTIONS[action]] = label

    def read_layers(self, layers: Any) -> tuple[Layer, ...]:
        if not isinstance(layers, dict) or not layers:
            self.problem(
                "layers",
                "must be an object of layer name → layer, e.g. "
                '{"letters": {"label": "ABC", "rows": [...]}}',
            )
            return ()
        raw_rows = {name: self.layer_rows(name, layer) for name, layer in layers.items()}
        # All labels first: a key may switch to a layer defined after its own.
        layer_labels = {}
        for name, layer in layers.items():
            label = layer.get("label", "") if isinstance(layer, dict) else ""
            if not isinstance(label, str):
                self.problem(f"layers.{name}.label", f"must be a string (got {label!r})")
                label = ""
            layer_labels[name] = label
        result = []
        for name, (rows, source) in raw_rows.items():
            where = f"layers.{name}"
            keys = tuple(
                tuple(
                    self.read_key(f"{where}.rows[{r}][{k}]", raw, layer_labels, source)
                    for k, raw in enumerate(row)
                )
                for r, row in enumerate(rows)
            )
            self.check_layer(where, keys, source)
            result.append(Layer(name, layer_labels[name], keys))
        return tuple(result)

    def layer_rows(self, name: str, layer: Any) -> tuple[list, Path]:
        """The layer's rows as written, and the file they come from (a shared layer's own)."""
        where = f"layers.{name}"
        if not isinstance(layer, dict):
            self.problem(where, "must be an object with `rows` (or `use`) and `label`")
            return [], self.path
        for unknown in sorted(set(layer) - self.LAYER_KEYS):
            self.problem(
                f"{where}.{unknown}",
                "unknown field; a layer has `label` and either `rows` or `use`",
            )
        if ("rows" in layer) == ("use" in layer):
            self.problem(
                where,
                "give either `rows` or `use` (the name of a shared layer in "
                f"{SHARED_LAYERS_DIR}/), not both or neither",
            )
            return [], self.path
        if "use" in layer:
            return self.shared_rows(f"{where}.use", layer["use"])
        return self.rows_list(f"{where}.rows", layer["rows"], self.path), self.path

    def shared_rows(self, where: str, use: Any) -> tuple[list, Path]:
        if not isinstance(use, str) or not LAYOUT_NAME.match(use):
            self.problem(where, f'must name a shared layer file stem, e.g. "symbols" (got {use!r})')
            return [], self.path
        shared_dir = self.path.parent / SHARED_LAYERS_DIR
        path = shared_dir / f"{use}.json"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in shared_dir.glob("*.json"))) or "none"
            self.problem(where, f"no shared layer {path}; the shared layers are: {known}")
            return [], self.path
        data = _read_json(path)
        if not isinstance(data, dict) or set(data) != {"format", "rows"}:
            self.problem(
                "(file)", "a shared layer is an object with exactly `format` and `rows`", path=path
            )
            return [], path
        if data["format"] != LAYOUT_FORMAT:
            self.problem("format", f"must be {LAYOUT_FORMAT} (got {data['format']!r})", path=path)
        return self.rows_list("rows", data["rows"], path), path

    def rows_list(self, where: str, rows: Any, source: Path) -> list:
        if (
            not isinstance(rows, list)
            or not rows
            or not all(isinstance(row, list) and row for row in rows)
        ):
            self.problem(
                where,
                "must be a non-empty list of rows, each a non-empty list of keys",
                path=source,
            )
            return []
        return rows

    def read_key(self, where: str, raw: Any, layer_labels: dict[str, str], source: Path) -> Key:
        if isinstance(raw, str):
            raw = {"text": raw}
        if not isinstance(raw, dict):
            self.problem(
                where,
                f"a key is a string (the text it types) or an object; got {raw!r}",
                path=source,
            )
            return Key(KeyAction.GAP, "", "")
        width = raw.get("width", 1.0)
        if isinstance(width, bool) or not isinstance(width, (int, float)) or not width > 0:
            self.problem(
                f"{where}.width",
                f"must be a positive number of key units (got {width!r})",
                path=source,
            )
            width = 1.0
        label = raw.get("label")
        if label is not None and not isinstance(label, str):
            self.problem(f"{where}.label", f"must be a string (got {label!r})", path=source)
            label = None
        if "action" in raw:
            return self.action_key(where, raw, float(width), label, layer_labels, source)
        return self.text_key(where, raw, float(width), label, source)

    def text_key(self, where: str, raw: dict, width: float, label: str | None, source: Path) -> Key:
        for unknown in sorted(set(raw) - self.TEXT_KEY_FIELDS):
            self.problem(
                f"{where}.{unknown}",
                "unknown field; a key has `text` (or `action`), `shifted`, `label`, `width` "
                "and `variants`",
                path=source,
            )
        text, shifted = raw.get("text"), raw.get("shifted")
        if not isinstance(text, str) or not text:
            self.problem(
                where, f"needs `text` (what the key types) or `action`; got {raw!r}", path=source
            )
            text = ""
        if shifted is None:
            shifted = _default_shifted(text)
        elif not isinstance(shifted, str) or not shifted:
            self.problem(
                f"{where}.shifted", f"must be a non-empty string (got {shifted!r})", path=source
            )
            shifted = text
        variants = raw.get("variants")
        if variants is None:
            variants = []
        elif (
            not isinstance(variants, list)
            or not variants
            or not all(isinstance(v, str) and v and v != text for v in variants)
            or len(set(variants)) != len(variants)
        ):
            self.problem(
                f"{where}.variants",
                "must be a non-empty list of different texts, other than the key's own, "
                f'that a long press offers, e.g. ["é", "è"] (got {variants!r})',
                path=source,
            )
            variants = []
        return Key(
            KeyAction.TYPE,
            label if label is not None else text,
            label if label is not None else shifted,
            text,
            shifted,
            width,
            variants=tuple(variants),
            shifted_variants=tuple(_default_shifted(v) for v in variants),
        )

    def action_key(
        self,
        where: str,
        raw: dict,
        width: float,
        label: str | None,
        layer_labels: dict[str, str],
        source: Path,
    ) -> Key:
        for unknown in sorted(set(raw) - self.ACTION_KEY_FIELDS):
            self.problem(
                f"{where}.{unknown}",
                "unknown field for an action key; it has `action`, "
                "`label`, `width` and (for `layer`) `to`",
                path=source,
            )
        try:
            action = KeyAction(raw["action"])
        except ValueError:
            choices = ", ".join(a.value for a in KeyAction if a is not KeyAction.TYPE)
            self.problem(
                f"{where}.action",
                f"must be one of {choices} (got {raw['action']!r}); "
                "a key that types text has `text` instead",
                path=source,
            )
            return Key(KeyAction.GAP, "", "", width=width)
        if action is KeyAction.TYPE:
            self.problem(
                f"{where}.action", 'write a typing key as "x" or {"text": "x"}', path=source
            )
        if ("to" in raw) != (action is KeyAction.LAYER):
            self.problem(
                f"{where}.to",
                "a `layer` key needs `to` (the layer it shows); other keys take no `to`",
                path=source,
            )
        target = raw.get("to", "")
        if not isinstance(target, str):
            target = repr(target)
        if action is KeyAction.LAYER:
            if target not in layer_labels:
                self.problem(
                    f"{where}.to",
                    f"no layer {target!r} in this layout; its layers are {', '.join(layer_labels)}",
                    path=source,
                )
            elif label is None and not layer_labels[target]:
                self.problem(
                    f"{where}.label",
                    f"the key shows layer {target!r}, which has no "
                    '`label`: give that layer a label (e.g. "ABC")',
                    path=source,
                )
            label = label if label is not None else layer_labels.get(target, "")
        else:
            label = label if label is not None else self.labels.get(action, "")
        text = " " if action is KeyAction.SPACE else ""
        return Key(action, label, label, text, text, width, target)

    def check_layer(self, where: str, rows: tuple[tuple[Key, ...], ...], source: Path) -> None:
        widths = [sum(key.width for key in row) for row in rows]
        for index, width in enumerate(widths):
            if abs(width - widths[0]) > WIDTH_TOLERANCE_KEYS:
                self.problem(
                    f"{where}.rows[{index}]",
                    f"has width {width:g} but row 0 has {widths[0]:g} "
                    "(key units): widen a key or add "
                    '{"action": "gap", "width": …} so the rows form a block',
                    path=source,
                )
        seen: dict[str, str] = {}
        for r, row in enumerate(rows):
            for k, key in enumerate(row):
                if key.action is KeyAction.TYPE and key.text:
                    here = f"rows[{r}][{k}]"
                    for text in (key.text, *key.variants):
                        if text in seen:
                            self.problem(
                                f"{where}.{here}",
                                f"types {text!r} like {seen[text]}: remove one of them",
                                path=source,
                            )
                        seen.setdefault(text, here)


class Shift(enum.Enum):
    OFF = "off"
    ONCE = "once"  # the next typed key is shifted, then shift releases
    LOCKED = "locked"  # caps lock, after a double tap; a tap releases it


class KeyboardModel:
    """The text a visitor types on one layout, and what the keyboard shows.

    The widget draws ``layer.rows`` with :meth:`label` for each key, calls
    :meth:`press` on each tap, and after ``on_change`` re-reads ``text``
    (``committed`` + ``composing``), ``remaining``, ``shift``, ``layer`` and
    ``refused``. ``on_done`` receives the final text when DONE is tapped.
    """

    def __init__(
        self,
        layout: Layout,
        *,
        max_chars: int,
        text: str = "",
        on_change: Callable[[], None] | None = None,
        on_done: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
            raise ValueError(f"max_chars must be a positive whole number (got {max_chars!r})")
        if len(text) > max_chars:
            raise ValueError(
                f"the initial text has {len(text)} characters, more than max_chars "
                f"({max_chars}): shorten it or raise the limit"
            )
        self.max_chars = max_chars
        self.on_change = on_change
        self.on_done = on_done
        self._clock = clock
        self._layout = layout
        self._layer = layout.layers[0]
        self._committed = text
        self._syllable = hangul.Syllable()
        self._shift = Shift.OFF
        self._shift_tapped_at = float("-inf")
        self._refused = False

    # What the widget reads -------------------------------------------------

    @property
    def layout(self) -> Layout:
        return self._layout

    @property
    def layer(self) -> Layer:
        """The layer on screen; its rows are the keys to draw."""
        return self._layer

    @property
    def shift(self) -> Shift:
        return self._shift

    @property
    def committed(self) -> str:
        """The text that no further keystroke will change."""
        return self._committed

    @property
    def composing(self) -> str:
        """The Korean syllable being built (draw it underlined); empty otherwise."""
        return self._syllable.text

    @property
    def text(self) -> str:
        """What the visitor sees: committed text followed by the composing syllable."""
        return self._committed + self._syllable.text

    @property
    def remaining(self) -> int:
        """Characters still allowed, for the counter; the composing syllable counts as one."""
        return self.max_chars - len(self.text)

    @property
    def refused(self) -> bool:
        """Whether the last key was refused because the text would exceed ``max_chars``."""
        return self._refused

    def label(self, key: Key) -> str:
        """What ``key`` shows now: shift (once or locked) shows the shifted labels."""
        return key.label if self._shift is Shift.OFF else key.shifted_label

    def variants(self, key: Key) -> tuple[str, ...]:
        """What a long press on ``key`` offers now (shifted while shift is on); often nothing."""
        return key.variants if self._shift is Shift.OFF else key.shifted_variants

    # What the widget calls -------------------------------------------------

    def press(self, key: Key) -> None:
        """One tap on ``key``, a key of :attr:`layer`."""
        if key.action is KeyAction.GAP:
            return
        self._refused = False
        if key.action in (KeyAction.TYPE, KeyAction.SPACE):
            self._type(key.text if self._shift is Shift.OFF else key.shifted_text)
        elif key.action is KeyAction.BACKSPACE:
            self._backspace()
        elif key.action is KeyAction.SHIFT:
            self._tap_shift()
        elif key.action is KeyAction.LAYER:
            self._layer = self._layout.layer(key.layer)
            self._shift = Shift.OFF
        elif key.action is KeyAction.DONE:
            self.commit()
            if self.on_done is not None:
                self.on_done(self.text)
        self._changed()

    def press_variant(self, key: Key, variant: str) -> None:
        """Types ``variant``, one of :meth:`variants` of ``key``, chosen after a long press."""
        if variant not in self.variants(key):
            raise ValueError(
                f"{variant!r} is not a variant of the key {key.text!r} now; "
                f"its variants are {', '.join(self.variants(key)) or 'none'}"
            )
        self._refused = False
        self._type(variant)
        self._changed()

    def commit(self) -> None:
        """Ends the composing syllable, so the whole text is committed."""
        self._committed, self._syllable = self.text, hangul.Syllable()

    def set_layout(self, layout: Layout) -> None:
        """Another layout (the visitor changed language); the text so far stays."""
        self.commit()
        self._layout = layout
        self._layer = layout.layers[0]
        self._shift = Shift.OFF
        self._changed()

    def clear(self) -> None:
        """An empty text on the first layer, for the next visitor."""
        self._committed, self._syllable = "", hangul.Syllable()
        self._layer = self._layout.layers[0]
        self._shift = Shift.OFF
        self._refused = False
        self._changed()

    # ----------------------------------------------------------------------

    def _type(self, typed: str) -> None:
        if self._layout.composition is Composition.HANGUL and hangul.is_jamo(typed):
            done, syllable = self._syllable.add(typed)
            committed = self._committed + done
        else:
            committed, syllable = self.text + typed, hangul.Syllable()
        # Checked on the result, not the keystroke: a jamo may cost nothing
        # (가 → 각) or one character (각 + ㅏ → 가가).
        if len(committed) + len(syllable.text) > self.max_chars:
            self._refused = True
            return
        self._committed, self._syllable = committed, syllable
        if self._shift is Shift.ONCE:
            self._shift = Shift.OFF

    def _backspace(self) -> None:
        if self._syllable:
            self._syllable = self._syllable.backspace()
        else:
            self._committed = self._committed[:-1]

    def _tap_shift(self) -> None:
        now = self._clock()
        if self._shift is Shift.OFF:
            self._shift = Shift.ONCE
        elif self._shift is Shift.ONCE and now - self._shift_tapped_at <= DOUBLE_TAP_S:
            self._shift = Shift.LOCKED
        else:
            self._shift = Shift.OFF
        self._shift_tapped_at = now

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()
