from actionhub.events.tests.factories import RsvpFactory


def test_the_rsvp_factory_builds_valid_rows(campaign):
    rsvp = RsvpFactory()
    for row in (rsvp.occurrence.series, rsvp.occurrence, rsvp):
        row.full_clean()
    assert rsvp.occurrence.local_starts_at.hour == 18
