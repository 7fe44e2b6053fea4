"""Work for an address someone typed that we may or may not hold: a new erase link, a link to
see one's data, a group's page link.

Whether we hold an address is itself something to keep secret, so the page answers the same
either way, and so does the time it takes: the request only counts the connection and queues
the work, and the task worker looks the address up, makes the link and sends it. The queued
task holds the typed address until it has run; finished tasks are pruned
(`core.tasks.prune_finished_tasks`), and erasing a supporter deletes any that name them.
"""

from collections.abc import Callable

from django.utils.module_loading import import_string
from django_tasks import task


def typed_address_work(func: Callable[..., None]) -> Callable[..., None]:
    """Mark `func(email=..., sender=...)` as work the worker may do for a typed address."""
    func.for_typed_address = True
    return func


def typed_address_queue(work: Callable[..., None], *, email: str, sender: str = "") -> None:
    """Queue `work` for the address typed: the request returns at once, whoever it is."""
    if not getattr(work, "for_typed_address", False):
        raise ValueError(f"{work.__qualname__} is not marked as work for a typed address.")
    for_typed_address.enqueue(f"{work.__module__}.{work.__qualname__}", email, sender)


@task()
def for_typed_address(path: str, email: str, sender: str) -> None:
    work = import_string(path)
    if not getattr(work, "for_typed_address", False):
        raise ValueError(f"{path} is not work for a typed address.")
    work(email=email, sender=sender)
