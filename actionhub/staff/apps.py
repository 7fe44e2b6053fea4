from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "actionhub.staff"
    label = "staff"
    verbose_name = "Organiser accounts"
