from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actionhub.core.periodic import REGISTRY


def schedule():
    out = StringIO()
    call_command("schedule_periodic_tasks", stdout=out)
    return out.getvalue()


def waiting():
    return sorted(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True))


@pytest.mark.django_db(transaction=True)
def test_each_periodic_task_is_queued_once_and_requeues_itself_after_running(run_tasks):
    first = schedule()
    assert "actionhub.pledges.tasks.apply_signature_retention" in first
    assert waiting() == sorted(REGISTRY)

    assert f"0 queued now, {len(REGISTRY)} already waiting" in schedule()
    assert waiting() == sorted(REGISTRY)

    run_tasks()

    assert waiting() == sorted(REGISTRY), "each run queued its next one"
    later = DBTaskResult.objects.filter(status="READY")
    assert all(result.run_after > timezone.now() for result in later)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == len(REGISTRY)
