from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "actionhub.core"
    label = "core"
    verbose_name = "Site and audit log"
