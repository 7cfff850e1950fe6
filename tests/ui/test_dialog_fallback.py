"""A dialog file broken while the terminal was off: the app starts on the last good dialog.

The issue's way in: the dialog names an icon that is deleted later, and the
file is edited by hand before a reboot. Before, ``kiosk run`` exited 1 and
systemd restarted it every 2 s with the screen dark.
"""

from __future__ import annotations

from dialog_config import DEFAULT_DIALOG, load_dialog
from kiosk.dialog_copies import DialogCopies
from support.images import png
from support.operator_mode import PIN, enter, open_pin_pad, pin_settings
from support.waiting import wait_for
from sync.outbox import Outbox

#: The app keeps its copy on a worker thread just after it starts.
COPY_TIMEOUT_S = 10.0


def dialog_text(idle_s: int = 45) -> str:
    return f"""\
version: 1
languages: [en, it]
idle_reset_s: {idle_s}
topics:
  - id: staff
    label: {{en: "Service team", it: "Personale"}}
    style: {{icon: icons/staff.png}}
  - id: food
    label: {{en: "Food", it: "Cibo"}}
"""


def wait_for_copy(copies: DialogCopies) -> None:
    wait_for(
        copies.newest_first,
        timeout_s=COPY_TIMEOUT_S,
        poll_s=0.05,
        what="the app to keep a copy of its dialog",
    )


def test_the_last_good_dialog_runs_and_the_operator_screen_says_why(start_kiosk, tmp_path):
    folder = tmp_path / "operator"
    (folder / "icons").mkdir(parents=True)
    (folder / "icons" / "staff.png").write_bytes(png(48, 48))
    dialog = folder / "dialog.yaml"
    dialog.write_text(dialog_text(), encoding="utf-8")
    good = load_dialog(dialog)
    data_dir = tmp_path / "data"
    settings = {"data_dir": str(data_dir), **pin_settings(tmp_path)}

    first = start_kiosk(dialog, **settings)
    wait_for_copy(DialogCopies(data_dir))
    assert first.stop() == 0

    # While the terminal is off: the icon is deleted and a hand edit breaks the file.
    (folder / "icons" / "staff.png").unlink()
    dialog.write_text(dialog_text(idle_s=4), encoding="utf-8")

    kiosk = start_kiosk(dialog, **settings)
    kiosk.wait_step("start")
    kiosk.tap("language:en", then=lambda s: s["step"] == "choice")
    kiosk.wait_step("choice")
    assert kiosk.button("topic:staff")["text"] == "Service team"
    kiosk.tap("topic:staff", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    kiosk.tap("send", then=lambda s: s["step"] == "thanks")
    kiosk.tap("thanks", then=lambda s: s["step"] == "start")

    open_pin_pad(kiosk)
    enter(kiosk, PIN, "operator")
    state = kiosk.wait_screen("operator")
    shown = "\n".join(state["texts"])
    kept = DialogCopies(data_dir).newest_first()[0]
    assert "The dialog file has errors; the last good dialog runs instead" in shown
    assert f"{dialog}:3:15: idle_reset_s: must be from 5 to 600 (found 4)" in shown
    assert '.style.icon: "icons/staff.png": no such file' in shown
    assert str(kept) in shown and good.sha256[:16] in shown
    kiosk.screenshot(tmp_path / "operator-fallback.png")
    log = kiosk.log_text()
    assert f"the dialog file {dialog} has 2 error(s)" in log
    assert f"running the last good dialog {kept}" in log
    assert kiosk.stop() == 0

    with Outbox(data_dir, recover=False) as box:
        messages = list(box.messages())
    assert [(m["dialog"]["sha256"], m["path"][0]["id"]) for m in messages] == [
        (good.sha256, "staff")
    ], "the visit names the dialog the visitor saw"


def test_with_no_good_dialog_ever_kept_the_bundled_one_runs(start_kiosk, tmp_path):
    dialog = tmp_path / "dialog.yaml"
    dialog.write_text(
        dialog_text(idle_s=4).replace("    style: {icon: icons/staff.png}\n", ""), encoding="utf-8"
    )
    kiosk = start_kiosk(dialog, **pin_settings(tmp_path))
    kiosk.wait_step("start")
    kiosk.tap("language:en", then=lambda s: s["step"] == "rating")  # the restaurant's smileys
    kiosk.tap("cancel", then=lambda s: s["step"] == "start")
    open_pin_pad(kiosk)
    enter(kiosk, PIN, "operator")
    shown = "\n".join(kiosk.wait_screen("operator")["texts"])
    assert "The dialog file has errors; the bundled default dialog runs instead" in shown
    assert str(DEFAULT_DIALOG) in shown
    assert kiosk.stop() == 0
    data_dir = kiosk.probe_dir.parent / "data"
    assert DialogCopies(data_dir).newest_first() == [], (
        "the bundled dialog is no terminal's last good one"
    )
