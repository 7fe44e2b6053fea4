from django.apps import AppConfig


class SupportersConfig(AppConfig):
    name = "actionhub.supporters"
    label = "supporters"
    verbose_name = "Supporters"
