"""The console's front door: headline numbers, what needs attention, charts, their CSVs."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionhub.brands.tests.factories import BrandFactory
from actionhub.campaigns.models import LetterTemplate
from actionhub.console.charts import Column, column_chart_svg, nice_ceiling, tick_step
from actionhub.console.models import DailyCount
from actionhub.console.tallies import daily_counts_refresh, tallies_refresh
from actionhub.core.models import AuditEntry, OutboundEmail
from actionhub.events.models import Series
from actionhub.events.tests.factories import OccurrenceFactory, RsvpFactory
from actionhub.letters.models import Letter
from actionhub.letters.tests.factories import LetterFactory
from actionhub.pledges.models import Signature
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.staff.roles import DATA_PROTECTION_LEAD, ORGANISER, roles_ensure
from actionhub.staff.tests.factories import OrganiserFactory, TOTPDeviceFactory
from actionhub.staff.tests.sessions import sign_in_with_code
from actionhub.supporters.models import Consent, Person
from actionhub.supporters.tests.factories import ConsentFactory, PersonFactory

DASHBOARD = "/admin/"


@pytest.fixture
def activity(campaign):
    """A little of everything, as a campaign's first week might have."""
    pledge = campaign.pledges.get()
    now = timezone.now()
    for days_ago, source in [(0, "shul"), (0, "shul"), (2, "school"), (9, "")]:
        SignatureFactory(pledge=pledge, confirmed_at=now - timedelta(days=days_ago), source=source)
    SignatureFactory(pledge=pledge, status=Signature.Status.PENDING, confirmed_at=None)
    SignatureFactory(pledge=pledge, status=Signature.Status.QUARANTINED, confirmed_at=None)
    LetterFactory(delivery=Letter.Delivery.SITE, reply=Letter.Reply.REPLIED, replied_at=now)
    LetterFactory(delivery=Letter.Delivery.DOWNLOAD, status=Letter.Status.HANDED_OVER)
    LetterFactory(status=Letter.Status.FAILED, failure="Bounced: no such mailbox")
    brand = BrandFactory(name="Example Apparel", status="committed",
                         committed_on=timezone.localdate() - timedelta(days=400))  # fmt: skip
    brand_letter(brand)
    ConsentFactory(purpose=Consent.Purpose.CAMPAIGN_EMAILS,
                   person=PersonFactory(first_name="Dilnur", last_name="Abdulla"))  # fmt: skip
    ConsentFactory(purpose=Consent.Purpose.CAMPAIGN_EMAILS, withdrawn_at=now,
                   person=PersonFactory(first_name="Unsubscribed", last_name="Person"))  # fmt: skip
    series = Series.objects.get(demonstration__campaign=campaign)
    coming = series.occurrences.order_by("starts_at").first()
    RsvpFactory(occurrence=coming, guests=2)
    past = OccurrenceFactory(series=series, date=coming.date - timedelta(weeks=1))
    RsvpFactory.create_batch(2, occurrence=past, attended_at=past.starts_at)
    RsvpFactory(occurrence=past)  # said they would come, and did not
    OutboundEmail.objects.create(to=["x@example.org"], subject="S", status="failed")
    daily_counts_refresh()
    tallies_refresh()


def brand_letter(brand, **fields):
    """A letter to a brand, sent from the supporter's own email."""
    template = LetterTemplate.objects.filter(recipient=LetterTemplate.Recipient.BRAND).first()
    return LetterFactory(
        template=template, brand=brand, mp=None, constituency=None, mp_name=brand.name,
        mp_party="", postcode="", sender_address="", delivery=Letter.Delivery.OWN_EMAIL,
        status=Letter.Status.HANDED_OVER, **fields,
    )  # fmt: skip


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def headline(label: str, url: str, value: str) -> str:
    """A headline number as the page shows it: its heading links to its detail."""
    return f'<h3><a href="{url}">{label}</a></h3> <p class="console-figure">{value}</p>'


def test_the_dashboard_shows_the_headline_numbers_each_linked_to_its_detail(
    organiser_client, activity, campaign
):
    page = text_of(organiser_client.get(DASHBOARD))
    series = Series.objects.get(demonstration__campaign=campaign)
    coming = series.occurrences.filter(ends_at__gt=timezone.now()).order_by("starts_at").first()
    letters = reverse("admin:letters_letter_report")

    numbers = page.split('id="numbers-heading"', 1)[1].split("</section>", 1)[0]
    assert numbers.count('<li class="console-number">') == 7
    assert numbers.count('<li class="console-number"> <h3><a href="') == 7, "each one linked"
    assert headline("Confirmed signatures", "/admin/pledges/signature/?status__exact=confirmed",
                    "4") in page  # fmt: skip
    assert "2 today" in page and "3 in the last 7 days" in page
    assert "confirmation rate this week: 75% (1 still to confirm)" in page
    assert headline("Letters to MPs", letters, "3") in page
    assert "1 reply reported" in page
    assert headline("Letters to brands", letters, "1") in page
    assert "1 from the supporter’s own email" in page
    check_in = reverse("admin:events_occurrence_check_in", args=[coming.pk])
    assert headline("Coming to the next demonstration", check_in, "3") in page
    assert "Tuesday 1 December, 18:00" in page
    assert headline("At the last demonstrations", reverse("admin:events_occurrence_attendance"),
                    "2") in page  # fmt: skip
    assert "Tue 24 Nov: 2 checked in" in page
    assert headline("Brands committed", "/admin/brands/brand/", "1 of 1") in page
    assert "1 overdue" in page
    assert headline("Supporters who want to hear more", "/admin/supporters/person/", "1") in page
    assert organiser_client.get("/admin/supporters/person/").status_code == 200


def test_only_real_replies_are_counted_as_replies(organiser_client, campaign):
    now = timezone.now()
    reported = [Letter.Reply.REPLIED] * 2 + [Letter.Reply.NO_REPLY] * 3
    for reply in [*reported, Letter.Reply.ACKNOWLEDGED]:
        LetterFactory(reply=reply, replied_at=now)
    LetterFactory()  # not asked yet
    daily_counts_refresh()

    page = text_of(organiser_client.get(DASHBOARD))

    assert headline("Letters to MPs", reverse("admin:letters_letter_report"), "7") in page
    assert "2 replies reported" in page
    assert "1 letter only acknowledged" in page
    assert "5 replies" not in page and "6 replies" not in page


def role_member(client, role: str):
    user = OrganiserFactory(username=role.split()[0].lower(), is_superuser=False)
    user.groups.add(roles_ensure()[role])
    return sign_in_with_code(client, user, TOTPDeviceFactory(user=user))


def test_who_wants_to_hear_more_is_listed_only_for_the_data_protection_lead(client, activity):
    organiser = role_member(client, ORGANISER)
    page = text_of(organiser.get(DASHBOARD))
    assert '<h3>Supporters who want to hear more</h3> <p class="console-figure">1</p>' in page
    assert "/admin/supporters/person/" not in page, "an organiser sees the number, not who"
    assert organiser.get("/admin/supporters/person/").status_code == 403

    lead = role_member(type(client)(), DATA_PROTECTION_LEAD)
    page = text_of(lead.get(DASHBOARD))
    assert headline("Supporters who want to hear more", "/admin/supporters/person/", "1") in page
    listed = text_of(lead.get("/admin/supporters/person/"))
    assert "Supporters who want to hear more" in listed
    assert "Dilnur Abdulla" in listed and "Pledge form" in listed
    assert "Unsubscribed" not in listed, "withdrawn: no longer on the list"
    assert "Miriam" not in listed, "signers who did not ask to hear more are not on it"
    assert AuditEntry.objects.filter(action="supporters.listed", actor_label="data").exists()
    filtered = lead.get("/admin/supporters/person/?email_normalised=someone@example.org")
    assert filtered.status_code == 400, "the list cannot be asked whether someone is on it"

    person = Person.objects.get(first_name="Dilnur")
    record = text_of(lead.get(f"/admin/supporters/person/{person.pk}/change/"))
    assert "Dilnur Abdulla" in record and "Agreed on" in record and "Pledge form" in record, (
        "one person's page says when and how they agreed, as the list does"
    )
    assert AuditEntry.objects.filter(action="supporter.viewed").exists()


def test_what_needs_attention_is_listed_first_with_links(organiser_client, activity):
    page = text_of(organiser_client.get(DASHBOARD))
    attention = page.split('id="attention-heading"', 1)[1].split("</section>", 1)[0]

    assert "1 signature held back for review" in attention
    assert 'href="/admin/pledges/signature/?status__exact=quarantined"' in attention
    assert "1 email could not be sent" in attention
    assert "1 letter bounced or could not be delivered this month" in attention
    assert "1 brand past the deadline of its commitment: Example Apparel" in attention


def test_charts_are_svg_with_a_table_and_a_csv_of_the_counts(organiser_client, activity):
    page = organiser_client.get(DASHBOARD).content.decode()

    assert page.count('<svg class="chart"') == 4
    assert 'aria-labelledby="signatures-per-day-title signatures-per-day-desc"' in page
    assert '<th scope="row">Mon 30 Nov 2026</th><td>2</td>' in page
    response = organiser_client.get("/admin/dashboard/sources.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["Source code", "Signatures"], ["shul", "2"], ["school", "1"],
                    ["(no source)", "1"]]  # fmt: skip
    assert "@example.org" not in response.content.decode(), "counts, never people"


def test_the_dashboard_writes_nothing_and_reads_no_table_whole(organiser_client, activity):
    with CaptureQueriesContext(connection) as queries:
        assert organiser_client.get(DASHBOARD).status_code == 200

    statements = [query["sql"].lstrip().upper() for query in queries]
    assert not [sql for sql in statements if sql.startswith(("INSERT", "UPDATE", "DELETE"))
                and "DJANGO_SESSION" not in sql]  # fmt: skip
    assert len(statements) < 40


def test_each_part_is_shown_only_to_who_may_see_its_detail(client, activity):
    volunteer = OrganiserFactory(username="volunteer", is_superuser=False)
    volunteer.user_permissions.add(Permission.objects.get(codename="view_occurrence"))
    sign_in_with_code(client, volunteer, TOTPDeviceFactory(user=volunteer))

    page = text_of(client.get(DASHBOARD))

    assert "Coming to the next demonstration" in page
    assert "Confirmed signatures" not in page and "Letters to MPs" not in page
    assert "held back for review" not in page
    assert client.get("/admin/dashboard/sources.csv").status_code == 403
    assert client.get("/admin/dashboard/rsvps-per-date.csv").status_code == 200
    assert client.get("/admin/dashboard/nothing.csv").status_code == 404


def test_technical_sections_are_for_superusers_under_plain_names(organiser_client, client):
    page = text_of(organiser_client.get(DASHBOARD))
    assert "<h3>Technical</h3>" in page
    assert "Authenticator apps" in page and "Background tasks" in page
    assert "Locked-out sign-ins" in page
    assert "AXES" not in page.upper().replace("/AXES/", "") and "OTP_TOTP" not in page

    staff = OrganiserFactory(username="writer", is_superuser=False)
    staff.user_permissions.add(Permission.objects.get(codename="change_appeal"))
    sign_in_with_code(client, staff, TOTPDeviceFactory(user=staff))
    theirs = text_of(client.get(DASHBOARD))
    assert "<h3>Campaign content</h3>" in theirs
    assert "Technical" not in theirs and "Background tasks" not in theirs


def test_the_counts_per_day_follow_changes_to_older_rows_when_counted_again(campaign):
    pledge = campaign.pledges.get()
    old = SignatureFactory(pledge=pledge, confirmed_at=timezone.now() - timedelta(days=20))
    daily_counts_refresh()
    assert DailyCount.objects.get(measure="signatures").count == 1

    Signature.objects.filter(pk=old.pk).update(status=Signature.Status.INVALIDATED)
    daily_counts_refresh()  # the last two days only: the old day stands
    assert DailyCount.objects.filter(measure="signatures").count() == 1
    daily_counts_refresh(everything=True)
    assert not DailyCount.objects.filter(measure="signatures").exists()


def test_a_chart_scales_to_a_round_number_and_escapes_its_words():
    svg = column_chart_svg(
        chart_id="c", title="<b>Title</b>", description="A & B",
        columns=[Column("1 Dec", 7, "Tuesday: 7"), Column("2 Dec", 0)],
    )  # fmt: skip

    assert nice_ceiling(7) == 10 and nice_ceiling(130) == 200 and nice_ceiling(0) == 1
    assert "&lt;b&gt;Title&lt;/b&gt;" in svg and "A &amp; B" in svg
    assert '<text x="50.0" y="16.0"' not in svg
    assert ">10</text>" in svg and ">2</text>" in svg and "<title>Tuesday: 7</title>" in svg
    assert tick_step(1) == 1 and tick_step(20) == 5 and tick_step(200) == 50
    assert column_chart_svg(chart_id="e", title="Empty", description="None", columns=[])


def attention_of(response) -> str:
    page = response.content.decode()
    if 'id="attention-heading"' not in page:
        return ""
    return " ".join(page.split('id="attention-heading"', 1)[1].split("</section>", 1)[0].split())


def test_upcoming_dates_without_organiser_notes_need_attention(organiser_client, campaign):
    series = Series.objects.get(demonstration__campaign=campaign)
    coming = list(series.occurrences.order_by("starts_at"))
    assert len([o for o in coming if o.starts_at <= timezone.now() + timedelta(days=14)]) == 2
    later = coming[2]  # three weeks ahead: not yet
    attention = attention_of(organiser_client.get(DASHBOARD))
    assert "2 upcoming dates in the next 14 days have no organiser notes" in attention

    coming[0].organiser_notes = "Stewards: Ruth and Adil. Banner: Sam."
    coming[0].save()
    attention = attention_of(organiser_client.get(DASHBOARD))
    assert "1 upcoming date in the next 14 days has no organiser notes" in attention
    assert 'href="/admin/events/occurrence/?notes=missing"' in attention

    listed = organiser_client.get("/admin/events/occurrence/?notes=missing").content.decode()
    assert f"/admin/events/occurrence/{coming[1].pk}/change/" in listed
    assert f"/admin/events/occurrence/{coming[0].pk}/change/" not in listed
    assert f"/admin/events/occurrence/{later.pk}/change/" not in listed

    coming[1].status = "cancelled"
    coming[1].save()
    assert "organiser notes" not in attention_of(organiser_client.get(DASHBOARD))


def test_organiser_notes_are_edited_on_the_date_s_page_and_audited(organiser_client, campaign):
    occurrence = Series.objects.get(demonstration__campaign=campaign).occurrences.first()
    url = f"/admin/events/occurrence/{occurrence.pk}/change/"
    response = organiser_client.post(url, {"organiser_notes": "Banner: Sam", "_save": "Save"})

    assert response.status_code == 302
    occurrence.refresh_from_db()
    assert occurrence.organiser_notes == "Banner: Sam"
    assert AuditEntry.objects.filter(action="content.changed", object_id=str(occurrence.pk))
