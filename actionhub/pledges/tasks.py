from datetime import timedelta

from actionhub.campaigns.models import Pledge
from actionhub.core.periodic import periodic
from actionhub.pledges.services import (
    constituency_tallies_refresh,
    milestones_notify,
    signatures_apply_retention,
)


@periodic(every=timedelta(hours=1))
def apply_signature_retention():
    signatures_apply_retention()


@periodic(every=timedelta(minutes=1))
def notify_milestones():
    for pledge in Pledge.objects.all():
        milestones_notify(pledge=pledge)


@periodic(every=timedelta(minutes=1))
def refresh_constituency_tallies():
    for pledge in Pledge.objects.all():
        constituency_tallies_refresh(pledge=pledge)
