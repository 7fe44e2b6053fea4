"""The console's front door: headline numbers, what needs attention, charts, their CSVs."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actionhub.brands.tests.factories import BrandFactory
from actionhub.console.charts import Column, column_chart_svg, nice_ceiling, tick_step
from actionhub.console.models import DailyCount
from actionhub.console.tallies import daily_counts_refresh, tallies_refresh
from actionhub.core.models import AuditEntry, OutboundEmail
from actionhub.events.models import Series
from actionhub.events.tests.factories import RsvpFactory
from actionhub.letters.models import Letter
from actionhub.letters.tests.factories import LetterFactory
from actionhub.pledges.models import Signature
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.staff.tests.factories import OrganiserFactory, TOTPDeviceFactory
from actionhub.staff.tests.sessions import sign_in_with_code
from actionhub.supporters.models import Consent
from actionhub.supporters.tests.factories import ConsentFactory

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
    ConsentFactory(purpose=Consent.Purpose.CAMPAIGN_EMAILS)
    series = Series.objects.get(demonstration__campaign=campaign)
    RsvpFactory(occurrence=series.occurrences.order_by("starts_at").first(), guests=2)
    BrandFactory(name="Example Apparel", status="committed",
                 committed_on=timezone.localdate() - timedelta(days=400))  # fmt: skip
    OutboundEmail.objects.create(to=["x@example.org"], subject="S", status="failed")
    daily_counts_refresh()
    tallies_refresh()


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_dashboard_shows_the_headline_numbers_each_linked_to_its_detail(
    organiser_client, activity
):
    page = text_of(organiser_client.get(DASHBOARD))

    assert 'Confirmed signatures</a></h3> <p class="console-figure">4</p>' in page
    assert "2 today" in page and "3 in the last 7 days" in page
    assert "confirmation rate this week: 75% (1 still to confirm)" in page
    assert 'href="/admin/pledges/signature/?status__exact=confirmed"' in page
    assert 'Letters to MPs</a></h3> <p class="console-figure">3</p>' in page
    assert "1 reply reported" in page
    assert 'Coming to the next demonstration</a></h3> <p class="console-figure">3</p>' in page
    assert "Tuesday 1 December, 18:00" in page
    assert 'Brands committed</a></h3> <p class="console-figure">1 of 1</p>' in page
    assert "1 overdue" in page
    assert 'Supporters who want to hear more</h3> <p class="console-figure">1</p>' in page


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
