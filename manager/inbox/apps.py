from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "manager.inbox"
    label = "inbox"
    verbose_name = "Messages and cases"
