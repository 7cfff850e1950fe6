"""``python -m kiosk``: the same as the ``kiosk`` command (systemd units use this)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
