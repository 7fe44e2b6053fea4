"""Organisers editing campaign content in the console."""

from html.parser import HTMLParser

import pytest

from actionhub.campaigns.models import Appeal
from actionhub.core.models import AuditEntry


class _FormReader(HTMLParser):
    """The values a browser would send for the page's main form, as it stands."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "checkbox", "file"):
            self.values[name] = attrs.get("value") or ""
        elif tag == "input" and name and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.values[name] = attrs.get("value") or "on"
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            # Django starts a textarea with a newline that browsers do not send back.
            self.values[self._textarea] = self.values[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_values(client, url: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(client.get(url).content.decode())
    return reader.values


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
    assert "Target" in entry.summary and "Amount raised" in entry.summary


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
