"""Asks the app's window to close as a window manager's close button does (WM_DELETE_WINDOW)."""

from __future__ import annotations

from Xlib import X, display, protocol


def request_close(display_name: str, pid: int) -> int:
    """Sends WM_DELETE_WINDOW to every top-level window of process ``pid``; returns how many."""
    connection = display.Display(display_name)
    try:
        root = connection.screen().root
        pid_atom = connection.intern_atom("_NET_WM_PID")
        protocols = connection.intern_atom("WM_PROTOCOLS")
        delete = connection.intern_atom("WM_DELETE_WINDOW")
        sent = 0
        for window in root.query_tree().children:
            owner = window.get_full_property(pid_atom, X.AnyPropertyType)
            if owner is None or owner.value[0] != pid:
                continue
            event = protocol.event.ClientMessage(
                window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0])
            )
            window.send_event(event, event_mask=X.NoEventMask)
            sent += 1
        connection.flush()
        return sent
    finally:
        connection.close()
