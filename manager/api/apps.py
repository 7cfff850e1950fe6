from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "manager.api"
    label = "api"
    verbose_name = "Terminal and export API"
