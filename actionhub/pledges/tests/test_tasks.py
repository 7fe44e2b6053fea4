"""Retention and milestones, run by the real worker."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from actionhub.core.periodic import periodic_schedule_all
from actionhub.pledges.models import MilestoneNotice, Signature
from actionhub.pledges.services import milestones_notify, signatures_apply_retention
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.staff.tests.factories import OrganiserFactory
from actionhub.supporters.models import Person
from actionhub.supporters.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def aged(signature, days):
    Signature.objects.filter(pk=signature.pk).update(
        submitted_at=timezone.now() - timedelta(days=days),
        updated_at=timezone.now() - timedelta(days=days),
    )
    return signature


def test_unconfirmed_signatures_are_deleted_after_seven_days_by_the_task(pledge, run_tasks):
    old_pending = aged(SignatureFactory(pledge=pledge, status="pending"), days=8)
    new_pending = aged(SignatureFactory(pledge=pledge, status="pending"), days=6)
    old_confirmed = aged(SignatureFactory(pledge=pledge, status="confirmed"), days=400)
    old_quarantine = aged(SignatureFactory(pledge=pledge, status="quarantined"), days=31)
    new_quarantine = aged(SignatureFactory(pledge=pledge, status="quarantined"), days=20)
    old_invalid = aged(SignatureFactory(pledge=pledge, status="invalidated"), days=31)

    periodic_schedule_all()
    run_tasks()

    remaining = set(Signature.objects.values_list("pk", flat=True))
    assert remaining == {new_pending.pk, old_confirmed.pk, new_quarantine.pk}
    assert not Person.objects.filter(
        pk__in=[old_pending.person_id, old_quarantine.person_id, old_invalid.person_id]
    ).exists()


def test_a_person_with_another_signature_is_kept(pledge):
    from actionhub.campaigns.tests.factories import PledgeFactory

    person = PersonFactory()
    aged(SignatureFactory(pledge=pledge, person=person, status="pending"), days=8)
    SignatureFactory(pledge=PledgeFactory(), person=person, status="confirmed")

    assert signatures_apply_retention() == 1
    assert Person.objects.filter(pk=person.pk).exists()


def confirmed_signatures(pledge, count):
    people = Person.objects.bulk_create(
        Person(
            email=f"p{n}@example.org",
            email_normalised=f"p{n}@example.org",
            first_name="A",
            last_name="B",
        )
        for n in range(count)
    )
    Signature.objects.bulk_create(
        Signature(
            pledge=pledge,
            person=person,
            email_normalised=person.email_normalised,
            status="confirmed",
        )
        for person in people
    )


def test_organisers_are_told_once_when_a_milestone_is_passed(pledge, run_tasks):
    OrganiserFactory(username="lead", email="lead@example.org")
    OrganiserFactory(username="nomail", email="")
    confirmed_signatures(pledge, 999)
    assert milestones_notify(pledge=pledge) == []

    SignatureFactory(pledge=pledge)  # the thousandth

    periodic_schedule_all()
    run_tasks()

    assert list(MilestoneNotice.objects.values_list("milestone", flat=True)) == [1000]
    [message] = mail.outbox
    assert message.to == ["lead@example.org"]
    assert message.subject == f"{pledge.title} has passed 1,000 signatures"
    assert milestones_notify(pledge=pledge) == []
