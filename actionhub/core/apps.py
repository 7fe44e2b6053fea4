from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "actionhub.core"
    label = "core"
    verbose_name = "Site and audit log"

    def ready(self):
        from actionhub.core import checks  # noqa: F401  (registers the deploy checks)
