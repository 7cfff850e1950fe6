"""The subcommands of ``kiosk``, one module each (see ``kiosk.cli``)."""
