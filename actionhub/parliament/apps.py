from django.apps import AppConfig


class ParliamentConfig(AppConfig):
    name = "actionhub.parliament"
    label = "parliament"
    verbose_name = "Parliament: constituencies, MPs and postcodes"
