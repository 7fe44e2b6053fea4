from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "actionhub.core"
    label = "core"
    verbose_name = "Site and audit log"

    def ready(self):
        # The deploy checks; and the `source` visitor values (core.page_cache), which a page
        # served from the shared cache may need before anything imports the forms that use them.
        from actionhub.core import checks, sources  # noqa: F401
