"""The group's private page: counts under the privacy rule, steps, co-leaders, the list."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from actionhub.campaigns.models import LetterTemplate, Pledge
from actionhub.events.tests.factories import RsvpFactory
from actionhub.groups.models import Group, Leader
from actionhub.groups.selectors import group_counts, ranges_private
from actionhub.groups.services import leader_page_url
from actionhub.groups.tests.conftest import link_in
from actionhub.groups.tests.factories import GroupFactory, LeaderFactory
from actionhub.letters.tests.factories import LetterFactory
from actionhub.pledges.tests.factories import SignatureFactory

LONDON = ZoneInfo("Europe/London")


def page_path(leader) -> str:
    return leader_page_url(leader).removeprefix("http://127.0.0.1:8000")


def signatures(group, *, count: int, on: datetime, source=None):
    pledge = Pledge.objects.get(campaign=group.campaign)
    for _ in range(count):
        SignatureFactory(pledge=pledge, source=source or group.code, confirmed_at=on)


def month(year, number):
    return datetime(year, number, 10, 12, tzinfo=LONDON)


def test_months_are_merged_until_each_range_holds_five():
    from datetime import date

    months = [(date(2026, 6, 1), 2), (date(2026, 7, 1), 4), (date(2026, 8, 1), 5),
              (date(2026, 9, 1), 1), (date(2026, 10, 1), 3)]  # fmt: skip
    ranges = ranges_private(months)
    assert [(r.label, r.count) for r in ranges] == [
        ("June to July 2026", 6), ("August to October 2026", 9),
    ]  # fmt: skip
    assert all(r.count >= 5 for r in ranges)
    assert ranges_private([(date(2026, 6, 1), 4)]) == []


def test_fewer_than_five_shows_no_number_at_all(client, campaign):
    leader = LeaderFactory()
    signatures(leader.group, count=4, on=month(2026, 10))

    page = client.get(page_path(leader)).content.decode()

    counts = {c.action: c for c in group_counts(leader.group)}
    assert counts["pledge"].total is None and counts["pledge"].ranges == []
    counts_section = page.split('id="counts"')[1].split('id="steps"')[0]
    assert "Fewer than 5 so far." in counts_section
    assert "4" not in counts_section


def test_counts_over_time_for_each_action_never_a_name(client, campaign):
    leader = LeaderFactory(person__first_name="Ruth")
    group = leader.group
    signatures(group, count=5, on=month(2026, 9))
    signatures(group, count=2, on=month(2026, 11))  # joins September's range
    signatures(group, count=9, on=month(2026, 11), source="someone-else")
    mp_letters = LetterTemplate.objects.filter(recipient=LetterTemplate.Recipient.MP).first()
    for _ in range(5):
        LetterFactory(template=mp_letters, source=group.code, confirmed_at=month(2026, 10),
                      sender_name="Esther Levy")  # fmt: skip
    for _ in range(6):
        RsvpFactory(source=group.code, first_name="Hannah")

    response = client.get(page_path(leader))

    page = response.content.decode()
    counts = {c.action: c for c in group_counts(group)}
    assert counts["pledge"].total == 7
    assert [(r.label, r.count) for r in counts["pledge"].ranges] == [
        ("September to November 2026", 7)
    ]
    assert counts["letters"].total == 5
    assert counts["demonstration"].total == 6
    assert counts["brands"].total is None
    assert "<strong>7</strong> in all" in page
    assert "September to November 2026" in page
    for personal in ("Esther", "Hannah", "Miriam", "@example.org", "SW1A"):
        assert personal not in page
    assert response["Cache-Control"].startswith("max-age=0")
    assert '<meta name="robots" content="noindex">' in page


def test_the_leader_ticks_steps_and_sees_the_next_one(client, campaign):
    leader = LeaderFactory()
    steps = list(campaign.engagement.steps.all())
    path = page_path(leader)
    assert f'Suggested next: <a href="/get-involved/#{steps[0].slug}">' in (
        client.get(path).content.decode()
    )

    client.post(path + "steps/", {"steps": [steps[0].pk, steps[2].pk]})

    page = client.get(path).content.decode()
    assert f'#{steps[1].slug}"><strong>{steps[1].title}</strong>' in page
    assert set(leader.group.steps_done.values_list("step_id", flat=True)) == {
        steps[0].pk, steps[2].pk,
    }  # fmt: skip
    client.post(path + "steps/", {"steps": [s.pk for s in steps]})
    assert "Your group has done every step of the plan" in client.get(path).content.decode()


def test_a_step_of_another_campaign_or_nonsense_cannot_be_ticked(client, campaign):
    leader = LeaderFactory()
    client.post(page_path(leader) + "steps/", {"steps": ["999999", "x"]})
    assert not leader.group.steps_done.exists()


@pytest.mark.usefixtures("immediate_tasks")
def test_a_co_leader_is_invited_confirms_and_gets_their_own_link(client, campaign):
    leader = LeaderFactory()
    path = page_path(leader)

    response = client.post(path + "invite/", {"first_name": "Dina", "email": "dina@example.org"})

    assert response.status_code == 303
    invitation = mail.outbox[-1]
    assert invitation.to == ["dina@example.org"]
    assert invitation.subject == "You are invited to help lead a community group"
    for typed in (leader.group.name, "Dina", leader.person.first_name):
        assert typed not in invitation.body  # sent to an address anyone could type
    assert leader.group.name in client.get(link_in(invitation, "/groups/confirm/")).content.decode()
    co_leader = Leader.objects.get(role=Leader.Role.CO_LEADER)
    assert not co_leader.is_confirmed
    link = link_in(invitation, "/groups/confirm/")
    client.get(link)
    client.post(link)
    welcome = mail.outbox[-1]
    own_page = link_in(welcome, "/groups/page/")
    assert own_page != path
    assert client.get(own_page).status_code == 200
    assert "Dina (co-leader)" in client.get(path).content.decode()


def test_an_invitation_with_bad_input_says_why_and_sends_nothing(client, campaign):
    leader = LeaderFactory()
    response = client.post(page_path(leader) + "invite/", {"first_name": "", "email": "dina"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter their first name." in page and "Enter an email address like" in page
    assert not mail.outbox and leader.group.leaders.count() == 1


def test_a_link_that_is_not_ours_old_or_for_a_removed_group_does_not_open_the_page(
    client, campaign
):
    leader = LeaderFactory()
    path = page_path(leader)
    assert client.get(path[:-6] + "abcde/").status_code == 400
    with time_machine.travel(timezone.now() + timedelta(days=181), tick=False):
        expired = client.get(path)
    assert expired.status_code == 400 and "This link has expired" in expired.content.decode()
    Group.objects.filter(pk=leader.group.pk).update(status=Group.Status.REMOVED)
    assert client.get(path).status_code == 400


@pytest.mark.usefixtures("immediate_tasks")
def test_a_lost_link_is_sent_again_and_the_page_is_the_same_for_a_stranger(client, campaign):
    leader = LeaderFactory(
        person__email="ruth@example.org", person__email_normalised="ruth@example.org"
    )
    known = client.post("/groups/your-link/", {"email": "Ruth@example.org"})
    assert link_in(mail.outbox[-1], "/groups/page/")
    stranger = client.post("/groups/your-link/", {"email": "nobody@example.org"})
    assert known["Location"] == stranger["Location"]
    assert len(mail.outbox) == 1
    assert leader.group.name in mail.outbox[0].subject


def test_only_listed_groups_are_on_the_public_list_with_totals_if_they_agreed(client, campaign):
    shown = GroupFactory(name="Hendon youth", listed=True, show_totals=True)
    quiet = GroupFactory(name="Quiet society", listed=True, show_totals=False)
    GroupFactory(name="Unlisted school", listed=False)
    GroupFactory(name="Waiting group", listed=True, status=Group.Status.AWAITING_APPROVAL)
    signatures(shown, count=6, on=month(2026, 10))
    signatures(quiet, count=6, on=month(2026, 10))

    page = client.get("/groups/").content.decode()

    assert "Hendon youth" in page and "6 actions taken through the group" in page
    assert "Quiet society" in page and page.count("actions taken through the group") == 1
    assert "Unlisted school" not in page and "Waiting group" not in page


def test_the_leader_changes_the_listing_and_totals_need_the_listing(client, campaign):
    leader = LeaderFactory()
    client.post(page_path(leader) + "listing/", {"show_totals": "on"})
    leader.group.refresh_from_db()
    assert (leader.group.listed, leader.group.show_totals) == (False, False)
    client.post(page_path(leader) + "listing/", {"listed": "on", "show_totals": "on"})
    leader.group.refresh_from_db()
    assert (leader.group.listed, leader.group.show_totals) == (True, True)


@pytest.mark.parametrize(
    ("typed", "action", "lands_on"),
    [
        ("hampstead-shul", "", "/pledge/?source=hampstead-shul"),
        ("HAMPSTEAD-SHU1", "", "/pledge/?source=hampstead-shul"),
        ("hampsteadshul", "letters/", "/write-to-your-mp/?source=hampstead-shul"),
        ("hampstead-shul", "demonstration/", "/demonstration/?source=hampstead-shul"),
        ("hampstead-shul", "brands/", "/brands/?source=hampstead-shul"),
    ],
)
def test_a_short_link_forgives_case_and_look_alikes(client, campaign, typed, action, lands_on):
    GroupFactory(code="hampstead-shul")
    response = client.get(f"/g/{typed}/{action}")
    assert response.status_code == 302
    assert response["Location"] == lands_on


def test_a_short_link_answers_alike_whether_or_not_a_group_has_the_code(client, campaign):
    GroupFactory(code="waiting", status=Group.Status.AWAITING_APPROVAL)
    assert client.get("/g/nobody/")["Location"] == "/pledge/?source=nobody"
    assert client.get("/g/Waiting/")["Location"] == "/pledge/?source=waiting"
    assert client.get("/g/<script>/")["Location"] == "/pledge/"
    assert client.get("/g/waiting/nonsense/").status_code == 404


@pytest.mark.usefixtures("immediate_tasks")
def test_removing_a_group_keeps_its_counts_under_removed_group(organiser_client, campaign):
    leader = LeaderFactory()
    group = leader.group
    signatures(group, count=5, on=month(2026, 10))

    organiser_client.post(f"/admin/groups/group/{group.pk}/remove/", {"confirm": "yes"})

    group.refresh_from_db()
    assert group.status == Group.Status.REMOVED
    assert not group.leaders.exists()
    assert mail.outbox[-1].subject == f"{group.name}: removed"
    listing = organiser_client.get("/admin/groups/group/").content.decode()
    assert "Removed group" in listing
    assert {c.action: c.total for c in group_counts(group)}["pledge"] == 5
    assert organiser_client.get(f"/g/{group.code}/").status_code == 302  # still counts


@pytest.mark.parametrize("name", ["poster-a4.pdf", "poster-a5.pdf", "handout.pdf", "slides.pdf"])
def test_each_material_downloads_with_the_groups_short_link_in_its_qr_code(client, campaign, name):
    import io

    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    leader = LeaderFactory(group__code="hampstead-shul", group__name="Hampstead youth")

    response = client.get(page_path(leader) + name)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="hampstead-shul-{name}"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[-1]
    assert "Hampstead youth" in "".join(p.extract_text() for p in reader.pages)
    [image] = page.images
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))
    assert code.text == "http://127.0.0.1:8000/g/hampstead-shul/"


def test_the_slides_download_as_powerpoint_too(client, campaign):
    import io

    from pptx import Presentation

    leader = LeaderFactory(group__code="hampstead-shul")
    response = client.get(page_path(leader) + "slides.pptx")
    assert response.status_code == 200
    slides = Presentation(io.BytesIO(response.content)).slides
    text = " ".join(shape.text_frame.text for slide in slides for shape in slide.shapes
                    if shape.has_text_frame)  # fmt: skip
    assert "http://127.0.0.1:8000/g/hampstead-shul/" in text


def test_an_unknown_material_is_not_found(client, campaign):
    assert client.get(page_path(LeaderFactory()) + "secrets.pdf").status_code == 404


@pytest.mark.usefixtures("immediate_tasks")
def test_a_leader_removes_a_co_leader_and_their_link_stops_working(client, campaign):
    leader = LeaderFactory()
    co_leader = LeaderFactory(group=leader.group, role=Leader.Role.CO_LEADER,
                              person__first_name="Dina")  # fmt: skip
    co_path = page_path(co_leader)
    assert client.get(co_path).status_code == 200

    client.post(page_path(leader) + f"leaders/{co_leader.pk}/remove/")

    assert client.get(co_path).status_code == 400
    assert "Dina" not in client.get(page_path(leader)).content.decode()
    assert leader.group.leaders.count() == 1


def test_a_co_leader_cannot_remove_the_leader(client, campaign):
    leader = LeaderFactory()
    co_leader = LeaderFactory(group=leader.group, role=Leader.Role.CO_LEADER)
    client.post(page_path(co_leader) + f"leaders/{leader.pk}/remove/")
    assert client.get(page_path(leader)).status_code == 200


@pytest.mark.usefixtures("immediate_tasks")
def test_a_new_link_ends_the_old_one(client, campaign):
    leader = LeaderFactory(
        person__email="ruth@example.org", person__email_normalised="ruth@example.org"
    )
    old = page_path(leader)
    client.post("/groups/your-link/", {"email": "ruth@example.org"})
    new = link_in(mail.outbox[-1], "/groups/page/")
    assert client.get(old).status_code == 400
    assert client.get(new).status_code == 200


def test_the_private_page_never_sends_its_link_as_referrer_and_is_not_indexed(client, campaign):
    response = client.get(page_path(LeaderFactory()))
    assert response["Referrer-Policy"] == "strict-origin"
    assert response["X-Robots-Tag"] == "noindex"


def test_a_stale_page_ticking_a_deleted_step_still_saves_the_others(client, campaign):
    leader = LeaderFactory()
    step = campaign.engagement.steps.first()
    client.post(page_path(leader) + "steps/", {"steps": [str(step.pk), "999999", "x"]})
    assert list(leader.group.steps_done.values_list("step_id", flat=True)) == [step.pk]


def test_one_person_counts_once_however_many_times_they_act(client, campaign):
    from actionhub.events.models import Rsvp
    from actionhub.supporters.tests.factories import PersonFactory

    leader = LeaderFactory()
    group = leader.group
    brand_letters = LetterTemplate.objects.filter(recipient=LetterTemplate.Recipient.BRAND).first()
    writer = PersonFactory()
    for _ in range(5):
        LetterFactory(template=brand_letters, person=writer, source=group.code,
                      confirmed_at=month(2026, 10))  # fmt: skip
    weekly = PersonFactory()
    for _ in range(10):  # an "every week" sign-up's RSVPs
        RsvpFactory(person=weekly, source=group.code)
    for _ in range(5):
        RsvpFactory(source=group.code, status=Rsvp.Status.CANCELLED)

    counts = {c.action: c.total for c in group_counts(group)}

    assert counts["brands"] is None and counts["demonstration"] is None


def test_a_month_is_the_uk_month_in_summer_time(campaign):
    leader = LeaderFactory()
    utc = ZoneInfo("UTC")
    signatures(leader.group, count=5, on=datetime(2026, 6, 30, 23, 30, tzinfo=utc))  # July in UK
    [pledge] = [c for c in group_counts(leader.group) if c.action == "pledge"]
    assert [r.label for r in pledge.ranges] == ["July 2026"]


def test_the_public_total_never_reveals_a_count_the_page_hides(client, campaign):
    group = GroupFactory(name="Hendon youth", listed=True, show_totals=True)
    signatures(group, count=12, on=month(2026, 10))
    mp_letters = LetterTemplate.objects.filter(recipient=LetterTemplate.Recipient.MP).first()
    for _ in range(3):
        LetterFactory(template=mp_letters, source=group.code, confirmed_at=month(2026, 10))

    page = client.get("/groups/").content.decode()

    assert "12 actions taken through the group" in page


def test_the_console_shows_a_groups_words_and_choices_but_changes_none(organiser_client, campaign):
    group = GroupFactory(name="Quiet society", listed=False)
    organiser_client.post(f"/admin/groups/group/{group.pk}/change/",
                          {"name": "Renamed", "listed": "on"})  # fmt: skip
    group.refresh_from_db()
    assert (group.name, group.listed) == ("Quiet society", False)
