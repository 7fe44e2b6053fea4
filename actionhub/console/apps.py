from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The organisers' console: the dashboard at the admin's front door and its tallies. It
    sits above every other app, reading each one's numbers; none of them knows it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "actionhub.console"
    label = "console"
    verbose_name = "Dashboard"
