"""Every page of the console, in a real browser on a 390-pixel phone: each section's list, one
record's page and the page to add one, and the pages a list's buttons open, as a superuser sees
them. Each must pass axe, log no console errors, load nothing from elsewhere and fit the screen
(wide lists scroll in their box).
"""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import expect

from actionhub.brands.models import ScreeningLink
from actionhub.brands.tests.factories import BrandFactory
from actionhub.core.models import OutboundEmail
from actionhub.letters.tests.factories import LetterFactory
from actionhub.pledges.models import ExportRequest, Signature
from actionhub.pledges.operations import signatures_invalidate
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.supporters.models import Consent, Person
from actionhub.supporters.tests.factories import ConsentFactory
from actionhub.tests.browser import check_current_page, check_page, sign_in_organiser
from actionhub.tests.test_browser import demonstration_dates

pytestmark = pytest.mark.browser
FIXTURES = "actionhub/brands/tests/fixtures/targets.simple.csv"


@pytest.fixture
def a_record_of_each(campaign, organiser, organiser_device):
    demonstration_dates()
    SignatureFactory(pledge=campaign.pledges.get())
    first = Person.objects.order_by("pk").first()  # whose page is opened: one who hears more
    ConsentFactory(person=first, purpose=Consent.Purpose.CAMPAIGN_EMAILS)
    signatures_invalidate(actor=organiser, signatures=Signature.objects.all(), reason="Spam")
    ExportRequest.objects.create(
        requester=organiser, reason="The hand-in", count=1,
        expires_at=timezone.now() + timedelta(hours=24),
    )  # fmt: skip
    LetterFactory()
    brand = BrandFactory(name="Threadwell")
    ScreeningLink.objects.create(brand=brand, expires_at=timezone.now() + timedelta(days=14))
    call_command("import_entity_list", FIXTURES, format="opensanctions")
    OutboundEmail.objects.create(to=["someone@example.org"], subject="Hello")


# Pages of the console that are not a model's list, record or add page, opened from a list.
OTHER_PAGES = ["admin:brands_screen"]


def console_pages() -> list[str]:
    """Each registered model's list, its first record's page, and its add page where it has one;
    then the other pages."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{name}_changelist"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{name}_change", args=[first.pk]))
        try:
            add = reverse(f"{name}_add")
        except NoReverseMatch:
            continue
        if model_admin.has_add_permission(_Superuser()):
            urls.append(add)
    return urls + [reverse(name) for name in OTHER_PAGES]


class _Superuser:
    """Enough of a request for has_add_permission: a superuser has every permission."""

    class user:  # noqa: N801
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(permission, obj=None):
            return True


def test_every_console_page_on_a_phone(a_record_of_each, organiser, organiser_device, page):
    sign_in_organiser(page, organiser, organiser_device)
    pages = console_pages()
    assert len(pages) > 40, "every section of the console"
    for url in pages:
        check_page(page, url)


def test_a_refused_supplier_list_on_a_phone(a_record_of_each, organiser, organiser_device, page):
    screen = reverse("admin:brands_screen")
    sign_in_organiser(page, organiser, organiser_device, next_url=screen)
    name = "supplier_list_exported_from_the_purchasing_system_on_the_first_of_december_2026.csv"
    page.set_input_files("input[type=file]", files=[
        {"name": name, "mimeType": "text/csv", "buffer": b"supplier,country\nA,China\n"}
    ])  # fmt: skip
    page.get_by_role("button", name="Screen the list").click()

    expect(page.get_by_role("alert").get_by_text("line 1: missing column(s)")).to_be_visible()
    check_current_page(page, "a refused supplier list", status=400)
