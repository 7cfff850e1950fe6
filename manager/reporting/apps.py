from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "manager.reporting"
    label = "reporting"
    verbose_name = "Reports"
