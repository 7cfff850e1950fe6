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
import os
from pathlib import Path
from typing import Any

from sync.fileio import write_atomically

DEVICE_STATUS_FILE = "devices.json"
DEVICE_STATES = ("ok", "missing", "error", "off")
DEVICES = ("camera", "microphone")


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
