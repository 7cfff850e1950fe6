"""The checks that the dialog file and the settings file share.

Each check reports into one list, so a file's every mistake comes back at
once, and returns the value it vouches for (or ``None`` when it could not),
so a caller can go on checking the rest of the tree.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from .yamlpos import Document, Path, Problem, ProblemList

#: How alike a typo must be to a known name before "did you mean" names it.
SUGGESTION_CUTOFF = 0.6

#: Scalars that YAML 1.1 reads as booleans: an operator who wrote ``no`` as a
#: language code or a label meant the text, and needs to be told to quote it.
YAML_BOOLEAN_WORDS = frozenset(
    {"y", "yes", "n", "no", "on", "off", "true", "false"})


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

    def error(self, path: Path, message: str, *, at_key: bool = False) -> None:
        self.problems.append(self.doc.problem(path, message, at_key=at_key))

    def warning(self, path: Path, message: str, *, at_key: bool = False) -> None:
        self.problems.append(
            self.doc.problem(path, message, severity="warning", at_key=at_key))

    def _boolean_hint(self, path: Path, value: Any) -> str:
        raw = self.doc.raw(path)
        if isinstance(value, bool) and raw is not None and raw.lower() in YAML_BOOLEAN_WORDS:
            return f'; YAML reads a bare {raw} as {describe(value)}, so write it in quotes: "{raw}"'
        return ""

    # -- structure -----------------------------------------------------------

    def mapping(self, path: Path, value: Any, *, required: Iterable[str] = (),
                optional: Iterable[str] = ()) -> dict | None:
        """Checks that ``value`` is a mapping with only known keys and every required one."""
        required = list(required)
        known = required + list(optional)
        if not isinstance(value, dict):
            self.error(path, f"must be a mapping of keys (found {describe(value)})")
            return None
        for key in value:
            if key not in known:
                self.error(path + (key,), "unknown key" + did_you_mean(key, known),
                           at_key=True)
        for key in required:
            if key not in value:
                self.error(path + (key,), "required key is missing")
        return value

    def sequence(self, path: Path, value: Any, *, minimum: int, maximum: int,
                 what: str) -> list | None:
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

    def integer(self, path: Path, value: Any, *, minimum: int | None = None,
                maximum: int | None = None) -> int | None:
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

    def boolean(self, path: Path, value: Any) -> bool | None:
        if not isinstance(value, bool):
            self.error(path, f"must be true or false (found {describe(value)})")
            return None
        return value

    def string(self, path: Path, value: Any, *, what: str = "text") -> str | None:
        if not isinstance(value, str):
            self.error(path, f"must be {what} (found {describe(value)})"
                       + self._boolean_hint(path, value))
            return None
        return value

    def choice(self, path: Path, value: Any, choices: Iterable[Any]) -> Any:
        choices = list(choices)
        if isinstance(value, bool) or value not in choices:
            listed = ", ".join(str(c) for c in choices)
            hint = did_you_mean(value, [str(c) for c in choices]) if isinstance(value, str) else ""
            self.error(path, f"must be one of {listed} (found {describe(value)})"
                       + (hint or self._boolean_hint(path, value)))
            return None
        return value

    def matches(self, path: Path, value: Any, pattern: str, *, what: str,
                example: str | None = None) -> str | None:
        """A string that matches ``pattern`` in full; the message shows the pattern."""
        text = self.string(path, value, what=what)
        if text is None:
            return None
        if not re.fullmatch(pattern, text):
            self.error(path, f"{describe(text)} must match {pattern}"
                       + (f" (for example {example})" if example else ""))
            return None
        return text
