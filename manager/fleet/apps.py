from django.apps import AppConfig


class FleetConfig(AppConfig):
    name = "manager.fleet"
    label = "fleet"
    verbose_name = "Sites and terminals"
