from datetime import timedelta

from django_tasks import task

from actionhub.core.periodic import periodic
from actionhub.rights.register import data_requests_apply_retention
from actionhub.rights.services import access_links_delete_expired


@periodic(every=timedelta(hours=1))
def delete_expired_access_links():
    access_links_delete_expired()


@periodic(every=timedelta(days=1))
def apply_data_request_retention():
    data_requests_apply_retention()


# `rights.prepared` builds on the inventory, which reads this module for its schedules.


@task()
def prepare_export(export_id: int) -> None:
    from actionhub.rights.prepared import export_prepare

    export_prepare(export_id=export_id)


@periodic(every=timedelta(hours=1))
def delete_expired_exports():
    from actionhub.rights.prepared import prepared_exports_delete_expired

    prepared_exports_delete_expired()
