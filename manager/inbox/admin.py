"""Sites' deadlines and the webhooks, configured by an admin in Django's admin pages."""

from django.contrib import admin
from django.db import models

from manager.inbox.models import SiteDeadlines, Webhook


@admin.register(SiteDeadlines)
class SiteDeadlinesAdmin(admin.ModelAdmin):
    list_display = ("site", "alert_min", "complaint_min", "callback_min")


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "kind", "active")
    filter_horizontal = ("sites",)
    # A URL typed without a scheme is a https one, as the receiving services are.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
