import os
import shutil
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

from actionhub.campaigns.services import campaign_pack_load
from actionhub.core.tests import hostile  # noqa: F401  (registers the Hypothesis profiles)
from actionhub.core.tests.clock import SUITE_NOW
from actionhub.core.tests.smtp import smtp_server_start
from actionhub.staff.tests.factories import OrganiserFactory, TOTPDeviceFactory
from actionhub.staff.tests.sessions import sign_in_with_code

DEFAULT_PACK = Path(__file__).parent / "campaign_packs" / "uyghur-solidarity"
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "forms"))


@pytest.fixture(autouse=True)
def _suite_clock():
    """Every test starts at the same instant (actionhub/core/tests/clock.py), never today's."""
    with time_machine.travel(SUITE_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Counts live in the cache (and rate limits too, with a shared one): each test starts with
    none. Rate limits counted in the database go with each test's transaction."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def immediate_tasks(settings, transactional_db):
    """Run each task the moment it is enqueued, when the request's transaction commits."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def campaign(db):
    """The default campaign, loaded from its pack exactly as `make run` does."""
    return campaign_pack_load(folder=DEFAULT_PACK).campaign


@pytest.fixture
def pack_copy(tmp_path):
    """A private copy of the default pack that a test may edit or break."""
    folder = tmp_path / "pack"
    shutil.copytree(DEFAULT_PACK, folder)
    return folder


@pytest.fixture
def run_tasks(transactional_db):
    """Run every queued task with the real database worker, as `make run` does.

    The worker closes database connections between tasks, so tests using it work on committed
    data (transactional_db), as the site and the worker do.
    """

    def run():
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    return run


@pytest.fixture
def organiser(db):
    return OrganiserFactory(username="organiser")


@pytest.fixture
def organiser_device(organiser):
    return TOTPDeviceFactory(user=organiser)


@pytest.fixture
def organiser_client(client, organiser, organiser_device):
    """A client signed in as an organiser, at the suite's now (sessions last 8 hours: a test
    that travels further signs in with sign_in_with_code where it travels to)."""
    return sign_in_with_code(client, organiser, organiser_device)


@pytest.fixture
def smtp(settings):
    """A real SMTP server the site's email goes to; its `messages`, and what it refuses."""
    handler, controller = smtp_server_start(settings)
    yield handler
    controller.stop()
