"""The organisers' letters report: its figures, its page, and the audited letters admin."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from actionhub.campaigns.models import LetterTemplate
from actionhub.campaigns.tests.factories import CampaignFactory, PledgeFactory
from actionhub.core.models import AuditEntry
from actionhub.letters import reports
from actionhub.letters.models import Letter
from actionhub.letters.tests.factories import LetterFactory
from actionhub.parliament.hexmap import HexArea
from actionhub.parliament.tests.factories import ConstituencyFactory, MPFactory
from actionhub.pledges.models import ConstituencyTally
from actionhub.staff.tests.factories import OrganiserFactory, TOTPDeviceFactory

REPORT = "/admin/letters/letter/report/"
CHANGELIST = "/admin/letters/letter/"

SITE, OWN, DOWNLOAD = Letter.Delivery.SITE, Letter.Delivery.OWN_EMAIL, Letter.Delivery.DOWNLOAD
SENT, QUEUED, FAILED = Letter.Status.SENT, Letter.Status.QUEUED, Letter.Status.FAILED
HANDED, AWAITING = Letter.Status.HANDED_OVER, Letter.Status.AWAITING_CONFIRMATION
REPLIED, ACK, NO_REPLY = Letter.Reply.REPLIED, Letter.Reply.ACKNOWLEDGED, Letter.Reply.NO_REPLY


def signed_in_client(client, user):
    device = TOTPDeviceFactory(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def other_campaign_template():
    return LetterTemplate.objects.create(
        campaign=CampaignFactory(), slug="other", title="Another campaign's letter",
        summary="-", subject="-", body="-", briefing_title="-", briefing_summary="-",
        briefing="-",
    )  # fmt: skip


@pytest.fixture
def places(db):
    return {
        "hampstead": ConstituencyFactory(name="Hampstead and Highgate", hex_q=0, hex_r=0),
        "bethnal": ConstituencyFactory(name="Bethnal Green and Stepney", hex_q=1, hex_r=0),
        "orkney": ConstituencyFactory(name="Orkney and Shetland", hex_q=None, hex_r=None),
        "quiet": ConstituencyFactory(name="Quiet Town", hex_q=2, hex_r=0),
    }


@pytest.fixture
def letters(campaign, places):
    """Ten letters of the default campaign, one of another campaign, and pledge tallies."""
    general = LetterTemplate.objects.get(campaign=campaign, slug="general")
    women = LetterTemplate.objects.get(campaign=campaign, slug="uyghur-women")
    alex = MPFactory(name="Alex Example", party="Demo Party", constituency=places["hampstead"])
    bea = MPFactory(name="Bea Sample", party="Other Party", constituency=places["bethnal"])
    cai = MPFactory(name="Cai Third", party="Demo Party", constituency=places["orkney"])

    def letter(mp, template, delivery, status, share, reply=""):
        return LetterFactory(
            mp=mp, template=template, delivery=delivery, status=status, personal_share=share,
            reply=reply,
        )  # fmt: skip

    letter(alex, general, SITE, SENT, 0, REPLIED)
    letter(alex, general, SITE, SENT, 10, ACK)
    letter(alex, women, SITE, SENT, 40)
    letter(alex, general, OWN, HANDED, 30)
    letter(alex, general, SITE, AWAITING, 50)  # not confirmed: left out of every count
    letter(bea, general, SITE, FAILED, 0)
    letter(bea, women, DOWNLOAD, HANDED, 20)
    letter(bea, general, SITE, SENT, 5, NO_REPLY)
    letter(cai, general, SITE, QUEUED, 100)
    letter(cai, general, SITE, SENT, 12, REPLIED)
    # Another campaign's letter, to the same MP: never in this campaign's report.
    letter(alex, other_campaign_template(), SITE, SENT, 90, REPLIED)

    now = timezone.now()
    pledge = campaign.pledges.get()
    second = PledgeFactory(campaign=campaign)
    elsewhere = PledgeFactory()
    for on, place, count in [
        (pledge, "hampstead", 5), (second, "hampstead", 2), (pledge, "quiet", 3),
        (elsewhere, "bethnal", 50),
    ]:  # fmt: skip
        ConstituencyTally.objects.create(
            pledge=on, constituency=places[place], count=count, refreshed_at=now
        )
    return {"general": general, "women": women}


def test_delivery_status_counts_leave_awaiting_confirmation_out_of_the_total(campaign, letters):
    status = reports.letters_by_status(campaign)

    assert {row["status"]: row["count"] for row in status["rows"]} == {
        "queued": 1, "sent": 5, "failed": 1, "handed-over": 2,
    }  # fmt: skip
    assert status["total"] == 9
    assert status["awaiting"] == 1


def test_letters_by_constituency(campaign, letters):
    rows = reports.letters_by_constituency(campaign)

    assert [(r["name"], r["count"], r["sent"], r["average_share"]) for r in rows] == [
        ("Hampstead and Highgate", 4, 3, 20),  # (0 + 10 + 40 + 30) / 4
        ("Bethnal Green and Stepney", 3, 1, 8),  # (0 + 20 + 5) / 3 = 8.3
        ("Orkney and Shetland", 2, 1, 56),  # (100 + 12) / 2
    ]


def test_a_letter_without_a_constituency_is_counted_apart(campaign, places):
    LetterFactory(constituency=None, personal_share=7)

    [row] = reports.letters_by_constituency(campaign)

    assert (row["name"], row["count"], row["average_share"]) == (
        reports.UNKNOWN_CONSTITUENCY, 1, 7,
    )  # fmt: skip


def test_letters_by_template_and_delivery_method(campaign, letters):
    rows = reports.letters_by_template(campaign)

    assert [
        (r["title"], r["count"], r["site"], r["own_email"], r["download"], r["average_share"])
        for r in rows
    ] == [
        (letters["general"].title, 7, 6, 1, 0, 22),  # 157 / 7 = 22.4
        (letters["women"].title, 2, 1, 0, 1, 30),
    ]


def test_a_template_without_letters_is_listed_with_no_average(campaign):
    rows = reports.letters_by_template(campaign)

    assert [(r["count"], r["average_share"]) for r in rows] == [(0, None), (0, None)]


def test_how_personal_the_letters_are(campaign, letters):
    bands = reports.letters_by_personal_share(campaign)

    assert [(b["count"], b["share"]) for b in bands] == [(2, 22), (4, 44), (3, 33)]
    assert bands[0]["label"].startswith("Unedited template")


def test_replies_by_mp_count_letters_sent_through_the_site(campaign, letters):
    rows = reports.letter_replies_by_mp(campaign)

    assert rows == [
        {"mp_name": "Alex Example", "mp_party": "Demo Party", "sent": 3, "replied": 1,
         "acknowledged": 1, "no_reply": 0, "not_answered": 1},
        {"mp_name": "Bea Sample", "mp_party": "Other Party", "sent": 1, "replied": 0,
         "acknowledged": 0, "no_reply": 1, "not_answered": 0},
        {"mp_name": "Cai Third", "mp_party": "Demo Party", "sent": 1, "replied": 1,
         "acknowledged": 0, "no_reply": 0, "not_answered": 0},
    ]  # fmt: skip


def test_replies_by_mp_use_the_name_and_party_as_they_were_when_written(campaign, places):
    mp = MPFactory(name="Alex Example", party="Demo Party")
    LetterFactory(mp=mp, reply=REPLIED)
    mp.party = "New Party"
    mp.save()
    LetterFactory(mp=mp, mp_party="New Party")

    rows = reports.letter_replies_by_mp(campaign)

    assert [(r["mp_party"], r["sent"], r["replied"]) for r in rows] == [
        ("Demo Party", 1, 1),
        ("New Party", 1, 0),
    ]


def test_replies_by_party(campaign, letters):
    rows = reports.letter_replies_by_party(campaign)

    assert rows == [
        {"mp_party": "Demo Party", "mps": 2, "sent": 4, "replied": 2, "acknowledged": 1,
         "no_reply": 0, "not_answered": 1},
        {"mp_party": "Other Party", "mps": 1, "sent": 1, "replied": 0, "acknowledged": 0,
         "no_reply": 1, "not_answered": 0},
    ]  # fmt: skip


def test_the_letters_map_has_every_placed_constituency(campaign, letters, places):
    areas = reports.letters_hexmap_areas(campaign)

    code = {name: place.gss_code for name, place in places.items()}
    assert areas == [
        HexArea(code["bethnal"], "Bethnal Green and Stepney", 1, 0, 3),
        HexArea(code["hampstead"], "Hampstead and Highgate", 0, 0, 4),
        HexArea(code["quiet"], "Quiet Town", 2, 0, 0),
    ]


def test_the_signatures_map_sums_the_campaigns_pledges(campaign, letters):
    areas = reports.signatures_hexmap_areas(campaign)

    assert [(area.name, area.value) for area in areas] == [
        ("Bethnal Green and Stepney", 0),  # its 50 are another campaign's
        ("Hampstead and Highgate", 7),
        ("Quiet Town", 3),
    ]
    assert [(a.name, a.value) for a in reports.hexmap_rows(areas)] == [
        ("Hampstead and Highgate", 7),
        ("Quiet Town", 3),
    ]


def test_the_report_takes_a_fixed_number_of_queries(
    campaign, letters, django_assert_max_num_queries
):
    with django_assert_max_num_queries(7):
        report = reports.letters_report(campaign)
    with django_assert_max_num_queries(2):
        reports.letters_hexmap_areas(campaign)
    with django_assert_max_num_queries(2):
        reports.signatures_hexmap_areas(campaign)
    assert (report["total"], report["awaiting"], report["average_share"]) == (9, 1, 24)


def row(*cells) -> str:
    """A table row as the report writes it: the first cell is the row's header."""
    first, *rest = cells
    return f'<tr><th scope="row">{first}</th>' + "".join(f"<td>{c}</td>" for c in rest) + "</tr>"


def test_the_report_page_shows_every_breakdown_and_both_maps(organiser_client, letters):
    response = organiser_client.get(REPORT)

    assert response.status_code == 200
    page = response.content.decode()
    assert "9 letters written to MPs; on average 24% of a letter’s words" in page
    assert "Not counted above: 1 letter waiting for email confirmation." in page
    assert row("Sent to the MP", 5) in page
    assert '<tfoot><tr><th scope="row">Total</th><td>9</td></tr></tfoot>' in page
    assert row("Some own words (1–29%)", 4, "44%") in page
    assert row(letters["general"].title, 7, 6, 1, 0, "22%") in page
    assert row("Alex Example", "Demo Party", 3, 1, 1, 0, 1) in page
    assert row("Demo Party", 2, 4, 2, 1, 0, 1) in page
    assert row("Hampstead and Highgate", 4, 3, "20%") in page

    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="hexmap"') == 2
    assert len(re.findall(r"<figure[^>]*>\s*<svg[^>]* role=\"img\"", page)) == 2
    assert page.count("<figcaption>") == 2
    assert page.count("<summary>Table of the map’s data</summary>") == 2
    # The signatures map's table: constituencies with signatures, busiest first.
    assert row("Hampstead and Highgate", 7) + row("Quiet Town", 3) in page
    assert "Another campaign" not in page


def test_the_report_page_shows_no_personal_data(organiser_client, letters):
    page = organiser_client.get(REPORT).content.decode()

    letter = Letter.objects.filter(template__campaign__is_default=True).first()
    for personal in [letter.sender_name, letter.sender_email, letter.postcode]:
        assert personal not in page


def test_the_report_can_show_another_campaign(organiser_client, letters):
    other = LetterTemplate.objects.exclude(campaign__is_default=True).get().campaign

    page = organiser_client.get(REPORT, {"campaign": other.slug}).content.decode()

    assert f"Letters report: {other.name}" in page
    assert "1 letter written to MPs; on average 90%" in page
    assert row("Alex Example", "Demo Party", 1, 1, 0, 0, 0) in page


def test_the_report_needs_its_permission(client, campaign):
    staff = OrganiserFactory(username="staff", is_superuser=False)
    staff.user_permissions.add(Permission.objects.get(codename="view_letter"))

    assert signed_in_client(client, staff).get(REPORT).status_code == 403
    assert "Letters report" not in client.get(CHANGELIST).content.decode()

    staff.user_permissions.add(Permission.objects.get(codename="view_letter_report"))
    assert client.get(REPORT).status_code == 200
    assert "Letters report" in client.get(CHANGELIST).content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(REPORT, follow=True)

    final_url = response.redirect_chain[-1][0]
    assert final_url.startswith("/organisers/sign-in/"), final_url


def test_the_letters_list_shows_no_personal_data_and_has_no_search(organiser_client, letters):
    response = organiser_client.get(CHANGELIST, {"status__exact": "failed"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Bea Sample" in page and "Alex Example" not in page
    assert "Ruth Cohen" not in page and "@example.org" not in page
    assert 'id="searchbar"' not in page
    assert f'href="{REPORT}"' in page


def test_opening_a_letter_is_audited(organiser_client, organiser, campaign):
    letter = LetterFactory(confirmation_nonce="feedfacefeedfacefeedfacefeedface")
    organiser_client.get(CHANGELIST)
    assert not AuditEntry.objects.filter(action="letter.viewed").exists()

    response = organiser_client.get(f"{CHANGELIST}{letter.pk}/change/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ruth Cohen" in page, "the letter itself, with its writer"
    assert "feedface" not in page
    entry = AuditEntry.objects.get(action="letter.viewed")
    assert entry.actor == organiser
    assert str(letter.pk) in entry.summary
