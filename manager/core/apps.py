from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "manager.core"
    label = "core"
    verbose_name = "Running the manager"
