"""Loading campaign packs through the command organisers use: `manage.py load_campaign`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from actionhub.campaigns.models import Appeal, Campaign, LetterTemplate, Page, PledgeDemand
from actionhub.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def load(folder, *options):
    out = StringIO()
    call_command("load_campaign", str(folder), *options, stdout=out)
    return out.getvalue()


def snapshot():
    """Every content row with its last-updated time: any write shows up as a difference."""
    from django.apps import apps

    rows = {}
    for model in apps.get_app_config("campaigns").get_models():
        for row in model.objects.all():
            rows[(model.__name__, row.pk)] = row.updated_at
    return rows


def test_loading_the_default_pack_creates_the_campaign(pack_copy):
    output = load(pack_copy)

    campaign = Campaign.objects.get()
    assert campaign.is_default
    assert campaign.name == "Jewish Action Against Persecution of Uyghurs"
    assert PledgeDemand.objects.count() == 6
    recipients = sorted(LetterTemplate.objects.values_list("recipient", flat=True))
    assert recipients == ["brand", "brand", "brand", "mp", "mp"]
    assert "created" in output
    assert AuditEntry.objects.filter(action="campaign.pack_loaded").count() == 1


def test_each_letter_to_brands_is_for_brands_as_they_stand(pack_copy):
    load(pack_copy)
    letters = LetterTemplate.objects.order_by("position")
    assert [(letter.slug, letter.for_brands) for letter in letters] == [
        ("general", ""),
        ("uyghur-women", ""),
        ("ask-a-brand", "not-committed"),
        ("thank-a-brand", "committed"),
        ("ask-a-brand-why", "overdue"),
    ]

    # A pack that does not say (written before there were three) asks brands to commit.
    replace_in(pack_copy / "campaign.yaml", "    for_brands: not-committed\n", "")
    load(pack_copy)
    assert LetterTemplate.objects.get(slug="ask-a-brand").for_brands == "not-committed"


def test_loading_twice_changes_nothing(pack_copy):
    load(pack_copy)
    before = snapshot()

    assert "unchanged" in load(pack_copy)
    assert "nothing needed changing" in load(pack_copy, "--force")

    assert snapshot() == before
    assert AuditEntry.objects.filter(action="campaign.pack_loaded").count() == 1


def test_editing_a_markdown_file_and_loading_again_updates_the_page(pack_copy, client):
    load(pack_copy)
    privacy = pack_copy / "pages" / "privacy.md"
    privacy.write_text(privacy.read_text() + "\nA sentence added by the organisers.\n")

    output = load(pack_copy)

    assert "0 created, 2 updated, 0 deleted" in output  # the page, and the pack digest
    response = client.get("/privacy/")
    assert "A sentence added by the organisers." in response.text


def test_a_removed_demand_is_removed_from_the_site(pack_copy):
    load(pack_copy)
    yaml_file = pack_copy / "campaign.yaml"
    text = yaml_file.read_text()
    sixth = text.index("    - >-\n      I will also support")
    end = text.index("\nappeal:")
    yaml_file.write_text(text[:sixth] + text[end:])

    load(pack_copy)

    assert PledgeDemand.objects.count() == 5


def test_reloading_keeps_the_amount_raised_that_organisers_entered(pack_copy):
    load(pack_copy)
    Appeal.objects.update(target=50_000, raised=12_345)
    statement = pack_copy / "statement.md"
    statement.write_text(statement.read_text() + "\nMore.\n")

    load(pack_copy)

    appeal = Appeal.objects.get()
    assert (appeal.target, appeal.raised) == (50_000, 12_345)


def replace_in(path, old, new):
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1))


BAD_PACKS = {
    "yaml syntax": (
        lambda pack: replace_in(pack / "campaign.yaml", "slug: uyghur-solidarity", "slug: [oops"),
        "campaign.yaml: line",
    ),
    "missing field": (
        lambda pack: replace_in(
            pack / "campaign.yaml",
            "  url: https://www.gofundme.com/f/stop-uyghur-genocide\n",
            "",
        ),
        "campaign.yaml: appeal.url: is missing",
    ),
    "missing markdown file": (
        lambda pack: (pack / "briefings" / "general.md").unlink(),
        "campaign.yaml: letters[1].briefing.body: names 'briefings/general.md', "
        "which does not exist",
    ),
    "file outside the pack": (
        lambda pack: replace_in(pack / "campaign.yaml", "body: statement.md", "body: ../secret.md"),
        "campaign.yaml: statement.body: '../secret.md' must be a file inside the pack folder",
    ),
    "not utf-8": (
        lambda pack: (pack / "appeal.md").write_bytes(b"Caf\xe9 au lait\n"),
        "appeal.md: (file): is not UTF-8 text (byte 3)",
    ),
    "empty markdown": (
        lambda pack: (pack / "statement.md").write_text("  \n"),
        "statement.md: (file): is empty",
    ),
    "insecure url": (
        lambda pack: replace_in(
            pack / "campaign.yaml",
            "https://www.gofundme.com/f/stop-uyghur-genocide",
            "http://www.gofundme.com/f/stop-uyghur-genocide",
        ),
        "campaign.yaml: appeal.url: 'http://www.gofundme.com/f/stop-uyghur-genocide' must be a "
        "full https:// address",
    ),
    "unknown letter recipient": (
        lambda pack: replace_in(pack / "campaign.yaml", "recipient: brand", "recipient: shop"),
        "campaign.yaml: letters[3].recipient: must be mp or brand",
    ),
    "unknown brands for a letter": (
        lambda pack: replace_in(
            pack / "campaign.yaml", "for_brands: committed", "for_brands: loyal"
        ),
        "campaign.yaml: letters[4].for_brands: must be one of: not-committed, committed, overdue",
    ),
    "two letters for the same brands": (
        lambda pack: replace_in(
            pack / "campaign.yaml", "for_brands: overdue", "for_brands: committed"
        ),
        "campaign.yaml: letters[5].for_brands: another letter is already for committed brands",
    ),
    "brands named on a letter to MPs": (
        lambda pack: replace_in(
            pack / "campaign.yaml",
            "  - slug: general\n",
            "  - slug: general\n    for_brands: overdue\n",
        ),
        "campaign.yaml: letters[1].for_brands: is only for letters with recipient: brand",
    ),
    "time without quotes": (
        lambda pack: replace_in(pack / "campaign.yaml", 'start_time: "18:00"', "start_time: 18:00"),
        'campaign.yaml: demonstration.start_time: must be a time in quotes, like "18:00"',
    ),
    "impossible time": (
        lambda pack: replace_in(
            pack / "campaign.yaml", 'start_time: "18:00"', 'start_time: "25:00"'
        ),
        "campaign.yaml: demonstration.start_time: '25:00' must be a 24-hour time",
    ),
    "unknown time zone": (
        lambda pack: replace_in(
            pack / "campaign.yaml", "timezone: Europe/London", "timezone: Europe/Londres"
        ),
        "campaign.yaml: demonstration.timezone: 'Europe/Londres' is not a time zone name",
    ),
    "bad recurrence": (
        lambda pack: replace_in(
            pack / "campaign.yaml", "FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;BYDAY=TUESDAY"
        ),
        "campaign.yaml: demonstration.recurrence: This is not a valid recurrence rule",
    ),
    "misspelt field": (
        lambda pack: replace_in(pack / "campaign.yaml", "  link_text: Give", "  link_txt: Give"),
        "campaign.yaml: appeal.link_txt: is not a known field",
    ),
    "unknown tool": (
        lambda pack: replace_in(
            pack / "campaign.yaml", "tools: [briefings, pledge]", "tools: [petition]"
        ),
        "campaign.yaml: engagement.steps[1].tools: Unknown tool(s): petition",
    ),
    "repeated slug": (
        lambda pack: replace_in(pack / "campaign.yaml", "slug: uyghur-women", "slug: general"),
        "campaign.yaml: letters[2].slug: 'general' is used twice",
    ),
    "no demands": (
        lambda pack: replace_in(pack / "campaign.yaml", "  demands:\n", "  demands: []\n  old:\n"),
        "campaign.yaml: pledge.demands: must have at least one entry",
    ),
    "privacy page missing": (
        lambda pack: replace_in(pack / "campaign.yaml", "slug: privacy", "slug: privacy-notice"),
        "campaign.yaml: pages: must include the page(s): privacy",
    ),
    "bad contact email": (
        lambda pack: replace_in(
            pack / "campaign.yaml", "privacy@example.org", "privacy-at-example"
        ),
        "campaign.yaml: organisation.contact_email: 'privacy-at-example' is not an email address",
    ),
    "text too long for its field": (
        lambda pack: replace_in(
            pack / "campaign.yaml",
            "  title: Sign our Pledge – Stop Uyghur Genocide",
            "  title: " + "Very long title " * 20,
        ),
        "campaign.yaml: pledge.title: Ensure this value has at most 200 characters",
    ),
    "file name with a nul byte": (
        lambda pack: replace_in(pack / "campaign.yaml", "body: statement.md", 'body: "a\\0b.md"'),
        "campaign.yaml: statement.body: 'a\\x00b.md' cannot be read as a file name",
    ),
    "file name too long": (
        lambda pack: replace_in(pack / "campaign.yaml", "body: statement.md", "body: " + "x" * 300),
        "campaign.yaml: statement.body: '" + "x" * 100 + "' cannot be read as a file name",
    ),
    "amount too large for the database": (
        lambda pack: replace_in(
            pack / "campaign.yaml", "  target: null", "  target: 1000000000000"
        ),
        "campaign.yaml: appeal.target: must be a whole number from 0 to 2,000,000,000, or null",
    ),
    "format given as true": (
        lambda pack: replace_in(pack / "campaign.yaml", "format: 1", "format: true"),
        "campaign.yaml: format: must be 1",
    ),
    "a number where text belongs": (
        lambda pack: replace_in(
            pack / "campaign.yaml",
            "name: Jewish Action Against Persecution of Uyghurs",
            "name: .nan",
        ),
        "campaign.yaml: name: must be text (put it in quotes if it looks like a number)",
    ),
    "recurrence with its own start": (
        lambda pack: replace_in(
            pack / "campaign.yaml",
            "recurrence: FREQ=WEEKLY;BYDAY=TU",
            'recurrence: "FREQ=WEEKLY;BYDAY=TU\\nDTSTART:20200101T010000"',
        ),
        "campaign.yaml: demonstration.recurrence: Write the rule like FREQ=WEEKLY;BYDAY=TU",
    ),
    "recurrence every minute": (
        lambda pack: replace_in(
            pack / "campaign.yaml", "FREQ=WEEKLY;BYDAY=TU", "FREQ=MINUTELY;INTERVAL=5"
        ),
        "campaign.yaml: demonstration.recurrence: Write the rule like FREQ=WEEKLY;BYDAY=TU",
    ),
    "page at a reserved address": (
        lambda pack: replace_in(
            pack / "campaign.yaml",
            "  - slug: accessibility\n",
            "  - slug: appeal\n    title: Clash\n    body: appeal.md\n  - slug: accessibility\n",
        ),
        "campaign.yaml: pages[2].slug: 'appeal' is the address of another part of the site.",
    ),
    "postcode too long for its field": (
        lambda pack: replace_in(
            pack / "campaign.yaml", "postcode: NW3 7UX", "postcode: NW3 7UX LONDON"
        ),
        "campaign.yaml: demonstration.venue.postcode: Ensure this value has at most 10 characters",
    ),
    "not a mapping": (
        lambda pack: (pack / "campaign.yaml").write_text("- just\n- a list\n"),
        "campaign.yaml: (file): must be a YAML mapping of fields",
    ),
}


@pytest.mark.parametrize("name", BAD_PACKS)
def test_a_malformed_pack_is_refused_with_a_message_and_the_site_keeps_its_content(
    name, pack_copy, client
):
    load(pack_copy)
    before = snapshot()
    home_before = client.get("/").text
    break_pack, expected = BAD_PACKS[name]
    statement = pack_copy / "statement.md"
    if name != "empty markdown":
        # A real change alongside the mistake, to prove none of it is applied.
        statement.write_text(statement.read_text() + "\nThis sentence must not appear.\n")
    break_pack(pack_copy)

    with pytest.raises(CommandError) as refused:
        load(pack_copy)

    assert expected in str(refused.value)
    assert "the site keeps its current content" in str(refused.value)
    assert snapshot() == before
    assert client.get("/").text == home_before


def test_every_problem_is_reported_at_once(pack_copy):
    replace_in(pack_copy / "campaign.yaml", "timezone: Europe/London", "timezone: Mars/Base")
    (pack_copy / "appeal.md").unlink()

    with pytest.raises(CommandError) as refused:
        load(pack_copy)

    message = str(refused.value)
    assert "appeal.body: names 'appeal.md', which does not exist" in message
    assert "demonstration.timezone" in message
    assert not Campaign.objects.exists()


def test_a_folder_without_a_pack_is_refused(tmp_path):
    with pytest.raises(CommandError) as refused:
        load(tmp_path)
    assert "campaign.yaml: (file): not found" in str(refused.value)


def test_pages_removed_from_the_pack_leave_the_site(pack_copy, client):
    yaml_file = pack_copy / "campaign.yaml"
    (pack_copy / "pages" / "about.md").write_text("About us.\n")
    yaml_file.write_text(
        yaml_file.read_text() + "  - slug: about\n    title: About us\n    body: pages/about.md\n"
    )
    load(pack_copy)
    assert client.get("/about/").status_code == 200

    replace_in(yaml_file, "  - slug: about\n    title: About us\n    body: pages/about.md\n", "")
    load(pack_copy)

    assert not Page.objects.filter(slug="about").exists()
    assert client.get("/about/").status_code == 404


def test_another_campaign_cannot_take_over_a_pledge_with_the_same_slug(pack_copy, tmp_path):
    load(pack_copy)
    other = tmp_path / "other"
    import shutil

    shutil.copytree(pack_copy, other)
    replace_in(other / "campaign.yaml", "slug: uyghur-solidarity", "slug: another-campaign")
    replace_in(other / "campaign.yaml", "default: true", "default: false")

    load(other)

    first, second = Campaign.objects.order_by("pk")
    assert first.pledges.get().demands.count() == 6
    assert second.pledges.get().demands.count() == 6
    assert first.is_default and not second.is_default


def test_a_changed_pack_does_not_overwrite_edits_made_in_the_admin(
    pack_copy, organiser_client, client
):
    load(pack_copy)
    page = Page.objects.get(slug="privacy")
    organiser_client.post(
        f"/admin/campaigns/page/{page.pk}/change/",
        {
            "campaign": page.campaign_id,
            "slug": "privacy",
            "title": "Privacy notice",
            "body": "Edited.",
        },
    )
    assert Page.objects.get(slug="privacy").body == "Edited."
    statement = pack_copy / "statement.md"
    statement.write_text(statement.read_text() + "\nA change in the pack.\n")

    with pytest.raises(CommandError) as refused:
        load(pack_copy)

    message = str(refused.value)
    assert "organisers have edited this campaign in the admin" in message
    assert "organiser: Privacy notice: Changed Body." in message
    assert "load it with --force" in message
    assert Page.objects.get(slug="privacy").body == "Edited."

    load(pack_copy, "--force")

    assert Page.objects.get(slug="privacy").body != "Edited."
    assert "A change in the pack." in client.get("/").content.decode()
    assert "unchanged" in load(pack_copy)
