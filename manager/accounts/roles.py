"""What each role may do: the one place the pages ask.

Which *messages* a user sees is decided by the querysets' ``visible_to``;
this module decides what a user may do with what they see.
"""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def may_work_cases(user) -> bool:
    """An admin or a manager changes cases; a viewer only reads."""
    return user.is_authenticated and user.is_active and (user.is_admin or user.role == "manager")


def may_read_audit(user) -> bool:
    return user.is_authenticated and user.is_admin


def may_empty_trash(user) -> bool:
    return user.is_authenticated and user.is_admin


def reader(view):
    """A page for any signed-in user; what it shows is limited by ``visible_to``."""
    return login_required(view)


def worker(view):
    """An action that changes a case: managers and admins only (403 for a viewer)."""

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        if not may_work_cases(request.user):
            raise PermissionDenied("viewers read cases; ask an admin for the manager role")
        return view(request, *args, **kwargs)

    return login_required(checked)


def admin_only(view):
    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.is_admin:
            raise PermissionDenied("only an admin sees this page")
        return view(request, *args, **kwargs)

    return login_required(checked)
