"""YAML with positions: plain Python data plus the line and column of every value.

Operators and technicians write these files by hand, so every complaint about
them must point at a line and column. PyYAML's safe loader throws positions
away once it has built Python objects; here the composed node tree is walked
instead, keeping the start mark of each key and value by its path in the tree.

Two deliberate departures from plain ``yaml.safe_load``:

- A key repeated in one mapping is a problem, not a silent last-wins.
- Mapping keys are taken as the text written, not resolved as YAML 1.1
  scalars: ``no: "Nei"`` is the Norwegian label, not ``False``, and ``on:``
  stays the string ``on``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

import yaml

PathPart = Union[str, int]
Path = tuple[PathPart, ...]

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


def render_path(path: Path) -> str:
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
    value_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    raw_scalars: dict[Path, str] = field(default_factory=dict)

    def position(self, path: Path, *, at_key: bool = False) -> tuple[int, int]:
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

    def raw(self, path: Path) -> str | None:
        """The scalar's text as written, e.g. ``no`` where YAML read ``False``."""
        return self.raw_scalars.get(path)

    def problem(self, path: Path, message: str, *, severity: str = "error",
                at_key: bool = False) -> Problem:
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
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            doc.problems.append(Problem(
                file, line, column, "",
                "the file is not UTF-8 text; save it as UTF-8 in your editor"))
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
        doc.problems.append(Problem(
            file, line, column, "", f"not valid YAML: a value before here cannot be read ({exc})"))
        doc.data = None
    except (_DepthError, RecursionError) as exc:
        mark = getattr(exc, "mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        doc.problems.append(Problem(
            file, line, column, "",
            f"nested more than {MAX_DEPTH} levels deep; this is not a file the terminal reads"))
        doc.data = None
    except _SizeError as exc:
        line, column = _mark_position(exc.mark)
        doc.problems.append(Problem(
            file, line, column, "",
            "aliases (*name) expand this file to far more values than it holds; "
            "this is not a file the terminal reads"))
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


def _build(loader: yaml.SafeLoader, doc: Document, node: yaml.Node, path: Path,
           depth: int, budget: _Budget) -> Any:
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
                doc.problems.append(Problem(
                    doc.file, line, column, render_path(path),
                    "a key must be plain text, not a list or a mapping"))
                continue
            key = key_node.value
            key_path = path + (key,)
            if key in from_merge and index not in merged:
                from_merge.discard(key)
            elif key in first_seen and index in merged:
                continue
            elif key in first_seen:
                line, column = _mark(key_node)
                doc.problems.append(Problem(
                    doc.file, line, column, render_path(key_path),
                    f"duplicate key; `{key}` is already set on line {first_seen[key]}"))
                continue
            first_seen[key] = key_node.start_mark.line + 1
            if index in merged:
                from_merge.add(key)
            doc.key_marks[key_path] = _mark(key_node)
            result[key] = _build(loader, doc, value_node, key_path, depth + 1, budget)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, doc, item, path + (index,), depth + 1, budget)
                for index, item in enumerate(node.value)]
    doc.raw_scalars[path] = node.value
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.MarkedYAMLError, RecursionError):
        raise
    except Exception as exc:
        # PyYAML's safe constructors fail with plain exceptions on values that
        # do not fit their explicit tag (``!!int x``, ``!!timestamp zz``).
        raise yaml.constructor.ConstructorError(
            None, None, f"the value {node.value!r} cannot be read as "
            f"{node.tag.replace('tag:yaml.org,2002:', '!!')}",
            node.start_mark) from exc
