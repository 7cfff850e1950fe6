"""The operator screen: the outbox per target, the dialog in use, device tests, leave."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import StringProperty

from . import KioskScreen, escape

#: How many of each target's last errors are listed.
ERRORS_SHOWN = 3


class OperatorScreen(KioskScreen):
    has_access_bar = False
    #: What the last button did, shown under the title.
    notice = StringProperty("")

    def on_leave(self, *_args) -> None:
        self.notice = ""

    def refresh(self) -> None:
        kiosk = self.kiosk
        tr = kiosk.tr
        summary = kiosk.outbox_summary()
        lines = [f"[b]{tr('Outbox')}[/b]"]
        if summary["problem"]:
            text = tr("The outbox is out of order: {reason}", reason=summary["problem"])
            lines.append(f"[color=#B3261E][b]{escape(text)}[/b][/color]")
        if summary["quarantined"]:
            lines.append(
                tr("Messages kept in the quarantine: {count}", count=summary["quarantined"])
            )
        if not summary["targets"]:
            lines.append(tr("Nothing to show"))
        for target, counts in summary["targets"].items():
            lines.append(
                f"[b]{target}[/b]: {tr('Pending')} {counts['pending']} · "
                f"{tr('Delivered')} {counts['delivered']} · "
                f"{tr('Rejected')} {counts['rejected']}"
            )
            for error in counts["last_errors"][:ERRORS_SHOWN]:
                lines.append(f"    {escape(error['error'] or '')[:160]}")
        if summary["error"] and summary["error"] != summary["problem"]:
            lines.append(f"[color=#B3261E]{escape(summary['error'])}[/color]")
        devices = kiosk.devices
        lines.append("")
        lines.append(tr("Camera: {state}", state=devices.camera_status))
        lines.append(tr("Microphone: {state}", state=devices.microphone_status))
        if devices.last_test:
            lines.append(escape(devices.last_test))
        self.ids.outbox.text = "\n".join(lines)

        dialog = kiosk.flow.dialog
        # A dialog file with errors at start: the path shows which one runs instead.
        info = [
            f"[b]{tr('Dialog in use')}[/b]",
            escape(str(dialog.source or kiosk.settings.dialog)),
            f"sha256 {dialog.sha256[:16]}…",
        ]
        if kiosk.dialog_errors:
            info.append(f"[color=#B3261E]{tr(kiosk.dialog_state())}[/color]")
            info.extend(f"[color=#B3261E]{escape(e)}[/color]" for e in kiosk.dialog_errors[:8])
        if dialog.warnings:
            info.append(f"[b]{tr('Warnings')}[/b]")
            info.extend(escape(str(w)) for w in dialog.warnings[:8])
        self.ids.dialog.text = "\n".join(info)

    def test_camera(self) -> None:
        self.kiosk.devices.test_camera(self._refresh_soon)

    def test_microphone(self) -> None:
        self.kiosk.devices.test_microphone(self._refresh_soon)

    def _refresh_soon(self) -> None:
        """Device tests end on a worker thread; the screen is redrawn on the UI thread."""
        Clock.schedule_once(lambda _dt: self.refresh())

    def reload(self) -> None:
        self.kiosk.reload_dialog(self._reloaded)

    def _reloaded(self) -> None:
        kiosk = self.kiosk
        self.notice = kiosk.tr(kiosk.dialog_state() or "Dialog reloaded")
        self.refresh()


SCREEN_CLASS = OperatorScreen
