from datetime import timedelta

from actionhub.core.periodic import periodic
from actionhub.groups.services import groups_forget_unconfirmed


@periodic(every=timedelta(hours=1))
def forget_unconfirmed_groups():
    groups_forget_unconfirmed()
