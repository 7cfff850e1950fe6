from django.apps import AppConfig


class DialogsConfig(AppConfig):
    name = "manager.dialogs"
    label = "dialogs"
    verbose_name = "Dialogs"
