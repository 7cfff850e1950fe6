"""Running the manager: ``serve`` and ``check``, and what the commands share."""
