"""``kiosk-manager``: Django's management commands under the product's own name.

``kiosk-manager serve``, ``createuser``, ``terminal``, ``token``, ``check``
and the rest are management commands of the manager's apps; Django's own
(``migrate``, ``changepassword``, ``shell``, ``dbshell``) work too. A
configuration error is printed as one clear message, exit code 1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

EXIT_FAILURE = 1
#: The product's commands work on a fresh installation: they migrate first
#: (a no-op once the database is current), as serve does.
MIGRATE_FIRST = frozenset(
    {"serve", "createuser", "terminal", "token", "dialog", "erase", "retention"}
)


def main(argv: Sequence[str] | None = None) -> int:
    from manager.config import ConfigError

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manager.settings")
    arguments = ["kiosk-manager", *(sys.argv[1:] if argv is None else argv)]
    try:
        import django
        from django.core.management import execute_from_command_line

        django.setup()
        _prepare_data_dir()
        if (
            len(arguments) > 1
            and arguments[1] in MIGRATE_FIRST
            and not {"-h", "--help"} & set(arguments)
        ):
            from django.core.management import call_command

            call_command("migrate", interactive=False, verbosity=0)
        execute_from_command_line(arguments)
    except ConfigError as exc:
        print(f"kiosk-manager: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_FAILURE
    return 0


def _prepare_data_dir() -> None:
    """The embedded default keeps its SQLite file under data_dir: make the folder."""
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
