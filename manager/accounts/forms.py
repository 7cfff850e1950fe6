"""Sign-in with a throttle: after repeated failures a name is refused for a while."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from manager.accounts.models import LoginFailure

#: Failures for one user name (or from one address) within the window before sign-in pauses.
MAX_FAILURES = 5
FAILURE_WINDOW = datetime.timedelta(minutes=15)


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed sign-ins. Wait 15 minutes and try again, or ask an admin "
            "to reset your password."
        ),
    }

    def clean(self):
        username = (self.data.get("username") or "").strip()
        address = client_address(self.request) if self.request else ""
        recent = LoginFailure.objects.filter(at__gte=timezone.now() - FAILURE_WINDOW)
        if recent.filter(username=username).count() >= MAX_FAILURES or (
            address and recent.filter(address=address).count() >= MAX_FAILURES * 4
        ):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            LoginFailure.objects.create(username=username[:150], address=address[:45])
            raise


def client_address(request) -> str:
    """The sign-in's address: behind the proxy, the one the proxy saw (its last
    X-Forwarded-For entry), or every user would share the proxy's address and
    one person's typos would pause everyone's sign-in."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
