from datetime import timedelta

from actionhub.brands.operations import pending_imports_delete_expired
from actionhub.brands.screening import screening_runs_apply_retention
from actionhub.core.periodic import periodic


@periodic(every=timedelta(hours=6))
def apply_screening_retention():
    screening_runs_apply_retention()


@periodic(every=timedelta(hours=1))
def delete_expired_import_previews():
    pending_imports_delete_expired()
