from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "actionhub.groups"
    label = "groups"
    verbose_name = "Community groups"

    def ready(self):
        from actionhub.groups.services import proposals_forget_for
        from actionhub.supporters.services import ERASE_STEPS

        ERASE_STEPS.append(proposals_forget_for)
