"""The task queue after a worker dies: its task is run again, not left "running" for ever.

A `db_worker` killed mid-task (SIGKILL, the machine losing power) never marks its task
finished, and no other worker takes a task marked running. Every task here is safe to run
again (each looks at what is left to do first), so a task running for longer than any task
takes, TASK_STALLED_AFTER, is put back in the queue.
"""

from django.conf import settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def tasks_requeue_stalled(*, now=None) -> int:
    now = now or timezone.now()
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - settings.TASK_STALLED_AFTER
    ).update(status=TaskResultStatus.READY, started_at=None)
