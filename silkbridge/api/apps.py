from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "silkbridge.api"
    verbose_name = "API"
