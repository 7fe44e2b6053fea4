"""News for group leaders: a campaign email to the leaders of approved groups who asked for it,
sent, stopped and complained about under its own consent."""

from urllib.parse import urlsplit

import pytest

from actionhub.campaigns.tests.factories import CampaignFactory
from actionhub.core.email import address_suppress
from actionhub.core.models import SuppressedAddress
from actionhub.core.tests.reports import complaint_report
from actionhub.groups.models import NEWS_WORDING, Group, Leader
from actionhub.groups.tests.factories import GroupFactory, LeaderFactory
from actionhub.mailings.audience import audience_describe, audience_people
from actionhub.mailings.models import Mailing, Recipient
from actionhub.mailings.sending import mailing_send_batch
from actionhub.mailings.services import mailing_send_request, mailing_start
from actionhub.mailings.tests.factories import MailingFactory, hearing_more
from actionhub.mailings.tests.test_console import ADD, DRAFT, organiser_in_role
from actionhub.mailings.tests.test_sending import parsed, report_recorded, sent_now
from actionhub.supporters.models import Consent
from actionhub.supporters.selectors import consents_standing
from actionhub.supporters.services import consent_withdraw
from actionhub.supporters.tests.factories import ConsentFactory


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.MAILING_MESSAGES_PER_SECOND = 0


def leader_with_news(**leader):
    chosen = LeaderFactory(**leader)
    ConsentFactory(person=chosen.person, purpose=Consent.Purpose.GROUP_NEWS, wording=NEWS_WORDING)
    return chosen


def to_leaders(**mailing):
    return MailingFactory(action=Mailing.Action.GROUP_LEADERS, subject="New posters", **mailing)


def standing(person, purpose) -> bool:
    return consents_standing(purpose, person).exists()


def test_it_goes_to_confirmed_leaders_of_approved_groups_who_asked_and_no_one_else(campaign):
    wanted = leader_with_news()
    co_leader = leader_with_news(group=wanted.group, role=Leader.Role.CO_LEADER)
    leader_with_news(confirmed_at=None)  # never confirmed
    leader_with_news(group__status=Group.Status.AWAITING_APPROVAL)
    leader_with_news(group__campaign=CampaignFactory(is_default=False))
    LeaderFactory()  # leads, but did not ask for news
    hearing_more()  # hears about the campaign, leads nothing
    bounced = leader_with_news()
    address_suppress(address=bounced.person.email, reason=SuppressedAddress.Reason.BOUNCED)
    stopped = leader_with_news()
    consent_withdraw(person=stopped.person, purpose=Consent.Purpose.GROUP_NEWS)

    mailing = to_leaders()

    assert set(audience_people(mailing)) == {wanted.person, co_leader.person}
    assert "leaders of approved community groups" in audience_describe(mailing)


def test_a_leader_who_leads_two_groups_gets_it_once(smtp, run_tasks, campaign, organiser):
    leader = leader_with_news()
    LeaderFactory(person=leader.person)

    sent_now(to_leaders(), organiser, run_tasks)

    assert [m["To"] for m in smtp.messages] == [leader.person.email]


def test_a_leader_can_stop_the_news_from_the_email_and_still_hears_about_the_campaign(
    smtp, run_tasks, campaign, organiser, client
):
    leader = leader_with_news()
    ConsentFactory(person=leader.person, purpose=Consent.Purpose.CAMPAIGN_EMAILS,
                   wording="Email me about this campaign")  # fmt: skip
    sent_now(to_leaders(), organiser, run_tasks)

    [message] = smtp.messages
    received = parsed(message)
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    unsubscribe = received["List-Unsubscribe"].strip().strip("<>")
    assert "/unsubscribe/group-leaders/" in unsubscribe
    for part in (text, html):
        assert "Stop news for group leaders" in part
        assert "Stop emails about this campaign" not in part
        assert unsubscribe in part
        assert "asked for news for group leaders" in part
    path = urlsplit(unsubscribe).path
    assert "Stop news for group leaders" in client.get(path).content.decode()

    page = client.post(path).content.decode()  # as a mail program's one-click button does

    assert "You will get no more news for group leaders" in page
    assert not standing(leader.person, Consent.Purpose.GROUP_NEWS)
    assert standing(leader.person, Consent.Purpose.CAMPAIGN_EMAILS)
    assert Leader.objects.filter(pk=leader.pk).exists(), "they still lead their group"


def test_a_campaign_emails_link_does_not_stop_news_for_group_leaders_nor_the_other_way(
    smtp, run_tasks, campaign, organiser, client
):
    leader = leader_with_news()
    ConsentFactory(person=leader.person, purpose=Consent.Purpose.CAMPAIGN_EMAILS,
                   wording="Email me about this campaign")  # fmt: skip
    sent_now(MailingFactory(), organiser, run_tasks)
    campaign_link = urlsplit(parsed(smtp.messages[-1])["List-Unsubscribe"].strip().strip("<>")).path
    token = campaign_link.rstrip("/").rsplit("/", 1)[1]

    response = client.post(f"/supporters/unsubscribe/group-leaders/{token}/")

    assert response.status_code == 400
    assert standing(leader.person, Consent.Purpose.GROUP_NEWS)
    client.post(campaign_link)
    assert not standing(leader.person, Consent.Purpose.CAMPAIGN_EMAILS)
    assert standing(leader.person, Consent.Purpose.GROUP_NEWS)


def test_the_check_before_each_message_agrees_with_the_leaders_audience(
    smtp, transactional_db, campaign, organiser
):
    stays, leaves, bounces = leader_with_news(), leader_with_news(), leader_with_news()
    mailing = to_leaders()
    mailing_send_request(actor=organiser, mailing=mailing)
    mailing_start(mailing_id=mailing.pk)
    consent_withdraw(person=leaves.person, purpose=Consent.Purpose.GROUP_NEWS)
    address_suppress(address=bounces.person.email, reason=SuppressedAddress.Reason.BOUNCED)
    while mailing_send_batch(mailing_id=mailing.pk):
        pass

    assert set(audience_people(mailing)) == {stays.person}
    statuses = {r.person: r.status for r in mailing.recipients.select_related("person")}
    assert statuses == {
        stays.person: Recipient.Status.SENT,
        leaves.person: Recipient.Status.UNSUBSCRIBED,
        bounces.person: Recipient.Status.SUPPRESSED,
    }


def test_a_leader_whose_group_is_removed_while_the_news_is_sending_is_not_sent_it(
    smtp, transactional_db, campaign, organiser
):
    from actionhub.groups.services import group_remove
    from actionhub.groups.tests.factories import GroupFactory

    stays, removed = leader_with_news(), leader_with_news()
    # Still a confirmed leader of a group waiting for approval, so their consent stands.
    LeaderFactory(person=removed.person, group=GroupFactory(status=Group.Status.AWAITING_APPROVAL))
    mailing = to_leaders()
    mailing_send_request(actor=organiser, mailing=mailing)
    mailing_start(mailing_id=mailing.pk)
    group_remove(actor=organiser, group=removed.group)
    # Given again, say, on the page of the group still waiting: it stands, but they lead no
    # approved group now, and the check before each message sees that.
    ConsentFactory(person=removed.person, purpose=Consent.Purpose.GROUP_NEWS,
                   wording=NEWS_WORDING)  # fmt: skip
    while mailing_send_batch(mailing_id=mailing.pk):
        pass

    assert [m["To"] for m in smtp.messages] == [stays.person.email]
    assert set(audience_people(mailing)) == {stays.person}


def test_sending_news_to_no_leader_says_why_without_asking_for_a_wider_audience(
    campaign, organiser
):
    from django.core.exceptions import ValidationError

    LeaderFactory()  # leads, but did not ask for news
    with pytest.raises(ValidationError, match="No group leader has asked for news"):
        mailing_send_request(actor=organiser, mailing=to_leaders())


def test_a_spam_complaint_about_the_news_stops_the_news(
    smtp, run_tasks, campaign, organiser, tmp_path, capsys
):
    leader = leader_with_news()
    ConsentFactory(person=leader.person, purpose=Consent.Purpose.CAMPAIGN_EMAILS,
                   wording="Email me about this campaign")  # fmt: skip
    mailing = sent_now(to_leaders(), organiser, run_tasks)
    message_id = mailing.recipients.get().message_id

    report_recorded(tmp_path, complaint_report(message_id=message_id,
                                               recipient=leader.person.email), capsys)  # fmt: skip

    assert not standing(leader.person, Consent.Purpose.GROUP_NEWS)
    assert SuppressedAddress.objects.filter(address=leader.person.email.lower()).exists()


def test_the_console_refuses_narrowing_news_for_group_leaders_and_keeps_what_was_typed(campaign):
    client, _ = organiser_in_role("writer")
    response = client.post(ADD, {**DRAFT, "campaign": campaign.pk, "action": "group-leaders",
                                 "source": "hampstead", "since": "2026-11-01"})  # fmt: skip

    assert response.status_code == 200
    page = response.content.decode()
    assert "Leave “Source code” blank: news for group leaders goes to every leader" in page
    assert "Leave “On or after” blank" in page
    assert "A date narrows down who is coming" not in page
    assert 'value="hampstead"' in page
    assert not Mailing.objects.exists()


def test_the_console_saves_news_for_group_leaders_with_the_rest_left_blank(campaign):
    leader_with_news(), leader_with_news()
    client, _ = organiser_in_role("writer")

    response = client.post(ADD, {**DRAFT, "campaign": campaign.pk, "action": "group-leaders"})

    assert response.status_code == 302
    mailing = Mailing.objects.get()
    page = client.get(f"/admin/mailings/mailing/{mailing.pk}/change/").content.decode()
    assert "If sent now, it goes to <strong>2 people</strong>" in page


def test_the_groups_list_offers_to_email_all_group_leaders(campaign):
    GroupFactory()
    client, _ = organiser_in_role("writer")

    groups = client.get("/admin/groups/group/").content.decode()
    assert "Email all group leaders" in groups
    add = client.get(ADD + "?action=group-leaders").content.decode()
    assert '<option value="group-leaders" selected>' in add
