from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "actionhub.pledges"
    label = "pledges"
    verbose_name = "Pledge signatures"
