from datetime import timedelta

from actionhub.brands.screening import screening_runs_apply_retention
from actionhub.core.periodic import periodic


@periodic(every=timedelta(hours=6))
def apply_screening_retention():
    screening_runs_apply_retention()
