"""A task left "running" by a worker that died is queued again; one still running is not.
Finished tasks, whose arguments may hold a typed address, are not kept."""

from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actionhub.core.queue import (
    FINISHED_TASKS_KEPT,
    tasks_forget_address,
    tasks_prune_finished,
    tasks_requeue_stalled,
)
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


def finished(status, finished_at, address="someone@example.org") -> DBTaskResult:
    from actionhub.supporters.services import erase_link_send_now
    from actionhub.supporters.typed_addresses import typed_address_queue

    typed_address_queue(erase_link_send_now, email=address, sender="A campaign")
    task = DBTaskResult.objects.latest("enqueued_at")
    DBTaskResult.objects.filter(pk=task.pk).update(status=status, finished_at=finished_at)
    return task


def test_finished_tasks_are_kept_a_day_then_deleted_and_tasks_to_come_are_kept(db):
    now = timezone.now()
    old = finished("SUCCESSFUL", now - FINISHED_TASKS_KEPT - timedelta(seconds=1))
    failed = finished("FAILED", now - FINISHED_TASKS_KEPT - timedelta(hours=1))
    recent = finished("SUCCESSFUL", now - FINISHED_TASKS_KEPT + timedelta(minutes=1))
    waiting = finished("READY", None)

    assert tasks_prune_finished(now=now) == 2

    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {recent.pk, waiting.pk}
    assert old.pk not in left and failed.pk not in left


def test_erasing_an_address_deletes_the_tasks_that_name_it_even_one_still_to_run(db):
    mine = finished("READY", None, address="Ruth.Cohen@example.org")
    done = finished("SUCCESSFUL", timezone.now(), address="ruth.cohen@example.org")
    other = finished("READY", None, address="someone.else@example.org")

    assert tasks_forget_address(address="ruth.cohen@example.org") == 2

    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [other.pk]
    assert mine.pk != done.pk
