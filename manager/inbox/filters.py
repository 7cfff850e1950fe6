"""The inbox's filters and search, as one GET form that narrows a queryset."""

from __future__ import annotations

import datetime

from django import forms
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from manager.accounts.models import User
from manager.fleet.models import Site, Terminal
from manager.inbox.models import Message, Tag

YES_NO = [("", "—"), ("yes", _("yes")), ("no", _("no"))]
TONES = [
    ("", _("any tone")),
    ("complaint", _("complaint")),
    ("praise", _("praise")),
    ("suggestion", _("suggestion")),
    ("question", _("question")),
    ("none", _("no tone")),
]


class InboxFilter(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    site = forms.ModelChoiceField(Site.objects.none(), required=False, label=_("Site"))
    terminal = forms.ModelChoiceField(Terminal.objects.none(), required=False, label=_("Terminal"))
    since = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(required=False, label=_("To"), widget=forms.DateInput({"type": "date"}))
    rating = forms.IntegerField(required=False, min_value=0, max_value=10, label=_("Rating ≤"))
    tone = forms.ChoiceField(choices=TONES, required=False, label=_("Tone"))
    alert = forms.ChoiceField(choices=YES_NO, required=False, label=_("Alert"))
    topic = forms.CharField(required=False, label=_("Topic or category"))
    status = forms.ChoiceField(required=False, label=_("Status"))
    assignee = forms.ChoiceField(required=False, label=_("Assignee"))
    tag = forms.ModelChoiceField(
        Tag.objects.all(), required=False, to_field_name="name", label=_("Tag")
    )
    voice = forms.ChoiceField(choices=YES_NO, required=False, label=_("Voice"))
    photo = forms.ChoiceField(choices=YES_NO, required=False, label=_("Photo"))
    callback = forms.ChoiceField(choices=YES_NO, required=False, label=_("Callback"))

    def __init__(self, data, *, user: User):
        super().__init__(data)
        self.user = user
        self.fields["site"].queryset = Site.objects.visible_to(user)
        # Only what an option shows: a terminal's row carries its latest status document.
        self.fields["terminal"].queryset = (
            Terminal.objects.visible_to(user).only("id", "terminal_id").order_by("terminal_id")
        )
        self.fields["terminal"].to_field_name = "terminal_id"
        self.fields["site"].to_field_name = "slug"
        self.fields["status"].choices = [("", _("open cases")), ("all", _("all"))] + [
            (value, label) for value, label in status_labels()
        ]
        self.fields["assignee"].choices = [
            ("", _("anyone")),
            ("me", _("me")),
            ("none", _("nobody")),
        ] + [(str(u.pk), u.get_username()) for u in colleagues(user)]

    def apply(self, queryset: QuerySet[Message]) -> QuerySet[Message]:
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data["site"]:
            queryset = queryset.filter(site=data["site"])
        if data["terminal"]:
            queryset = queryset.filter(terminal=data["terminal"])
        if data["since"]:
            queryset = queryset.filter(created_at__gte=_day_start(data["since"]))
        if data["until"]:
            queryset = queryset.filter(
                created_at__lt=_day_start(data["until"] + datetime.timedelta(days=1))
            )
        if data["rating"] is not None:
            queryset = queryset.filter(rating_value__lte=data["rating"])
        if data["tone"]:
            queryset = queryset.filter(tone=data["tone"])
        if data["alert"]:
            queryset = queryset.filter(alert=data["alert"] == "yes")
        if data["topic"]:
            word = data["topic"]
            queryset = queryset.filter(
                Q(topic=word)
                | Q(category=word)
                | Q(detail=word)
                | Q(path__icontains=word)
                | Q(qualified_path__icontains=word)
            )
        status = data["status"]
        if status == "":
            queryset = queryset.filter(status__in=[Message.NEW, Message.IN_PROGRESS])
        elif status != "all":
            queryset = queryset.filter(status=status)
        assignee = data["assignee"]
        if assignee == "me":
            queryset = queryset.filter(assignee=self.user)
        elif assignee == "none":
            queryset = queryset.filter(assignee=None)
        elif assignee:
            queryset = queryset.filter(assignee_id=int(assignee))
        if data["tag"]:
            queryset = queryset.filter(tags=data["tag"])
        for name, field in (("voice", "voice"), ("photo", "photo"), ("callback", "callback_phone")):
            if data[name]:
                has = ~Q(**{field: ""})
                queryset = queryset.filter(has if data[name] == "yes" else ~has)
        if data["q"]:
            queryset = search(queryset, data["q"])
        return queryset

    def active(self) -> bool:
        return any(value not in ("", None) for value in self.data.values())


def search(queryset: QuerySet[Message], words: str) -> QuerySet[Message]:
    """PostgreSQL's full-text search over the visitor's text; a plain substring on SQLite."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        return queryset.annotate(found=SearchVector("text", config="simple")).filter(
            found=SearchQuery(words, config="simple", search_type="websearch")
        )
    for word in words.split():
        queryset = queryset.filter(text__icontains=word)
    return queryset


def status_labels():
    return [
        (Message.NEW, _("new")),
        (Message.IN_PROGRESS, _("in progress")),
        (Message.RESOLVED, _("resolved")),
        (Message.DISMISSED, _("dismissed")),
    ]


def colleagues(user: User) -> QuerySet[User]:
    """The people a case can be assigned to: managers and admins of the user's sites."""
    sites = Site.objects.visible_to(user)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(role=User.ADMIN) | Q(is_superuser=True) | Q(role=User.MANAGER, sites__in=sites))
        .distinct()
        .order_by("username")
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
