from datetime import timedelta

from actionhub.core.periodic import periodic
from actionhub.events.schedule import occurrences_generate_all
from actionhub.events.services import (
    rsvps_apply_retention,
    rsvps_send_reminders,
    subscriptions_fill_all,
)


@periodic(every=timedelta(hours=1))
def generate_occurrences():
    """The coming weeks' dates, and "every week" RSVPs for each new one."""
    occurrences_generate_all()
    subscriptions_fill_all()


@periodic(every=timedelta(minutes=5))
def send_rsvp_reminders():
    rsvps_send_reminders()


@periodic(every=timedelta(hours=1))
def apply_rsvp_retention():
    rsvps_apply_retention()
