"""Tasks that run again and again, on the same queue and workers as every other task.

A periodic task, when it finishes, queues its next run for `every` later. `manage.py
schedule_periodic_tasks` (run by `make run` and on each deployment) queues any that are not
waiting yet, so a fresh database, or one whose queue was emptied, starts them again.
"""

import functools
from datetime import timedelta

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks import task, task_backends
from django_tasks_db.models import DBTaskResult

REGISTRY: dict[str, tuple] = {}


def periodic(*, every: timedelta):
    def register(func):
        @functools.wraps(func)
        def run_then_reschedule():
            try:
                func()
            finally:
                periodic_schedule(runner, run_after=timezone.now() + every)

        runner = task()(run_then_reschedule)
        REGISTRY[runner.module_path] = (runner, every)
        return runner

    return register


def periodic_is_waiting(runner) -> bool:
    return DBTaskResult.objects.filter(task_path=runner.module_path, status="READY").exists()


def periodic_schedule(runner, *, run_after) -> bool:
    """Queue `runner` for `run_after` unless a run is already waiting; True if queued."""
    if not task_backends["default"].supports_defer or periodic_is_waiting(runner):
        return False
    runner.using(run_after=run_after).enqueue()
    return True


def periodic_schedule_all() -> list[str]:
    autodiscover_modules("tasks")
    now = timezone.now()
    return [
        path for path, (runner, _) in REGISTRY.items() if periodic_schedule(runner, run_after=now)
    ]
