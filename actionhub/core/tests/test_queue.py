"""A task left "running" by a worker that died is queued again; one still running is not."""

from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actionhub.core.queue import tasks_requeue_stalled
from actionhub.core.tasks import send_email


def running_since(started_at) -> DBTaskResult:
    send_email.enqueue(1)
    task = DBTaskResult.objects.latest("enqueued_at")
    DBTaskResult.objects.filter(pk=task.pk).update(status="RUNNING", started_at=started_at)
    return task


def test_only_tasks_running_longer_than_any_task_takes_are_queued_again(db, settings):
    now = timezone.now()
    dead = running_since(now - settings.TASK_STALLED_AFTER - timedelta(seconds=1))
    alive = running_since(now - settings.TASK_STALLED_AFTER + timedelta(minutes=1))

    assert tasks_requeue_stalled(now=now) == 1

    assert DBTaskResult.objects.get(pk=dead.pk).status == "READY"
    assert DBTaskResult.objects.get(pk=alive.pk).status == "RUNNING"
    assert DBTaskResult.objects.ready().filter(pk=dead.pk).exists(), "a worker takes it now"
