"""``python -m manager``: the same as the ``kiosk-manager`` command."""

import sys

from manager.cli import main

sys.exit(main())
