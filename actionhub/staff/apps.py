from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StaffConfig(AppConfig):
    name = "actionhub.staff"
    label = "staff"
    verbose_name = "Organiser accounts"

    def ready(self):
        from actionhub.staff.roles import roles_after_migrate

        post_migrate.connect(roles_after_migrate, dispatch_uid="staff.roles_after_migrate")
