"""What the delivery service knows beyond the outbox, for ``kiosk status`` and its restarts.

A small JSON file in ``data_dir``, replaced atomically: the last dialog the
manager offered (its ETag, and the errors when it was not applied) and when
the service started and last reported its status.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from sync.fileio import write_atomically

SERVICE_STATE_FILE = "sync-state.json"


class ServiceState:
    """The state file; safe to share between the service's threads."""

    def __init__(self, data_dir: str | os.PathLike[str]):
        self.path = Path(data_dir) / SERVICE_STATE_FILE
        self._lock = threading.Lock()
        self._data = read_service_state(data_dir)

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            return self._data.get(key, default)

    def update(self, **values: Any) -> None:
        with self._lock:
            self._data.update(values)
            write_atomically(
                self.path,
                json.dumps(self._data, ensure_ascii=False, sort_keys=True, indent=1).encode(
                    "utf-8"
                ),
            )


def read_service_state(data_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """The state as last written; empty when there is none or it is damaged."""
    try:
        data = json.loads((Path(data_dir) / SERVICE_STATE_FILE).read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
