"""The screenshots in docs/organisers.md, taken in Debian's chromium from a campaign's first
weeks of made-up activity. Not part of the suite: `make docs-screenshots` runs it and writes the
images to docs/images/."""

import random
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from actionhub.campaigns.models import Demonstration
from actionhub.console.tallies import daily_counts_refresh, tallies_refresh
from actionhub.events.models import Series
from actionhub.events.schedule import occurrences_generate
from actionhub.events.tests.factories import RsvpFactory
from actionhub.letters.models import Letter
from actionhub.letters.tests.factories import LetterFactory
from actionhub.pledges.models import Signature
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.staff.tests.factories import OrganiserFactory
from actionhub.tests.browser import run_action_on_all, sign_in_organiser

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
SIZES = {"laptop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def first_weeks(campaign):
    """Signatures rising after a launch, some letters, people coming to the next date."""
    shuffle = random.Random(12)
    pledge = campaign.pledges.get()
    now = timezone.now()
    for days_ago in range(21):
        for _ in range(max(1, 24 - days_ago) // 2 + shuffle.randrange(4)):
            source = shuffle.choice(["shul-newsletter", "school-assembly", "", "instagram"])
            SignatureFactory(pledge=pledge, source=source,
                             confirmed_at=now - timedelta(days=days_ago, hours=1))  # fmt: skip
    for _ in range(3):
        SignatureFactory(pledge=pledge, status=Signature.Status.PENDING, confirmed_at=None)
    for days_ago in range(0, 14, 2):
        LetterFactory(delivery=Letter.Delivery.SITE, submitted_at=now - timedelta(days=days_ago))
    series = Series.objects.get(demonstration__campaign=campaign)
    occurrences_generate(series=series)
    coming = series.occurrences.filter(ends_at__gt=now).order_by("starts_at").first()
    for _ in range(7):
        RsvpFactory(occurrence=coming)
    daily_counts_refresh(everything=True)
    tallies_refresh()


@pytest.mark.browser
@pytest.mark.parametrize("size", SIZES)
def test_the_dashboard(first_weeks, organiser, organiser_device, page, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    sign_in_organiser(page, organiser, organiser_device)
    page.screenshot(path=IMAGES / f"dashboard-{size}.png", full_page=size == "laptop")


@pytest.mark.browser
def test_changing_the_demonstration(first_weeks, organiser, organiser_device, page):
    """The form on a phone, and the preview of moving it to Wednesdays on a laptop."""
    page.set_viewport_size({"width": 390, "height": 844})
    url = reverse("admin:campaigns_demonstration_change", args=[Demonstration.objects.get().pk])
    sign_in_organiser(page, organiser, organiser_device, next_url=url)
    page.screenshot(path=IMAGES / "demonstration-form-phone.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Day of the week").select_option("WE")
    page.get_by_role("button", name="Save, or check the changes first").click()
    page.get_by_role("heading", name="Who will be told").wait_for()
    page.screenshot(path=IMAGES / "demonstration-preview-laptop.png", full_page=True)


@pytest.mark.browser
def test_taking_signatures_out_of_the_count(first_weeks, organiser, organiser_device, page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_organiser(page, organiser, organiser_device, next_url="/admin/pledges/signature/")
    run_action_on_all(page, "Invalidate the selected signatures (they leave the count)")
    page.get_by_label("Why they are taken out of the count").wait_for()
    page.screenshot(path=IMAGES / "invalidate-phone.png")


@pytest.mark.browser
def test_a_large_export_waiting_for_approval(first_weeks, organiser, organiser_device, page):
    OrganiserFactory(username="colleague")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_organiser(page, organiser, organiser_device, next_url="/admin/pledges/signature/")
    run_action_on_all(page, "Export the confirmed signers among those selected (CSV)", True)
    page.get_by_label("Why you need this export").fill("The hand-in at the MP's office")
    page.screenshot(path=IMAGES / "export-ask-laptop.png", full_page=True)
