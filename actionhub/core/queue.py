"""The task queue after a worker dies: its task is run again, not left "running" for ever;
and what finished tasks keep.

A `db_worker` killed mid-task (SIGKILL, the machine losing power) never marks its task
finished, and no other worker takes a task marked running. Every task here is safe to run
again (each looks at what is left to do first), so a task running for longer than any task
takes, TASK_STALLED_AFTER, is put back in the queue.

A task's row keeps its arguments, and some are an address someone typed (a link asked for):
finished tasks are deleted after FINISHED_TASKS_KEPT, and erasing a supporter deletes those
that name their address at once.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def tasks_requeue_stalled(*, now=None) -> int:
    now = now or timezone.now()
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - settings.TASK_STALLED_AFTER
    ).update(status=TaskResultStatus.READY, started_at=None)


FINISHED_TASKS_KEPT = timedelta(days=1)
FINISHED = [TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]


def tasks_prune_finished(*, now=None) -> int:
    """Finished tasks, kept a day to see what ran and what failed, then deleted."""
    now = now or timezone.now()
    deleted, _ = DBTaskResult.objects.filter(
        status__in=FINISHED, finished_at__lt=now - FINISHED_TASKS_KEPT
    ).delete()
    return deleted


def tasks_forget_address(*, address: str) -> int:
    """Erasing a supporter: tasks whose arguments hold their address, finished or still to run
    (a link to them that has not gone yet goes no more)."""
    deleted, _ = (
        DBTaskResult.objects.filter(args_kwargs__icontains=address.strip())
        .filter(~Q(status=TaskResultStatus.RUNNING))
        .delete()
    )
    return deleted
