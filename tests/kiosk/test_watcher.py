"""The dialog file watcher: a valid change is offered, an invalid one reported, the last good kept."""

from __future__ import annotations

import os

from dialog_config import DEFAULT_DIALOG, load_dialog
from kiosk.watcher import DialogWatcher


def make_watcher(path, seen, errors):
    return DialogWatcher(
        path, load_dialog(path).sha256, on_valid=seen.append, on_invalid=errors.append
    )


def touch_later(path) -> None:
    """Moves the file's mtime on, as an editor's save a moment later would."""
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_an_unchanged_file_is_not_read_again(tmp_path):
    path = tmp_path / "dialog.yaml"
    path.write_bytes(DEFAULT_DIALOG.read_bytes())
    seen, errors = [], []
    watcher = make_watcher(path, seen, errors)
    watcher.poll()
    touch_later(path)
    watcher.poll()  # same bytes, new mtime: read, but nothing to offer
    assert seen == [] and errors == []


def test_a_valid_edit_is_offered_and_an_invalid_one_reported_once(tmp_path):
    path = tmp_path / "dialog.yaml"
    original = DEFAULT_DIALOG.read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    seen, errors = [], []
    watcher = make_watcher(path, seen, errors)

    path.write_text(original.replace("idle_reset_s: 45", "idle_reset_s: 60"), encoding="utf-8")
    touch_later(path)
    watcher.poll()
    assert [d.idle_reset_s for d in seen] == [60]

    path.write_text(original.replace("idle_reset_s: 45", "idle_reset_s: 4"), encoding="utf-8")
    touch_later(path)
    watcher.poll()
    touch_later(path)
    watcher.poll()
    assert len(errors) == 1
    assert "idle_reset_s: must be from 5 to 600 (found 4)" in str(errors[0])
    assert len(seen) == 1


def test_reload_reads_the_file_even_when_it_looks_unchanged(tmp_path):
    path = tmp_path / "dialog.yaml"
    path.write_text(DEFAULT_DIALOG.read_text(encoding="utf-8"), encoding="utf-8")
    seen, errors = [], []
    watcher = DialogWatcher(path, "0" * 64, on_valid=seen.append, on_invalid=errors.append)
    watcher.reload()
    assert len(seen) == 1


def test_a_file_repaired_to_the_dialog_in_use_is_offered_so_its_errors_go(tmp_path):
    path = tmp_path / "dialog.yaml"
    original = DEFAULT_DIALOG.read_text(encoding="utf-8")
    path.write_text(original.replace("idle_reset_s: 45", "idle_reset_s: 4"), encoding="utf-8")
    seen, errors = [], []
    # The app started on the last good copy, which is the original.
    watcher = DialogWatcher(
        path,
        load_dialog(DEFAULT_DIALOG).sha256,
        on_valid=seen.append,
        on_invalid=errors.append,
        errors=("dialog.yaml:3:15: idle_reset_s",),
    )
    path.write_text(original, encoding="utf-8")
    touch_later(path)
    watcher.poll()
    assert [d.sha256 for d in seen] == [load_dialog(DEFAULT_DIALOG).sha256]
    assert watcher.last_errors == ()
