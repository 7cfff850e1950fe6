"""Positioned YAML: read a hand-written YAML file keeping the line and column
of every value, and check it reporting every mistake at its place.

The dialog file and the settings file are both read and checked with this;
it knows neither of them. Operators and technicians write these files by
hand, so every complaint about them must point at a line and column. PyYAML's safe loader throws positions
away once it has built Python objects; here the composed node tree is walked
instead, keeping the start mark of each key and value by its path in the tree.

Two deliberate departures from plain ``yaml.safe_load``:

- A key repeated in one mapping is a problem, not a silent last-wins.
- Mapping keys are taken as the text written, not resolved as YAML 1.1
  scalars: ``no: "Nei"`` is the Norwegian label, not ``False``, and ``on:``
  stays the string ``on``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Union

import yaml

PathPart = Union[str, int]
#: Where a value sits in the tree: keys and list indexes from the root.
TreePath = tuple[PathPart, ...]

#: Nesting deeper than this is no dialog or settings file; it only appears in
#: damaged or hostile input, and would otherwise exhaust the interpreter stack.
MAX_DEPTH = 64
MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True, order=True)
class Problem:
    """One complaint about a file, printed as ``file:line:col: path: message``."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        kind = "" if self.is_error else f"{self.severity}: "
        return f"{self.file}:{self.line}:{self.column}: {where}{kind}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class ProblemList:
    """Something that holds ``problems``: its errors and its warnings, apart."""

    problems: list[Problem] | tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def render_path(path: TreePath) -> str:
    """``("topics", 1, "id")`` → ``topics[1].id``; the root is the empty string."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass
class Document:
    """A parsed file: its data and where each piece of it was written."""

    file: str
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    value_marks: dict[TreePath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[TreePath, tuple[int, int]] = field(default_factory=dict)
    raw_scalars: dict[TreePath, str] = field(default_factory=dict)

    def position(self, path: TreePath, *, at_key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``path``, or of its key.

        A path that does not exist (a missing key) falls back to its nearest
        existing parent, which is where the operator has to add it.
        """
        if at_key and path in self.key_marks:
            return self.key_marks[path]
        probe = path
        while probe:
            if probe in self.value_marks:
                return self.value_marks[probe]
            probe = probe[:-1]
        return self.value_marks.get((), (1, 1))

    def raw(self, path: TreePath) -> str | None:
        """The scalar's text as written, e.g. ``no`` where YAML read ``False``."""
        return self.raw_scalars.get(path)

    def problem(
        self, path: TreePath, message: str, *, severity: str = "error", at_key: bool = False
    ) -> Problem:
        line, column = self.position(path, at_key=at_key)
        return Problem(self.file, line, column, render_path(path), message, severity)


class _DepthError(Exception):
    def __init__(self, mark: yaml.Mark | None):
        self.mark = mark


class _SizeError(Exception):
    """Aliases that expand a small file into millions of values ("billion laughs")."""

    def __init__(self, mark: yaml.Mark | None):
        self.mark = mark


class _Budget:
    """How many more values may be built: without aliases a file holds fewer
    values than characters, so only alias expansion can run out of it."""

    def __init__(self, values: int):
        self.values = values


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def parse(data: bytes | str, file: str) -> Document:
    """Parse ``data``; syntax errors and duplicate keys land in ``problems``.

    Never raises for bad input: a file that is not YAML yields a document with
    ``data`` None and one problem at the parser's line and column.
    """
    doc = Document(file=file)
    if isinstance(data, bytes):
        raw = data
        try:
            data = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            doc.problems.append(
                Problem(
                    file,
                    line,
                    column,
                    "",
                    "the file is not UTF-8 text; save it as UTF-8 in your editor",
                )
            )
            return doc
    loader = None
    try:
        # The loader checks for characters YAML forbids as soon as it is built.
        loader = yaml.SafeLoader(data)
        node = loader.get_single_node()
        if node is not None:
            doc.data = _build(loader, doc, node, (), 0, _Budget(2 * len(data) + 1000))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        doc.problems.append(Problem(file, line, column, "", _syntax_message(exc)))
        doc.data = None
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", None)
        line, column = (1, 1)
        if position is not None:
            before = data[:position]
            line = before.count("\n") + 1
            column = position - (before.rfind("\n") + 1) + 1
        reason = getattr(exc, "reason", None) or "not valid YAML"
        if isinstance(exc, yaml.reader.ReaderError) and isinstance(exc.character, int):
            reason = f"the control character #x{exc.character:04X} is not allowed; remove it"
        doc.problems.append(Problem(file, line, column, "", f"not valid YAML: {reason}"))
        doc.data = None
    except (ValueError, OverflowError) as exc:
        # PyYAML's scanner lets a few bad escapes through as plain errors
        # ("\U10010000" names no character).
        line, column = _mark_position(loader.get_mark() if loader is not None else None)
        doc.problems.append(
            Problem(
                file,
                line,
                column,
                "",
                f"not valid YAML: a value before here cannot be read ({exc})",
            )
        )
        doc.data = None
    except (_DepthError, RecursionError) as exc:
        mark = getattr(exc, "mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        doc.problems.append(
            Problem(
                file,
                line,
                column,
                "",
                f"nested more than {MAX_DEPTH} levels deep; this is not a file the terminal reads",
            )
        )
        doc.data = None
    except _SizeError as exc:
        line, column = _mark_position(exc.mark)
        doc.problems.append(
            Problem(
                file,
                line,
                column,
                "",
                "aliases (*name) expand this file to far more values than it holds; "
                "this is not a file the terminal reads",
            )
        )
        doc.data = None
    finally:
        if loader is not None:
            loader.dispose()
    return doc


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    reason = exc.problem or exc.context or "not valid YAML"
    if "'\\t'" in reason:
        return "not valid YAML: a tab character; YAML indents with spaces only"
    if exc.context and reason.startswith("but "):
        # "expected a single document in the stream, but found another document"
        reason = f"{exc.context}, {reason}"
    return f"not valid YAML: {reason}"


def _mark_position(mark: yaml.Mark | None) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _build(
    loader: yaml.SafeLoader,
    doc: Document,
    node: yaml.Node,
    path: TreePath,
    depth: int,
    budget: _Budget,
) -> Any:
    if depth > MAX_DEPTH:
        raise _DepthError(node.start_mark)
    budget.values -= 1
    if budget.values < 0:
        raise _SizeError(node.start_mark)
    doc.value_marks[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        own_pairs = sum(1 for key_node, _ in node.value if key_node.tag != MERGE_TAG)
        loader.flatten_mapping(node)
        # flatten_mapping puts the pairs merged in with `<<` first: the
        # mapping's own keys override them, as YAML defines, without complaint.
        merged = set(range(len(node.value) - own_pairs))
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        from_merge: set[str] = set()
        for index, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, yaml.ScalarNode):
                line, column = _mark(key_node)
                doc.problems.append(
                    Problem(
                        doc.file,
                        line,
                        column,
                        render_path(path),
                        "a key must be plain text, not a list or a mapping",
                    )
                )
                continue
            key = key_node.value
            key_path = path + (key,)
            if key in from_merge and index not in merged:
                from_merge.discard(key)
            elif key in first_seen and index in merged:
                continue
            elif key in first_seen:
                line, column = _mark(key_node)
                doc.problems.append(
                    Problem(
                        doc.file,
                        line,
                        column,
                        render_path(key_path),
                        f"duplicate key; `{key}` is already set on line {first_seen[key]}",
                    )
                )
                continue
            first_seen[key] = key_node.start_mark.line + 1
            if index in merged:
                from_merge.add(key)
            doc.key_marks[key_path] = _mark(key_node)
            result[key] = _build(loader, doc, value_node, key_path, depth + 1, budget)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(loader, doc, item, path + (index,), depth + 1, budget)
            for index, item in enumerate(node.value)
        ]
    doc.raw_scalars[path] = node.value
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.MarkedYAMLError, RecursionError):
        raise
    except Exception as exc:
        # PyYAML's safe constructors fail with plain exceptions on values that
        # do not fit their explicit tag (``!!int x``, ``!!timestamp zz``).
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"the value {node.value!r} cannot be read as "
            f"{node.tag.replace('tag:yaml.org,2002:', '!!')}",
            node.start_mark,
        ) from exc


# ----------------------------------------------------------------- checking
# Each check reports into one list, so a file's every mistake comes back at
# once, and returns the value it vouches for (or ``None`` when it could not),
# so a caller can go on checking the rest of the tree.

#: How alike a typo must be to a known name before "did you mean" names it.
SUGGESTION_CUTOFF = 0.6

#: Scalars that YAML 1.1 reads as booleans: an operator who wrote ``no`` as a
#: language code or a label meant the text, and needs to be told to quote it.
YAML_BOOLEAN_WORDS = frozenset({"y", "yes", "n", "no", "on", "off", "true", "false"})


def describe(value: Any) -> str:
    """How a value reads in a message: ``"Soups"``, ``12``, ``a list``."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean `label`?"`` for a close match, else the empty string."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=SUGGESTION_CUTOFF)
    return f"; did you mean `{match[0]}`?" if match else ""


class Checker(ProblemList):
    """Collects problems about one parsed document."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = list(doc.problems)

    def error(self, path: TreePath, message: str, *, at_key: bool = False) -> None:
        self.problems.append(self.doc.problem(path, message, at_key=at_key))

    def warning(self, path: TreePath, message: str, *, at_key: bool = False) -> None:
        self.problems.append(self.doc.problem(path, message, severity="warning", at_key=at_key))

    def _boolean_hint(self, path: TreePath, value: Any) -> str:
        raw = self.doc.raw(path)
        if isinstance(value, bool) and raw is not None and raw.lower() in YAML_BOOLEAN_WORDS:
            return f'; YAML reads a bare {raw} as {describe(value)}, so write it in quotes: "{raw}"'
        return ""

    # -- structure -----------------------------------------------------------

    def mapping(
        self,
        path: TreePath,
        value: Any,
        *,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
    ) -> dict | None:
        """Checks that ``value`` is a mapping with only known keys and every required one."""
        required = list(required)
        known = required + list(optional)
        if not isinstance(value, dict):
            self.error(path, f"must be a mapping of keys (found {describe(value)})")
            return None
        for key in value:
            if key not in known:
                self.error(path + (key,), "unknown key" + did_you_mean(key, known), at_key=True)
        for key in required:
            if key not in value:
                self.error(path + (key,), "required key is missing")
        return value

    def sequence(
        self, path: TreePath, value: Any, *, minimum: int, maximum: int, what: str
    ) -> list | None:
        """Checks that ``value`` is a list of ``minimum``..``maximum`` items."""
        if not isinstance(value, list):
            self.error(path, f"must be a list of {what} (found {describe(value)})")
            return None
        if not minimum <= len(value) <= maximum:
            if minimum == maximum:
                count = f"exactly {minimum}"
            elif minimum == 0:
                count = f"at most {maximum}"
            else:
                count = f"{minimum} to {maximum}"
            self.error(path, f"must hold {count} {what} (found {len(value)})")
        return value

    # -- scalars -------------------------------------------------------------

    def integer(
        self, path: TreePath, value: Any, *, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, f"must be a whole number (found {describe(value)})")
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            if maximum is None:
                rule = f"at least {minimum}"
            elif minimum is None:
                rule = f"at most {maximum}"
            else:
                rule = f"from {minimum} to {maximum}"
            self.error(path, f"must be {rule} (found {value})")
            return None
        return value

    def boolean(self, path: TreePath, value: Any) -> bool | None:
        if not isinstance(value, bool):
            self.error(path, f"must be true or false (found {describe(value)})")
            return None
        return value

    def string(self, path: TreePath, value: Any, *, what: str = "text") -> str | None:
        if not isinstance(value, str):
            self.error(
                path, f"must be {what} (found {describe(value)})" + self._boolean_hint(path, value)
            )
            return None
        return value

    def choice(self, path: TreePath, value: Any, choices: Iterable[Any]) -> Any:
        choices = list(choices)
        if isinstance(value, bool) or value not in choices:
            listed = ", ".join(str(c) for c in choices)
            hint = did_you_mean(value, [str(c) for c in choices]) if isinstance(value, str) else ""
            self.error(
                path,
                f"must be one of {listed} (found {describe(value)})"
                + (hint or self._boolean_hint(path, value)),
            )
            return None
        return value

    def matches(
        self, path: TreePath, value: Any, pattern: str, *, what: str, example: str | None = None
    ) -> str | None:
        """A string that matches ``pattern`` in full; the message shows the pattern."""
        text = self.string(path, value, what=what)
        if text is None:
            return None
        if not re.fullmatch(pattern, text):
            self.error(
                path,
                f"{describe(text)} must match {pattern}"
                + (f" (for example {example})" if example else ""),
            )
            return None
        return text
