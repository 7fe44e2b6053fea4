"""Organisers editing campaign content in the console."""

import pytest
from django.test import Client

from actionhub.campaigns.models import Appeal
from actionhub.core.markdown import render_markdown
from actionhub.core.models import AuditEntry
from actionhub.core.tests.forms import form_values
from actionhub.staff.roles import VOLUNTEER, roles_ensure
from actionhub.staff.tests.factories import OrganiserFactory, TOTPDeviceFactory
from actionhub.staff.tests.sessions import sign_in_with_code


@pytest.fixture
def appeal_url(campaign):
    return f"/admin/campaigns/appeal/{Appeal.objects.get().pk}/change/"


def test_the_target_and_amount_raised_are_edited_with_the_appeal_and_audited(
    organiser_client, appeal_url
):
    page = organiser_client.get(appeal_url).content.decode()
    assert "The amount raised may be more than the target." in page
    data = form_values(organiser_client, appeal_url) | {"target": "20000", "raised": "23500"}

    response = organiser_client.post(appeal_url, data)

    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.target, appeal.raised) == (20_000, 23_500)
    assert appeal.progress_percent == 100
    entry = AuditEntry.objects.get(action="content.changed", object_type="campaigns.appeal")
    assert "Target" in entry.summary and "Raised so far" in entry.summary


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target", "-5", "Enter the target as a whole number, 0 or more, like 25000."),
        ("raised", "12.50", "Enter the amount raised as a whole number, 0 or more, like 25000."),
        ("raised", "lots", "Enter the amount raised as a whole number, 0 or more, like 25000."),
    ],
)
def test_a_wrong_amount_is_explained_and_nothing_is_lost(
    organiser_client, appeal_url, field, value, message
):
    before = Appeal.objects.get()
    data = form_values(organiser_client, appeal_url) | {field: value, "title": "New title"}

    response = organiser_client.post(appeal_url, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'value="New title"' in page, "what was typed stays in the form"
    after = Appeal.objects.get()
    assert (after.title, after.target, after.raised) == (before.title, before.target, before.raised)


def test_the_amounts_may_be_left_empty(organiser_client, appeal_url):
    data = form_values(organiser_client, appeal_url) | {"target": "", "raised": ""}

    assert organiser_client.post(appeal_url, data).status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.target, appeal.raised, appeal.progress_percent) == (None, None, None)


PREVIEW = "/admin/markdown-preview/"


def test_markdown_fields_have_a_preview_rendered_as_the_public_site_does(
    organiser_client, campaign
):
    page = campaign.pages.order_by("pk").first()
    form = organiser_client.get(f"/admin/campaigns/page/{page.pk}/change/").content.decode()
    assert f'data-markdown-preview="{PREVIEW}"' in form
    assert "/static/js/markdown-preview.js" in form
    text = "## Where\n\n**Bring** water <script>alert(1)</script> [map](javascript:alert(1))"

    response = organiser_client.post(PREVIEW, {"text": text})

    assert response.status_code == 200
    assert response.content.decode() == render_markdown(text)
    assert "<strong>Bring</strong>" in response.content.decode()
    assert "<script" not in response.content.decode()
    assert "javascript:" not in response.content.decode()


def test_the_markdown_preview_is_for_signed_in_organisers_and_takes_posts_only(organiser_client):
    assert Client().post(PREVIEW, {"text": "Hello"}).status_code == 302  # to sign in
    assert organiser_client.get(PREVIEW).status_code == 405
    assert organiser_client.post(PREVIEW, {"text": "x" * 100_001}).status_code == 413


def test_the_markdown_preview_is_for_those_who_may_change_content(client, campaign):
    volunteer = OrganiserFactory(username="volunteer", is_superuser=False)
    volunteer.groups.add(roles_ensure()[VOLUNTEER])
    signed_in = sign_in_with_code(client, volunteer, TOTPDeviceFactory(user=volunteer))
    assert signed_in.post(PREVIEW, {"text": "Hello"}).status_code == 403


def test_a_previewed_draft_is_not_kept_by_the_renderer(organiser_client):
    before = render_markdown.cache_info().currsize
    organiser_client.post(PREVIEW, {"text": "A draft typed once " * 50})
    assert render_markdown.cache_info().currsize == before


def test_content_from_the_pack_says_what_loading_it_again_would_overwrite(
    organiser_client, appeal_url, campaign
):
    page = " ".join(organiser_client.get(appeal_url).content.decode().split())
    assert "This content comes from the campaign pack" in page
    assert "once the pack itself has changed, loading it again would overwrite this edit" in page
    assert "The target and the amount raised are the exception" in page
    page_url = f"/admin/campaigns/page/{campaign.pages.order_by('pk').first().pk}/change/"
    assert "would overwrite this edit" in organiser_client.get(page_url).content.decode()
