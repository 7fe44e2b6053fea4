"""A group proposes a one-off event; once approved it takes RSVPs like the demonstration."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.utils import timezone

from actionhub.events.models import Occurrence, Series
from actionhub.groups.models import EventProposal, Leader
from actionhub.groups.services import leader_page_url, leaderships_end_for
from actionhub.groups.tests.factories import LeaderFactory
from actionhub.supporters.services import person_erase

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def proposal_form(**changes) -> dict:
    return {
        "kind": "talk", "title": "Why we signed", "summary": "A talk after the service.",
        "date": in_days(14).isoformat(), "start_time": "19:30", "duration_minutes": "60",
        "venue_name": "Hampstead Synagogue hall", "street": "1 Dennington Park Road",
        "town": "London", "postcode": "nw6 1aw", "capacity": "", "accessibility": "accessible",
        **changes,
    }  # fmt: skip


def page_path(leader) -> str:
    return leader_page_url(leader).removeprefix("http://127.0.0.1:8000")


def test_a_proposed_event_once_approved_takes_rsvps_with_the_groups_code(
    client, campaign, organiser_client
):
    leader = LeaderFactory(group__code="hampstead-shul")
    path = page_path(leader)

    response = client.post(path + "event/", proposal_form())

    assert response.status_code == 303
    proposal = EventProposal.objects.get()
    assert (proposal.status, proposal.postcode, proposal.capacity) == ("proposed", "NW6 1AW", None)
    assert not Series.objects.filter(title="Why we signed").exists()
    assert "1 event proposed by groups, waiting for approval" in (
        organiser_client.get("/admin/").content.decode()
    )
    assert "Why we signed" in client.get(path).content.decode()

    organiser_client.post(f"/admin/groups/eventproposal/{proposal.pk}/approve/",
                          {"confirm": "yes"})  # fmt: skip

    proposal.refresh_from_db()
    series = proposal.series
    assert proposal.status == EventProposal.Status.APPROVED
    assert (series.recurrence, series.first_date) == ("", in_days(14))
    [occurrence] = Occurrence.objects.filter(series=series)
    assert occurrence.date == in_days(14)
    approved = mail.outbox[-1]
    assert approved.subject == "Your event is approved: Why we signed"
    assert f"/events/{series.slug}/?source=hampstead-shul" in approved.body
    event_page = client.get(f"/events/{series.slug}/?source=hampstead-shul").content.decode()
    assert "Organised by " + leader.group.name in event_page
    assert 'name="source" value="hampstead-shul"' in event_page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter the event’s title."),
        ({"kind": ""}, "Choose what kind of event it is."),
        ({"summary": ""}, "Say in a few sentences what the event is."),
        ({"date": ""}, "Enter the date."),
        ({"date": "31/02/2027"}, "Enter a date like 24/12/2026."),
        ({"date": 0}, "Choose a date after today."),
        ({"date": 71}, "Choose a date within the next 10 weeks"),
        ({"start_time": "25:00"}, "Enter a time like 19:30."),
        ({"duration_minutes": "7"}, "Select a valid choice"),
        ({"postcode": "nowhere"}, "Enter a UK postcode, like NW3 7UX."),
        ({"capacity": "0"}, "Enter at least 1 place, or leave it blank."),
        ({"capacity": "many"}, "Enter the number of places, like 40."),
        ({"accessibility": ""}, "Say whether it is accessible."),
    ],
)
def test_a_proposal_with_bad_input_says_why_and_keeps_what_was_typed(
    client, campaign, changes, message
):
    leader = LeaderFactory()
    if isinstance(changes.get("date"), int):  # days from the suite's today, not collection's
        changes = {"date": in_days(changes["date"]).isoformat()}
    response = client.post(page_path(leader) + "event/", proposal_form(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'value="Hampstead Synagogue hall"' in page
    assert not EventProposal.objects.exists()


def test_a_declined_event_is_never_public_and_the_leaders_are_told(
    client, campaign, organiser_client
):
    leader = LeaderFactory()
    client.post(page_path(leader) + "event/", proposal_form())
    proposal = EventProposal.objects.get()
    organiser_client.post(f"/admin/groups/eventproposal/{proposal.pk}/decline/",
                          {"confirm": "yes"})  # fmt: skip
    proposal.refresh_from_db()
    assert proposal.status == EventProposal.Status.DECLINED and proposal.series is None
    assert mail.outbox[-1].subject == "Your event: Why we signed"
    again = organiser_client.post(f"/admin/groups/eventproposal/{proposal.pk}/approve/",
                                  {"confirm": "yes"})  # fmt: skip
    assert again.status_code == 403


def test_the_groups_page_lists_approved_events_to_come_with_the_groups_link(
    client, campaign, organiser_client
):
    leader = LeaderFactory(group__code="hampstead-shul")
    client.post(page_path(leader) + "event/", proposal_form())
    client.post(page_path(leader) + "event/", proposal_form(title="Not yet approved"))
    first = EventProposal.objects.get(title="Why we signed")
    assert "Why we signed" not in client.get("/groups/").content.decode()
    organiser_client.post(f"/admin/groups/eventproposal/{first.pk}/approve/", {"confirm": "yes"})

    page = client.get("/groups/").content.decode()

    first.refresh_from_db()
    assert f'href="/events/{first.series.slug}/?source=hampstead-shul">Why we signed</a>' in page
    assert "Not yet approved" not in page


def propose(client, leader, **changes) -> EventProposal:
    client.post(page_path(leader) + "event/", proposal_form(**changes))
    return EventProposal.objects.latest("pk")


def test_a_proposal_whose_date_has_passed_can_only_be_turned_down(
    client, campaign, organiser_client
):
    proposal = propose(client, LeaderFactory())
    EventProposal.objects.filter(pk=proposal.pk).update(date=in_days(0))  # the day has come

    html = organiser_client.get(f"/admin/groups/eventproposal/{proposal.pk}/change/")
    html = html.content.decode()

    assert "Approve the event" not in html and "Do not approve" in html
    assert organiser_client.post(f"/admin/groups/eventproposal/{proposal.pk}/approve/",
                                 {"confirm": "yes"}).status_code == 403  # fmt: skip
    proposal.refresh_from_db()
    assert proposal.status == EventProposal.Status.PROPOSED
    assert "waiting for approval" not in organiser_client.get("/admin/").content.decode()


def test_removing_a_group_deletes_its_unpublished_proposals_and_cancels_its_events(
    client, campaign, organiser_client
):
    leader = LeaderFactory()
    approved = propose(client, leader)
    waiting = propose(client, leader, title="Another evening")
    organiser_client.post(f"/admin/groups/eventproposal/{approved.pk}/approve/",
                          {"confirm": "yes"})  # fmt: skip
    approved.refresh_from_db()
    group = leader.group

    organiser_client.post(f"/admin/groups/group/{group.pk}/remove/", {"confirm": "yes"})

    assert not EventProposal.objects.filter(pk=waiting.pk).exists(), "its leaders were let go"
    assert EventProposal.objects.filter(pk=approved.pk, proposed_by=None).exists()
    [occurrence] = Occurrence.objects.filter(series=approved.series)
    assert occurrence.status == Occurrence.Status.CANCELLED
    assert "Another evening" not in client.get("/groups/").content.decode()
    assert (
        organiser_client.get(f"/admin/groups/eventproposal/{waiting.pk}/approve/").status_code
        == 404
    )


@pytest.mark.parametrize("leaves", ["erases their details", "stops leading the group"])
def test_what_a_leader_proposed_goes_with_them_unless_it_was_published(
    client, campaign, organiser_client, leaves
):
    leader = LeaderFactory()
    co_leader = LeaderFactory(group=leader.group, role=Leader.Role.CO_LEADER)
    published = propose(client, co_leader, title="Why we signed")
    organiser_client.post(f"/admin/groups/eventproposal/{published.pk}/approve/",
                          {"confirm": "yes"})  # fmt: skip
    published.refresh_from_db()
    propose(client, co_leader, title="A stall", venue_name="Her front garden")
    turned_down = propose(client, co_leader, title="A quiz")
    EventProposal.objects.filter(pk=turned_down.pk).update(status=EventProposal.Status.DECLINED)
    theirs = propose(client, leader, title="The leader's own evening")

    if leaves == "erases their details":
        person_erase(person=co_leader.person)
    else:
        leaderships_end_for(person=co_leader.person)

    left = {p.title: p.proposed_by_id for p in EventProposal.objects.all()}
    assert left == {"Why we signed": None, "The leader's own evening": theirs.proposed_by_id}
    assert "Her front garden" not in str(EventProposal.objects.values_list())
    assert client.get(f"/events/{published.series.slug}/").status_code == 200


def test_proposals_left_by_leaders_gone_before_go_unless_published(
    client, campaign, organiser_client
):
    leader = LeaderFactory()
    left_behind = propose(client, leader, title="A stall", venue_name="Her front garden")
    published = propose(client, leader, title="Why we signed")
    organiser_client.post(f"/admin/groups/eventproposal/{published.pk}/approve/",
                          {"confirm": "yes"})  # fmt: skip
    EventProposal.objects.update(proposed_by=None)  # as a leader's leaving used to leave them
    still_leading = propose(client, LeaderFactory(group=leader.group, role="co-leader"))
    migration = importlib.import_module(
        "actionhub.groups.migrations.0004_unpublished_proposals_of_leaders_gone"
    )

    migration.unpublished_proposals_of_leaders_gone_delete(apps, None)

    assert set(EventProposal.objects.values_list("pk", flat=True)) == {
        published.pk, still_leading.pk,
    }  # fmt: skip
    assert left_behind.pk not in EventProposal.objects.values_list("pk", flat=True)


def test_removing_a_group_deletes_a_proposal_whoever_proposed_it(
    client, campaign, organiser_client
):
    leader = LeaderFactory()
    orphan = propose(client, leader)
    EventProposal.objects.filter(pk=orphan.pk).update(proposed_by=None)

    organiser_client.post(f"/admin/groups/group/{leader.group.pk}/remove/", {"confirm": "yes"})

    assert not EventProposal.objects.filter(pk=orphan.pk).exists()


def test_a_groups_name_shows_on_its_event_page_exactly_as_typed(client, campaign, organiser_client):
    leader = LeaderFactory(group__name="[Donate](https://elsewhere.example) <b>now</b>")
    proposal = propose(client, leader)
    organiser_client.post(f"/admin/groups/eventproposal/{proposal.pk}/approve/",
                          {"confirm": "yes"})  # fmt: skip
    proposal.refresh_from_db()
    page = client.get(f"/events/{proposal.series.slug}/").content.decode()
    assert 'href="https://elsewhere.example"' not in page
    assert "[Donate](https://elsewhere.example) &lt;b&gt;now&lt;/b&gt;" in page


def test_an_organiser_in_the_organiser_role_approves_a_groups_event(client, campaign):
    from actionhub.mailings.tests.test_console import organiser_in_role

    proposal = propose(client, LeaderFactory())
    organiser, _ = organiser_in_role("organiser-role")
    organiser.post(f"/admin/groups/eventproposal/{proposal.pk}/approve/", {"confirm": "yes"})
    proposal.refresh_from_db()
    assert proposal.status == EventProposal.Status.APPROVED
