"""Many people (and the same person many times) signing at the same moment."""

import pytest

from actionhub.core.tests.concurrency import only_where_writers_race, run_together
from actionhub.pledges.forms import form_started_token
from actionhub.pledges.models import Signature
from actionhub.pledges.services import signature_submit
from actionhub.supporters.models import Person

pytestmark = pytest.mark.usefixtures("immediate_tasks")
THREADS = 12


def submit_together(pledge, emails):
    """Submit one signature per address, all threads released at the same instant."""

    def submit(email):
        signature_submit(
            pledge=pledge,
            data={
                "first_name": "Miriam",
                "last_name": "Cohen",
                "email": email,
                "postcode": "NW3 7UX",
                "started": form_started_token(),
            },
            ip_address=None,
            automated=False,
        )

    return run_together(submit, emails)[1]


@only_where_writers_race
def test_identical_submissions_at_the_same_moment_create_one_signature(pledge):
    errors = submit_together(pledge, ["miriam@example.org"] * THREADS)
    assert errors == []
    assert Signature.objects.count() == 1
    assert Person.objects.count() == 1


@only_where_writers_race
def test_distinct_submissions_at_the_same_moment_are_all_kept(pledge):
    emails = [f"person{n}@example.org" for n in range(THREADS)]
    emails += ["same.person@gmail.com", "SamePerson+x@gmail.com", "s.a.m.e.person@googlemail.com"]
    errors = submit_together(pledge, emails)
    assert errors == []
    assert Signature.objects.count() == THREADS + 1
    assert Person.objects.count() == THREADS + 1
