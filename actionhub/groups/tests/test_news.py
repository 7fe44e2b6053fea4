"""News for group leaders: asked for on its own, by each leader, and stopped on its own."""

import html
import importlib
import re

import pytest
from django.apps import apps
from django.core import mail

from actionhub.groups.models import LEADER_WORDING, NEWS_WORDING, Leader
from actionhub.groups.tests.conftest import link_in
from actionhub.groups.tests.factories import LeaderFactory
from actionhub.groups.tests.test_page import page_path
from actionhub.supporters.models import Consent
from actionhub.supporters.selectors import consents_standing
from actionhub.supporters.tests.factories import ConsentFactory

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def wants_news(person) -> bool:
    return consents_standing(Consent.Purpose.GROUP_NEWS, person).exists()


def test_the_leader_is_asked_about_news_by_the_confirmation_page_not_the_form(client, register):
    register(news="on")  # a box the registration form does not have: nothing comes of it
    link = link_in(mail.outbox[-1], "/groups/confirm/")
    page = html.unescape(client.get(link).content.decode())
    assert LEADER_WORDING in page and NEWS_WORDING in page
    assert not re.search(r'<input[^>]*name="news"[^>]*checked', page), "never ticked for them"

    client.post(link, {"news": "on"})

    consent = Consent.objects.get(purpose=Consent.Purpose.GROUP_NEWS)
    assert (consent.person, consent.wording) == (Leader.objects.get().person, NEWS_WORDING)
    assert consent.method == "Group leader, confirmed by email link"


def test_news_left_unticked_is_not_agreed_and_the_group_registers_all_the_same(register, confirm):
    response = register()
    confirm()  # the box left blank, as most people will

    assert response.status_code == 303
    assert Consent.objects.filter(purpose=Consent.Purpose.GROUP_LEADER).exists()
    assert not Consent.objects.filter(purpose=Consent.Purpose.GROUP_NEWS).exists()


def test_a_co_leader_chooses_for_themselves_on_the_confirmation_page(client, campaign):
    leader = LeaderFactory()
    client.post(page_path(leader) + "invite/", {"first_name": "Dina", "email": "dina@example.org"})
    link = link_in(mail.outbox[-1], "/groups/confirm/")

    page = html.unescape(client.get(link).content.decode())
    assert LEADER_WORDING in page, "a co-leader sees what they agree to before confirming"
    assert NEWS_WORDING in page
    client.post(link, {"news": "on"})

    co_leader = Leader.objects.get(role=Leader.Role.CO_LEADER)
    assert co_leader.is_confirmed and wants_news(co_leader.person)
    assert not wants_news(leader.person), "one leader's choice is not another's"


def test_a_co_leader_who_leaves_news_unticked_confirms_without_it(client, campaign):
    leader = LeaderFactory()
    client.post(page_path(leader) + "invite/", {"first_name": "Dina", "email": "dina@example.org"})
    link = link_in(mail.outbox[-1], "/groups/confirm/")
    client.post(link)

    co_leader = Leader.objects.get(role=Leader.Role.CO_LEADER)
    assert co_leader.is_confirmed and not wants_news(co_leader.person)


def test_a_leader_asks_for_news_and_stops_it_on_the_groups_page(client, campaign):
    leader = LeaderFactory()
    path = page_path(leader)
    assert 'name="news"' in client.get(path).content.decode()

    response = client.post(path + "news/", {"news": "on"})
    assert response.status_code == 303
    assert wants_news(leader.person)
    page = client.get(response["Location"]).content.decode()
    assert "Your choice about news for group leaders is saved." in page
    assert re.search(r'<input[^>]*name="news"[^>]*checked', page), "shown ticked"
    client.post(path + "news/", {"news": "on"})
    assert Consent.objects.filter(purpose=Consent.Purpose.GROUP_NEWS).count() == 1

    client.post(path + "news/", {})  # unticked
    assert not wants_news(leader.person)
    assert client.get(path).status_code == 200, "stopping news leaves the page working"


def test_the_news_choice_needs_a_working_link(client, campaign):
    response = client.post("/groups/page/not-a-link/news/", {"news": "on"})
    assert response.status_code == 400
    assert not Consent.objects.exists()


def test_a_co_leader_removed_gets_no_more_news(client, campaign):
    leader = LeaderFactory()
    co_leader = LeaderFactory(group=leader.group, role=Leader.Role.CO_LEADER)
    client.post(page_path(co_leader) + "news/", {"news": "on"})

    client.post(page_path(leader) + f"leaders/{co_leader.pk}/remove/")

    assert not consents_standing(Consent.Purpose.GROUP_NEWS).exists()


def migration():
    return importlib.import_module("actionhub.groups.migrations.0003_group_news_consents")


def bundled_consent(leader, role="leader"):
    return ConsentFactory(
        person=leader.person, purpose=Consent.Purpose.GROUP_LEADER,
        wording=migration().BUNDLED_WORDING, method=f"Group {role}, confirmed by email link",
    )  # fmt: skip


def test_the_registrant_who_agreed_to_the_old_combined_words_keeps_news_as_its_own_consent(
    campaign,
):
    leader = LeaderFactory()
    old = bundled_consent(leader)
    co_leader = LeaderFactory(group=leader.group, role=Leader.Role.CO_LEADER)
    bundled_consent(co_leader, role="co-leader")  # confirmed by a button that said nothing
    ConsentFactory(person=LeaderFactory().person, purpose=Consent.Purpose.GROUP_LEADER,
                   wording=LEADER_WORDING)  # fmt: skip

    migration().news_consents_from_bundled(apps, None)
    migration().news_consents_from_bundled(apps, None)  # run twice: still one each

    [news] = Consent.objects.filter(purpose=Consent.Purpose.GROUP_NEWS)
    assert (news.person, news.wording, news.given_at) == (leader.person, old.wording, old.given_at)
    migration().news_consents_unsplit(apps, None)
    assert not Consent.objects.filter(purpose=Consent.Purpose.GROUP_NEWS).exists()
    assert Consent.objects.filter(purpose=Consent.Purpose.GROUP_LEADER).count() == 3


@pytest.mark.parametrize("end", ["removed", "declined"])
def test_leaders_of_a_group_removed_or_declined_get_no_more_news(campaign, organiser, end):
    from actionhub.groups.models import Group
    from actionhub.groups.services import group_decline, group_remove
    from actionhub.groups.tests.factories import GroupFactory

    status = Group.Status.APPROVED if end == "removed" else Group.Status.AWAITING_APPROVAL
    leader = LeaderFactory(group=GroupFactory(status=status))
    asked_for_news(leader)
    (group_remove if end == "removed" else group_decline)(actor=organiser, group=leader.group)

    assert not consents_standing(Consent.Purpose.GROUP_NEWS).exists()


def test_a_leader_of_two_groups_keeps_news_when_one_is_removed_but_not_for_a_pending_one(
    campaign, organiser
):
    from actionhub.groups.models import Group
    from actionhub.groups.services import group_remove
    from actionhub.groups.tests.factories import GroupFactory

    leader = LeaderFactory()
    asked_for_news(leader)
    other = LeaderFactory(person=leader.person)
    group_remove(actor=organiser, group=leader.group)
    assert wants_news(leader.person), "still leads an approved group"

    LeaderFactory(person=leader.person, group=GroupFactory(status=Group.Status.AWAITING_APPROVAL))
    group_remove(actor=organiser, group=other.group)
    assert not wants_news(leader.person), "a group waiting for approval gets no news"


def asked_for_news(leader):
    from actionhub.groups.services import leader_news_set

    leader_news_set(leader=leader, wanted=True)


def test_a_co_leader_who_already_gets_news_sees_it_ticked_and_may_stop_it_there(client, campaign):
    leader = LeaderFactory()
    elsewhere = LeaderFactory(person__email="dina@example.org",
                              person__email_normalised="dina@example.org")  # fmt: skip
    asked_for_news(elsewhere)
    client.post(page_path(leader) + "invite/", {"first_name": "Dina", "email": "dina@example.org"})
    link = link_in(mail.outbox[-1], "/groups/confirm/")

    page = client.get(link).content.decode()
    assert re.search(r'<input[^>]*name="news"[^>]*checked', page), "their choice as it stands"
    client.post(link, {})  # unticked

    assert not wants_news(elsewhere.person)
    assert Consent.objects.filter(purpose=Consent.Purpose.GROUP_NEWS).count() == 1
