"""The dialog a terminal starts on when its file has errors, and the copies that make it possible."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from dialog_config import DEFAULT_DIALOG, load_dialog
from kiosk.dialog_copies import (
    BUNDLED_DEFAULT,
    COPIES_DIR,
    KEPT_COPIES,
    LAST_GOOD,
    DialogCopies,
    choose_start_dialog,
)
from support.images import png

BROKEN_ERROR = "idle_reset_s: must be from 5 to 600 (found 4)"


def dialog_text(staff: str = "Staff", *, idle_s: int = 45, icon: str | None = None) -> str:
    """A small dialog; ``staff`` tells versions apart, ``idle_s=4`` makes it invalid."""
    style = f"    style: {{icon: {icon}}}\n" if icon else ""
    return (
        f"version: 1\nlanguages: [en, it]\nidle_reset_s: {idle_s}\ntopics:\n"
        f"  - id: food\n    label: {{en: Food, it: Cibo}}\n{style}"
        f'  - id: staff\n    label: {{en: "{staff}", it: Personale}}\n'
    )


def write_dialog(folder: Path, text: str | None = None, *, icon: str | None = None) -> Path:
    """A dialog file in ``folder``; with ``icon``, its first topic shows that (real) icon."""
    folder.mkdir(parents=True, exist_ok=True)
    if icon is not None:
        target = (folder / icon).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(png())
    path = folder / "dialog.yaml"
    path.write_text(text or dialog_text(icon=icon), encoding="utf-8")
    return path


def staff_label(path: Path) -> str:
    return load_dialog(path).topic("staff").label.get("en")


def test_a_valid_file_is_what_the_terminal_runs(tmp_path):
    path = write_dialog(tmp_path / "etc")
    start = choose_start_dialog(path, DialogCopies(tmp_path / "data"))
    assert start.dialog.sha256 == load_dialog(path).sha256
    assert start.errors == () and start.fallback is None


def test_with_no_copy_a_file_with_errors_gives_way_to_the_bundled_default(tmp_path):
    path = write_dialog(tmp_path / "etc", dialog_text("Team", idle_s=4))
    start = choose_start_dialog(path, DialogCopies(tmp_path / "data"))
    assert start.fallback == BUNDLED_DEFAULT
    assert start.dialog.sha256 == load_dialog(DEFAULT_DIALOG).sha256
    assert any(BROKEN_ERROR in error and str(path) in error for error in start.errors)
    assert start.describe().startswith(f"the bundled default dialog {DEFAULT_DIALOG}")


def test_the_last_good_copy_runs_even_after_its_icon_was_deleted(tmp_path):
    """The issue's case: a dialog whose icon is later deleted, then a broken file and a restart."""
    folder = tmp_path / "etc"
    path = write_dialog(folder, dialog_text("Team", icon="icons/food.png"), icon="icons/food.png")
    good = load_dialog(path)
    copies = DialogCopies(tmp_path / "data")
    kept = copies.keep(good)
    assert kept is not None and kept.is_relative_to(tmp_path / "data" / COPIES_DIR)

    (folder / "icons" / "food.png").unlink()
    path.write_text(dialog_text("Team", idle_s=4, icon="icons/food.png"), encoding="utf-8")
    start = choose_start_dialog(path, copies)
    assert start.fallback == LAST_GOOD
    assert start.dialog.sha256 == good.sha256, "the same bytes: messages name the same dialog"
    assert start.dialog.source == kept
    assert start.dialog.topics[0].style.icon.read_bytes() == png()
    assert start.dialog.topic("staff").label.get("en") == "Team"
    assert any(BROKEN_ERROR in error for error in start.errors)


def test_the_newest_copy_that_still_validates_is_taken(tmp_path):
    folder = tmp_path / "etc"
    copies = DialogCopies(tmp_path / "data")
    path = write_dialog(folder, dialog_text("First"))
    first = copies.keep(load_dialog(path))
    path = write_dialog(folder, dialog_text("Second"))
    second = copies.keep(load_dialog(path))
    assert copies.newest_first() == [second, first]

    path.write_text(dialog_text(idle_s=4), encoding="utf-8")
    assert staff_label(choose_start_dialog(path, copies).dialog.source) == "Second"
    # A copy damaged on disk is passed over for the one before it.
    second.write_text(dialog_text(idle_s=4), encoding="utf-8")
    assert staff_label(choose_start_dialog(path, copies).dialog.source) == "First"


def test_a_dialog_applied_again_becomes_the_newest_without_a_second_copy(tmp_path):
    folder = tmp_path / "etc"
    copies = DialogCopies(tmp_path / "data")
    a = load_dialog(write_dialog(folder, dialog_text("A")))
    b = load_dialog(write_dialog(folder / "b", dialog_text("B")))
    copies.keep(a)
    copies.keep(b)
    assert copies.keep(b) == copies.newest_first()[0], "the newest already is this dialog"
    again = copies.keep(a)
    assert copies.newest_first()[0] == again
    assert [staff_label(p) for p in copies.newest_first()] == ["A", "B"]


def test_only_the_last_few_copies_are_kept(tmp_path):
    copies = DialogCopies(tmp_path / "data")
    names = [f"Team {n}" for n in range(KEPT_COPIES + 3)]
    for name in names:
        copies.keep(load_dialog(write_dialog(tmp_path / "etc", dialog_text(name))))
    kept = copies.newest_first()
    assert [staff_label(p) for p in kept] == list(reversed(names))[:KEPT_COPIES]
    assert len(list((tmp_path / "data" / COPIES_DIR).iterdir())) == KEPT_COPIES


def test_a_dialog_read_from_a_copy_is_not_copied_again(tmp_path):
    copies = DialogCopies(tmp_path / "data")
    kept = copies.keep(load_dialog(write_dialog(tmp_path / "etc")))
    (tmp_path / "etc" / "dialog.yaml").write_text(dialog_text("B"), encoding="utf-8")
    copies.keep(load_dialog(tmp_path / "etc" / "dialog.yaml"))
    assert copies.keep(load_dialog(kept)) is None
    assert len(copies.newest_first()) == 2


def test_a_copy_interrupted_by_a_power_cut_is_ignored_and_cleared(tmp_path):
    copies = DialogCopies(tmp_path / "data")
    half = tmp_path / "data" / COPIES_DIR / ".000001-0123456789abcdef.tmp"
    half.mkdir(parents=True)
    (half / "dialog.yaml").write_text("version: 1\nlang", encoding="utf-8")
    assert copies.newest_first() == []
    kept = copies.keep(load_dialog(write_dialog(tmp_path / "etc")))
    assert copies.newest_first() == [kept]
    assert not half.exists()


def test_a_copy_that_cannot_be_written_is_logged_and_the_app_goes_on(tmp_path, caplog):
    blocker = tmp_path / "data"
    blocker.write_text("not a folder", encoding="utf-8")  # as a full or broken disk would
    copies = DialogCopies(blocker)
    with caplog.at_level(logging.WARNING, logger="kiosk.dialog_copies"):
        assert copies.keep(load_dialog(write_dialog(tmp_path / "etc"))) is None
    assert "could not keep a copy of the dialog" in caplog.text


def test_a_file_changed_since_it_was_read_is_not_copied_under_the_old_identity(tmp_path):
    path = write_dialog(tmp_path / "etc")
    dialog = load_dialog(path)
    path.write_text(dialog_text("Changed"), encoding="utf-8")
    copies = DialogCopies(tmp_path / "data")
    assert copies.keep(dialog) is None
    assert copies.newest_first() == []


@pytest.mark.parametrize("kept", [0, 1])
def test_a_broken_copy_never_stops_the_start(tmp_path, kept):
    """Copies garbled on disk fall through to the bundled default."""
    copies = DialogCopies(tmp_path / "data")
    path = write_dialog(tmp_path / "etc")
    if kept:
        copies.keep(load_dialog(path)).write_bytes(b"\xff\xfe not yaml")
    path.write_text(dialog_text(idle_s=4), encoding="utf-8")
    start = choose_start_dialog(path, copies)
    assert start.fallback == BUNDLED_DEFAULT


def test_the_order_holds_past_a_million_copies(tmp_path):
    copies = DialogCopies(tmp_path / "data")
    first = copies.keep(load_dialog(write_dialog(tmp_path / "etc", dialog_text("Old"))))
    folder = first.parent
    folder.rename(folder.with_name(f"999999-{folder.name.split('-')[1]}"))
    newer = copies.keep(load_dialog(write_dialog(tmp_path / "etc", dialog_text("New"))))
    assert newer.parent.name.startswith("1000000-")
    assert [staff_label(p) for p in copies.newest_first()] == ["New", "Old"]
