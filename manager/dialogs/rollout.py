"""Which dialog each terminal is assigned and which it reports applied: the rollout's state.

The terminal reports the sha256 of the dialog it runs and, when it refused
the last one it fetched, the validator's errors (the Status's
``dialog_errors``). The sha is matched to a published version here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from manager.dialogs.models import DialogAssignment, DialogVersion
from manager.fleet.models import Terminal

APPLIED, REFUSED, PENDING, UNASSIGNED = "applied", "refused", "pending", "unassigned"


@dataclasses.dataclass(frozen=True)
class Rollout:
    assigned: DialogVersion | None
    #: The published version whose sha the terminal reports; None when no version has it.
    applied: DialogVersion | None
    applied_sha256: str
    errors: list[str]

    @property
    def state(self) -> str:
        if self.assigned is None:
            return UNASSIGNED
        if self.applied_sha256 == self.assigned.sha256:
            return APPLIED
        if self.errors:
            return REFUSED
        return PENDING


def rollouts(terminals: Iterable[Terminal]) -> dict[int, Rollout]:
    """The rollout of each terminal, by its primary key, in three queries for any number."""
    terminals = list(terminals)
    by_site: dict[int, DialogVersion] = {}
    by_terminal: dict[int, DialogVersion] = {}
    for assignment in DialogAssignment.objects.select_related("version"):
        if assignment.terminal_id is not None:
            by_terminal[assignment.terminal_id] = assignment.version
        elif assignment.site_id is not None:
            by_site[assignment.site_id] = assignment.version
    shas = {str((t.last_status or {}).get("dialog_sha256") or "") for t in terminals} - {""}
    by_sha: dict[str, DialogVersion] = {}
    published = DialogVersion.objects.filter(sha256__in=shas, state=DialogVersion.PUBLISHED)
    # The same text published twice (a rollback) is known by its first number.
    for version in published.order_by("-number"):
        by_sha[version.sha256] = version
    found = {}
    for terminal in terminals:
        status = terminal.last_status or {}
        sha = str(status.get("dialog_sha256") or "")
        assigned = by_terminal.get(terminal.pk) or by_site.get(terminal.site_id)
        applied = assigned if assigned is not None and assigned.sha256 == sha else by_sha.get(sha)
        errors = [str(error) for error in status.get("dialog_errors") or []]
        found[terminal.pk] = Rollout(assigned, applied, sha, errors)
    return found
