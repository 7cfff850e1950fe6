from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "manager.accounts"
    label = "accounts"
    verbose_name = "Users, API tokens and audit"
