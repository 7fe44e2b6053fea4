from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "actionhub.groups"
    label = "groups"
    verbose_name = "Community groups"
