"""``python -m support.probed_app PROBE_DIR [kiosk options] run [-v]``: the app with its probe.

Exactly ``kiosk [kiosk options] run``: the same argument parsing, settings,
start dialog and logging, the real ``KioskApp``; once the app has started
(its screens, bindings and tick in place) a :class:`support.probe.Probe`
writing to PROBE_DIR is attached to it. The UI tests, ``make screenshots``
and ``make bench`` start the app this way (support/harness.py); the product
itself has no probe and reads no control file.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from kiosk.cli import build_parser, run_command
from kiosk.commands.run import command_run

USAGE = "usage: python -m support.probed_app PROBE_DIR [kiosk options] run [run options]"


def attach_probe(directory: Path, app) -> None:
    def start(*_args) -> None:
        # Kivy is configured and the window exists only by now.
        from support.probe import Probe

        app.probe = Probe(app, directory)

    # After build(): the probe's window bindings come after the app's own, as its
    # touch stamps must (a bound handler runs before those bound earlier).
    app.bind(on_start=start)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-"):
        print(USAGE, file=sys.stderr)
        return 2
    directory, kiosk_argv = Path(argv[0]), argv[1:]
    args = build_parser().parse_args(kiosk_argv)
    if args.command != "run":
        print(f"{USAGE}\n(only `run` takes a probe, not {args.command!r})", file=sys.stderr)
        return 2
    directory.mkdir(parents=True, exist_ok=True)
    args.handler = partial(command_run, attach=partial(attach_probe, directory))
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
