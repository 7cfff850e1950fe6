"""The dialog file: what the terminal asks its visitors, as the operator wrote it.

``load_dialog(path)`` returns a checked :class:`Dialog` or raises
:class:`DialogError` listing every problem of the file at once.
"""

from __future__ import annotations

from pathlib import Path

from .model import (
    Accessibility,
    Dialog,
    Label,
    MessageOptions,
    Node,
    PromoterLink,
    Rating,
    Style,
)
from .positioned_yaml import Problem
from .validate import DialogCheck, check_dialog

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
#: The dialog a terminal runs when its settings name none.
DEFAULT_DIALOG = EXAMPLES_DIR / "restaurant.yaml"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema.json"


class DialogError(Exception):
    """A dialog file that cannot be used; ``problems`` holds every reason."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def load_dialog(path: str | Path) -> Dialog:
    """Reads and checks a dialog file; warnings are kept in ``Dialog.warnings``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DialogError(
            [Problem(str(path), 1, 1, "", f"cannot read the dialog file: {exc.strerror}")]
        ) from exc
    result = check_dialog(data, file=str(path), base_dir=path.resolve().parent)
    if result.dialog is None:
        raise DialogError(result.errors)
    return result.dialog


__all__ = [
    "Accessibility",
    "DEFAULT_DIALOG",
    "Dialog",
    "DialogCheck",
    "DialogError",
    "EXAMPLES_DIR",
    "Label",
    "MessageOptions",
    "Node",
    "Problem",
    "PromoterLink",
    "Rating",
    "SCHEMA_PATH",
    "Style",
    "check_dialog",
    "load_dialog",
]
