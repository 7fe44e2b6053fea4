import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from actionhub.campaigns.models import Appeal, Demonstration
from actionhub.campaigns.selectors import demonstration_next_dates
from actionhub.campaigns.services import campaign_content_changed
from actionhub.events.schedule import occurrences_generate_all
from actionhub.tests.pages import CAMPAIGN_PAGES

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize("url", CAMPAIGN_PAGES)
def test_every_page_is_titled_after_its_own_heading(campaign, client, url):
    content = client.get(url).content.decode()
    [heading] = re.findall(r"<h1>(.*?)</h1>", content)
    [title] = re.findall(r"<title>(.*?)</title>", content)
    page_name = "Home" if url == "/" else heading
    assert title == f"{page_name} – Jewish Action Against Persecution of Uyghurs"


def test_an_unknown_address_gets_the_friendly_not_found_page(campaign, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Go to the home page" in response.content.decode()


def test_before_any_campaign_is_loaded_the_site_says_not_found_not_error(client):
    response = client.get("/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_server_error_gets_the_friendly_error_page(campaign, client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("actionhub.campaigns.views.campaign_get_default", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()


def test_the_appeal_shows_progress_only_when_a_target_is_set(campaign, client):
    assert "<progress" not in client.get("/appeal/").content.decode()

    Appeal.objects.update(target=20_000, raised=5_000)

    content = client.get("/appeal/").content.decode()
    assert '<progress aria-labelledby="appeal-progress" max="100" value="25">' in content
    assert "£5,000 of a £20,000 target (25%)" in content


def test_appeal_progress_never_passes_one_hundred_percent(campaign):
    appeal = Appeal.objects.get()
    appeal.target, appeal.raised = 100, 250
    assert appeal.progress_percent == 100


def test_demonstration_dates_stay_at_six_pm_across_the_clock_change(campaign):
    demonstration = Demonstration.objects.get()
    # Monday 19 October 2026, BST; the clocks go back on Sunday 25 October.
    now = datetime(2026, 10, 19, 12, 0, tzinfo=LONDON)

    dates = demonstration_next_dates(demonstration=demonstration, count=3, now=now)

    assert [start.strftime("%a %d %b %H:%M %Z") for start, _ in dates] == [
        "Tue 20 Oct 18:00 BST",
        "Tue 27 Oct 18:00 GMT",
        "Tue 03 Nov 18:00 GMT",
    ]
    assert [end.strftime("%H:%M") for _, end in dates] == ["19:00", "19:00", "19:00"]
    utc_hours = [start.astimezone(ZoneInfo("UTC")).hour for start, _ in dates]
    assert utc_hours == [17, 18, 18]


def test_a_demonstration_under_way_is_listed_until_it_ends(campaign):
    demonstration = Demonstration.objects.get()
    during = datetime(2026, 12, 1, 18, 30, tzinfo=LONDON)
    after = datetime(2026, 12, 1, 19, 1, tzinfo=LONDON)

    assert demonstration_next_dates(demonstration=demonstration, count=1, now=during)[0][0].day == 1
    assert demonstration_next_dates(demonstration=demonstration, count=1, now=after)[0][0].day == 8


def test_the_demonstration_page_lists_the_next_eight_tuesdays(campaign, client):
    with time_machine.travel(datetime(2027, 3, 22, 9, 0, tzinfo=LONDON)):
        occurrences_generate_all()  # the hourly task keeps the dates ahead
        content = client.get("/demonstration/").content.decode()
    dates = content.split('id="dates-heading"', 1)[1].split("</ul>", 1)[0]
    assert dates.count('<time datetime="') == 8
    assert "Tuesday 23 March 2027, 18:00–19:00" in content
    # The clocks go forward on 28 March 2027: still 18:00 local time.
    assert '<time datetime="2027-03-30T18:00:00+01:00">' in content


def test_the_map_link_goes_to_openstreetmap_without_embedding_it(campaign, client):
    content = client.get("/demonstration/").content.decode()
    assert (
        'href="https://www.openstreetmap.org/search?query=11+West+Heath+Road%2C+Hampstead%2C'
        '+London+NW3+7UX"' in content
    )
    assert "<iframe" not in content


def test_content_cannot_inject_scripts(campaign, client):
    Appeal.objects.update(
        body='Hello <script>alert(1)</script> [click](javascript:alert(1)) <img src="https://x.example/t.gif">'
    )
    content = client.get("/appeal/").content.decode()
    assert "<script>alert(1)" not in content
    assert "javascript:" not in content
    assert "x.example" not in content


def test_the_schedule_is_described_from_the_recurrence_rule(campaign, client):
    Demonstration.objects.update(recurrence="FREQ=WEEKLY;BYDAY=WE,FR", duration_minutes=90)
    campaign_content_changed(campaign=campaign)  # as saving it in the admin does
    content = client.get("/demonstration/").content.decode()
    assert "<dt>When</dt><dd>Every Wednesday and Friday, 18:00 to 19:30 (UK time)</dd>" in content


def test_a_series_that_has_ended_says_so(campaign, client):
    from actionhub.events.models import Occurrence

    Occurrence.objects.all().delete()  # it ended long ago: its dates are gone
    Demonstration.objects.update(recurrence="FREQ=WEEKLY;BYDAY=TU;UNTIL=20200101T000000")
    campaign_content_changed(campaign=campaign)
    content = client.get("/demonstration/").content.decode()
    assert "No dates are planned at the moment." in content
    assert "18:00 to 19:00 (UK time)" in content


def test_one_of_a_kind_parts_cannot_be_deleted_in_the_admin(campaign, organiser_client):
    appeal = Appeal.objects.get()
    response = organiser_client.post(
        f"/admin/campaigns/appeal/{appeal.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert client_page_ok(organiser_client, "/appeal/")


def client_page_ok(client, url):
    return client.get(url).status_code == 200


def test_a_missing_part_gives_not_found_not_an_error(campaign, client):
    Demonstration.objects.all().delete()
    assert client.get("/demonstration/").status_code == 404
    assert client.get("/").status_code == 200


def test_deleting_a_demand_in_the_admin_is_described_in_the_audit_log(campaign, organiser_client):
    from actionhub.campaigns.models import Pledge
    from actionhub.core.models import AuditEntry

    pledge = Pledge.objects.get()
    demands = list(pledge.demands.all())
    form = {
        "campaign": pledge.campaign_id,
        "slug": pledge.slug,
        "title": pledge.title,
        "introduction": pledge.introduction,
        "commitment": pledge.commitment,
        "demands-TOTAL_FORMS": str(len(demands)),
        "demands-INITIAL_FORMS": str(len(demands)),
    }
    for index, demand in enumerate(demands):
        form |= {
            f"demands-{index}-id": demand.pk,
            f"demands-{index}-pledge": pledge.pk,
            f"demands-{index}-position": demand.position,
            f"demands-{index}-text": demand.text,
        }
    form["demands-5-DELETE"] = "on"

    response = organiser_client.post(f"/admin/campaigns/pledge/{pledge.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert pledge.demands.count() == 5
    summary = AuditEntry.objects.get(action="content.changed").summary
    assert "Deleted pledge demand" in summary and "I will also support" in summary


def test_the_home_page_opens_with_the_count_the_next_date_and_the_appeal(campaign, client):
    with time_machine.travel(datetime(2026, 11, 30, 9, 0, tzinfo=LONDON), tick=False):
        content = client.get("/").content.decode()
    act_now = content[content.index('class="act-now"') : content.index('id="statement"')]
    assert "<strong>0</strong> people have signed." in act_now
    assert 'href="/pledge/stop-uyghur-genocide/">Sign the pledge</a>' in act_now
    assert 'Tuesday 1 December, <span class="nowrap">18:00–19:00</span>' in act_now
    rsvp_page = "/events/weekly-demonstration/2026-12-01/"
    assert f'href="{rsvp_page}">Say you are coming</a>' in act_now
    assert "<progress" not in act_now, "no appeal progress until a target is set"

    Appeal.objects.update(currency="EUR", target=2_000, raised=2_500)
    content = client.get("/").content.decode()
    assert "€2,500 raised of a €2,000 target." in content
    assert 'max="100" value="100"' in content


def test_the_home_page_s_letter_card_is_about_mps_and_the_brand_letter_is_with_brands(
    campaign, client
):
    content = client.get("/").content.decode()
    cards = re.findall(r'<li class="action">(.*?)</li>', content, flags=re.S)
    [mp_card] = [card for card in cards if "<h3>Write to your MP</h3>" in card]
    [brands_card] = [card for card in cards if 'href="/brands/"' in card]
    assert re.findall(r"<p>(.*?)</p>", mp_card) == [
        "Find your MP from your postcode, start from a prepared letter and its briefing, "
        "and put it in your own words."
    ]
    brand_letter = campaign.letters.get(slug="ask-a-brand")
    assert brand_letter.summary not in content
    assert "write to the brand" in brands_card


def page_text(client, url) -> str:
    text = re.sub(r"<[^>]+>", " ", client.get(url).content.decode())
    return " ".join(html.unescape(text).split())


def test_the_privacy_notice_describes_the_site_as_it_is(campaign, client):
    text = page_text(client, "/privacy/")
    assert "still being built" not in text and "will work when they arrive" not in text
    for what in [
        "When you write to your MP",
        "When you write to a company",
        "When you tell us you are coming to the demonstration",
        "it is never sent to another service",  # the pledge's postcode
        "the postcode alone, and nothing else about you, is sent to postcodes.io",
        "Two weeks later we email you to ask whether your MP replied",
        "deleted 60 days after a letter was sent through this site",
        "a session cookie, which lasts at most 8 hours",
        "named with its contact address at the end of this page",
        "we keep only the reason and a keyed hash of the address",  # the list never to email
    ]:
        assert what in text, what
    assert "privacy@example.org" in text.split("Contact")[-1]


def test_the_privacy_notice_gives_the_data_protection_address_and_the_way_to_see_ones_data(
    campaign, client, settings
):
    settings.DATA_PROTECTION_EMAIL = "dpo@charity.org.uk"
    response = client.get("/privacy/")
    contact = page_text(client, "/privacy/").split("Contact")[-1]

    assert "Data protection requests" in contact and "dpo@charity.org.uk" in contact
    assert "We answer within one month" in contact
    assert 'href="mailto:dpo@charity.org.uk"' in response.content.decode()
    assert 'href="/your-data/"' in response.content.decode()
    assert "dpo@charity.org.uk" not in page_text(client, "/accessibility/")


def test_the_accessibility_statement_says_what_is_known_about_the_downloads(campaign, client):
    text = page_text(client, "/accessibility/")
    assert "in future" not in text
    assert "can be downloaded as a Word document or a PDF" in text
    assert "The PDF is not tagged for assistive technology" in text


def test_a_count_of_one_is_singular(campaign, client):
    from actionhub.core.text import counted
    from actionhub.pledges.tests.factories import SignatureFactory

    assert [counted(n, "signature") for n in (0, 1, 2, 1000)] == [
        "0 signatures", "1 signature", "2 signatures", "1,000 signatures"
    ]  # fmt: skip
    assert counted(1, "person", "people") == "1 person"
    assert counted(3, "person", "people") == "3 people"

    SignatureFactory(pledge=campaign.pledges.get())
    constituencies = page_text(client, "/pledge/stop-uyghur-genocide/constituencies/")
    assert ": 1 confirmed signature. Counted again" in constituencies
    home = page_text(client, "/")
    assert "1 person has signed." in home
