from datetime import date, time

import factory
from django.db.models import F
from django.utils import timezone

from actionhub.campaigns.models import Campaign
from actionhub.core.tests.clock import next_weekday
from actionhub.events.models import Occurrence, Rsvp, Series
from actionhub.supporters.tests.factories import PersonFactory


class SeriesFactory(factory.django.DjangoModelFactory):
    """A weekly Tuesday 18:00–19:00 series in London; needs the default campaign loaded."""

    class Meta:
        model = Series

    campaign = factory.LazyFunction(lambda: Campaign.objects.get(is_default=True))
    slug = factory.Sequence(lambda n: f"series-{n}")
    title = "Weekly demonstration"
    summary = "Every Tuesday outside the embassy."
    description = "Come and stand with us."
    safety = "Stay on the public footway."
    venue_name = "Chinese Embassy – Cultural Section"
    street = "11 West Heath Road"
    locality = "Hampstead"
    town = "London"
    postcode = "NW3 7UX"
    recurrence = "FREQ=WEEKLY;BYDAY=TU"
    first_date = date(2026, 1, 6)
    start_time = time(18, 0)
    duration_minutes = 60
    timezone = "Europe/London"


class OccurrenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occurrence

    series = factory.SubFactory(SeriesFactory)
    date = factory.LazyFunction(lambda: next_weekday(1))  # the suite's next Tuesday
    starts_at = factory.LazyAttribute(lambda o: o.series.local_start(o.date))
    ends_at = factory.LazyAttribute(lambda o: o.series.end_for(o.starts_at))
    capacity = factory.LazyAttribute(lambda o: o.series.capacity)


class RsvpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rsvp
        skip_postgeneration_save = True

    occurrence = factory.SubFactory(OccurrenceFactory)
    person = factory.SubFactory(PersonFactory)
    email_normalised = factory.LazyAttribute(lambda r: r.person.email_normalised)
    first_name = factory.LazyAttribute(lambda r: r.person.first_name)
    last_name = factory.LazyAttribute(lambda r: r.person.last_name)
    status = Rsvp.Status.CONFIRMED
    submitted_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def hold_places(rsvp, create, extracted, **kwargs):
        """A confirmed RSVP holds its places, as one confirmed through the site does."""
        if create and rsvp.status == Rsvp.Status.CONFIRMED:
            Occurrence.objects.filter(pk=rsvp.occurrence_id).update(
                places_taken=F("places_taken") + rsvp.places
            )
