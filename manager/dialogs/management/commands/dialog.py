"""``kiosk-manager dialog publish FILE (--site S | --terminal ID)…`` and ``dialog status``"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from manager.accounts.models import AuditRecord
from manager.core.commands import CLI_ACTOR
from manager.dialogs.models import DialogError, DialogVersion
from manager.dialogs.rollout import REFUSED, rollouts
from manager.fleet.models import Site, Terminal


class Command(BaseCommand):
    help = (
        "Publish dialog files and assign them to sites or terminals; show which "
        "terminals run which version."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        publish = actions.add_parser(
            "publish", help="validate FILE, publish it as a new version, assign it"
        )
        publish.add_argument("file", type=Path)
        publish.add_argument("--name", help="the dialog's name (default: the file's stem)")
        publish.add_argument(
            "--site",
            action="append",
            default=[],
            help="assign to this site's terminals; repeatable",
        )
        publish.add_argument(
            "--terminal", action="append", default=[], help="assign to this terminal; repeatable"
        )

        actions.add_parser(
            "status",
            help="each terminal's assigned and applied version, and why it refused one",
        )

    def handle(self, *args, action, **options):
        if action == "status":
            return self._status()
        return self._publish(**options)

    def _status(self) -> None:
        terminals = list(Terminal.objects.select_related("site"))
        found = rollouts(terminals)
        rows = [("TERMINAL", "SITE", "ASSIGNED", "APPLIED", "STATE")]
        refusals = []
        for one in terminals:
            rollout = found[one.pk]
            applied = (
                str(rollout.applied)
                if rollout.applied is not None
                else (rollout.applied_sha256[:12] or "-")
            )
            rows.append(
                (
                    one.terminal_id,
                    one.site.slug,
                    str(rollout.assigned) if rollout.assigned else "-",
                    applied,
                    rollout.state,
                )
            )
            if rollout.state == REFUSED:
                refusals.append((one.terminal_id, rollout))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
        for terminal_id, rollout in refusals:
            self.stdout.write(f"\n{terminal_id} refused {rollout.assigned}:")
            for error in rollout.errors:
                self.stdout.write(f"  {error}")

    def _publish(self, *, file, name, site, terminal, **options):
        try:
            content = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        sites = [self._site(s) for s in site]
        terminals = [self._terminal(t) for t in terminal]
        name = name or file.stem
        try:
            with transaction.atomic():
                version = DialogVersion.publish(
                    name, content, note=f"from {file.name}", file_name=str(file)
                )
                for place in sites:
                    version.assign(site=place)
                for one in terminals:
                    version.assign(terminal=one)
                AuditRecord.record(
                    "publish",
                    "dialog",
                    str(version),
                    actor_label=CLI_ACTOR,
                    sha256=version.sha256,
                    sites=[s.slug for s in sites],
                    terminals=[t.terminal_id for t in terminals],
                )
        except DialogError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            raise CommandError(f"{file} has errors; nothing was published") from exc
        targets = [s.slug for s in sites] + [t.terminal_id for t in terminals]
        self.stdout.write(
            f"published {version} ({version.sha256[:12]})"
            + (f", assigned to {', '.join(targets)}" if targets else "")
        )

    @staticmethod
    def _site(name: str) -> Site:
        try:
            return Site.named(name)[0]
        except Site.DoesNotExist:
            raise CommandError(f"no site is named {name!r}") from None

    @staticmethod
    def _terminal(terminal_id: str) -> Terminal:
        found = Terminal.objects.filter(terminal_id=terminal_id).first()
        if found is None:
            raise CommandError(f"no terminal {terminal_id!r}; `kiosk-manager terminal list`")
        return found
