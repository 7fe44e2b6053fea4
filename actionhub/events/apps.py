from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "actionhub.events"
    verbose_name = "Events"

    def ready(self):
        from actionhub.campaigns.services import CONTENT_CHANGED_STEPS
        from actionhub.events.schedule import series_sync_for_campaign
        from actionhub.events.services import rsvps_release_for
        from actionhub.supporters.services import ERASE_STEPS

        ERASE_STEPS.append(rsvps_release_for)
        CONTENT_CHANGED_STEPS.append(series_sync_for_campaign)
