import factory
from django.utils import timezone

from actionhub.campaigns.models import Campaign
from actionhub.groups.codes import code_key
from actionhub.groups.models import Group, Leader
from actionhub.supporters.tests.factories import PersonFactory


class GroupFactory(factory.django.DjangoModelFactory):
    """An approved group of the default campaign (load the campaign first)."""

    class Meta:
        model = Group

    campaign = factory.LazyFunction(lambda: Campaign.objects.get(is_default=True))
    name = factory.Sequence(lambda n: f"Shul youth group {n}")
    kind = Group.Kind.YOUTH
    area = "Hampstead, London"
    code = factory.Sequence(lambda n: f"youth-{n}")
    code_key = factory.LazyAttribute(lambda group: code_key(group.code))
    status = Group.Status.APPROVED
    confirmed_at = factory.LazyFunction(timezone.now)
    approved_at = factory.LazyFunction(timezone.now)


class LeaderFactory(factory.django.DjangoModelFactory):
    """A confirmed leader."""

    class Meta:
        model = Leader

    group = factory.SubFactory(GroupFactory)
    person = factory.SubFactory(PersonFactory)
    role = Leader.Role.LEADER
    submitted_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)
