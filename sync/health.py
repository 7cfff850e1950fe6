"""The terminal's devices as the touchscreen app last saw them, for the status the service sends.

The app writes; the delivery service reads. They share only ``data_dir``::

    from sync.health import write_device_status
    write_device_status(settings.data_dir, camera="ok", microphone="missing")

Values are the manager API's: ``ok``, ``missing``, ``error`` or ``off``. A
device not given keeps its last value; one never reported is unknown and
left out of the status.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from sync.fileio import write_atomically

DEVICE_STATUS_FILE = "devices.json"
DEVICE_STATES = ("ok", "missing", "error", "off")
DEVICES = ("camera", "microphone")
#: The operator PIN pad's wrong tries and lockout, kept by the app
#: (kiosk/operator.py): a restart neither ends a lockout nor forgets the
#: tries; the service reports it in the status.
LOCKOUT_FILE = "pin-lockout.json"
#: A record that cannot be read is taken as the longest lockout.
DAMAGED_LOCK_S = 12 * 3600.0
DAMAGED_LOCKOUTS = 4


def write_device_status(
    data_dir: str | os.PathLike[str], *, camera: str | None = None, microphone: str | None = None
) -> None:
    """Record the state of the camera and/or the microphone (atomically)."""
    given = {"camera": camera, "microphone": microphone}
    for device, state in given.items():
        if state is not None and state not in DEVICE_STATES:
            raise ValueError(
                f"{device} state must be one of {', '.join(DEVICE_STATES)}, not {state!r}"
            )
    current = read_device_status(data_dir)
    current.update({device: state for device, state in given.items() if state is not None})
    write_atomically(
        Path(data_dir) / DEVICE_STATUS_FILE, json.dumps(current, sort_keys=True).encode("utf-8")
    )


def read_device_status(data_dir: str | os.PathLike[str]) -> dict[str, str]:
    """The known device states, e.g. ``{"camera": "ok"}``; empty when nothing was reported.

    A damaged file reads as nothing known rather than failing the status.
    """
    try:
        data: Any = json.loads((Path(data_dir) / DEVICE_STATUS_FILE).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {device: data[device] for device in DEVICES if data.get(device) in DEVICE_STATES}


def read_pin_lockout(
    data_dir: str | os.PathLike[str], *, now: float | None = None
) -> dict[str, Any] | None:
    """The PIN pad's record (``wrong_tries``, ``lockouts``, ``locked_until`` epoch s or None).

    None when there is none. A damaged record reads as the longest lockout
    from now: deleting or garbling the file must not open the pad.
    """
    path = Path(data_dir) / LOCKOUT_FILE
    try:
        data: Any = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        data = None
    valid = (
        isinstance(data, dict)
        and all(isinstance(data.get(k), int) and data[k] >= 0 for k in ("wrong_tries", "lockouts"))
        and (data.get("locked_until") is None or isinstance(data["locked_until"], (int, float)))
    )
    if not valid:
        logging.getLogger(__name__).error(
            "the PIN lockout record %s is damaged; taking it as locked", path
        )
        return {
            "wrong_tries": 0,
            "lockouts": DAMAGED_LOCKOUTS,
            "locked_until": (time.time() if now is None else now) + DAMAGED_LOCK_S,
        }
    return {k: data.get(k) for k in ("wrong_tries", "lockouts", "locked_until")}
