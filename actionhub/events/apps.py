from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "actionhub.events"
    verbose_name = "Events"

    def ready(self):
        from actionhub.events.services import rsvps_release_for
        from actionhub.supporters.services import ERASE_STEPS

        ERASE_STEPS.append(rsvps_release_for)
