from datetime import timedelta

from actionhub.core.periodic import periodic
from actionhub.rights.register import data_requests_apply_retention
from actionhub.rights.services import access_links_delete_expired


@periodic(every=timedelta(hours=1))
def delete_expired_access_links():
    access_links_delete_expired()


@periodic(every=timedelta(days=1))
def apply_data_request_retention():
    data_requests_apply_retention()
