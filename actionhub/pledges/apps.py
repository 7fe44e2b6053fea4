from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "actionhub.pledges"
    label = "pledges"
    verbose_name = "Pledge signatures"

    def ready(self):
        # A page served from the shared cache may come before anything imports the forms,
        # whose values for each visitor (core.page_cache) it needs filled in.
        from actionhub.pledges import forms  # noqa: F401
