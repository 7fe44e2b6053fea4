"""Every item of the campaign brief is on the site, in the brief's own words where it has them."""

import html
import re

import pytest

pytestmark = pytest.mark.django_db

PLEDGE_INTRODUCTION = (
    "A human rights crisis is unfolding in China, where at least one million Uyghurs and other "
    "Muslim minorities in the Uyghur Region of China are suffering a grave persecution as part of "
    "a wide effort by the Chinese government to erase their culture and identity. What the "
    "Chinese Communist Party is committing against the Uyghurs is an international crime of "
    "unimaginable violence and demands immediate action."
)
PLEDGE_COMMITMENT = (
    "Driven by a moral imperative to speak up against this injustice and not to look the other "
    "way at what is happening I, therefore, pledge to pressure the UK Government to do the "
    "following:"
)
DEMANDS = [
    "Demand an independent United Nations investigation into atrocities in the Uyghur Region.",
    "Demand a government-commissioned independent tribunal into Crimes Against Humanity and "
    "Genocide against Uyghurs and other Muslim minorities in the Uyghur Region.",
    "Demand government action to hold China accountable, not excluding the possibility of "
    "coordinated sanctions with allies.",
    "Demand the UK impose Magnitsky style sanctions against state and non-state perpetrators.",
    "Demand proscription of companies and institutions facilitating the persecution of Uyghurs.",
    "I will also support a public boycott of products produced by Uyghur slave labour or "
    "companies facilitating Uyghur suppression.",
]
STATEMENT = [
    "The persecution of the Uyghurs, due to their ethnic and religious identity, serves as a "
    "chilling reminder to the horrors committed against the Jews in the Holocaust.",
    "We must honour the victims and survivors of that genocide through our efforts to ensure it "
    "never happens again.",
    "gives the Jewish community both a particular authority and an acute moral responsibility",
]
APPEAL_CALLS = [
    "Closure of the camps and release of all prisoners",
    "End to forced labour",
    "End to sterilisation",
    "End to organ harvesting",
    "Restoration of all religious and cultural freedoms",
]
CALL_TO_ACTION = (
    "A Call to Action seeking brand commitments to cut all ties with suppliers implicated in "
    "forced labour and end all sourcing from the Uyghur Region, from cotton to finished "
    "garments, within twelve months."
)


def page_text(client, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(text).split())


def test_the_pledge_is_shown_word_for_word(campaign, client):
    text = page_text(client, "/pledge/")
    assert PLEDGE_INTRODUCTION in text
    assert PLEDGE_COMMITMENT in text
    for demand in DEMANDS:
        assert demand in text
    assert text.index(DEMANDS[0]) < text.index(DEMANDS[5])


def test_the_demands_are_numbered_in_order(campaign, client):
    content = client.get("/pledge/", follow=True).content.decode()
    demand_list = content[content.index('<ol class="demands">') :]
    items = re.findall(r"<li>(.*?)</li>", demand_list, flags=re.S)[:6]
    assert [html.unescape(" ".join(item.split())) for item in items] == DEMANDS


def test_the_statement_is_on_the_home_page(campaign, client):
    text = page_text(client, "/")
    for sentence in STATEMENT:
        assert sentence in text


def test_the_home_page_calls_to_every_action(campaign, client):
    content = client.get("/").content.decode()
    for url in [
        "/pledge/",
        "/write-to-your-mp/",
        "/demonstration/",
        "/brands/",
        "/appeal/",
        "/get-involved/",
    ]:
        assert f'href="{url}' in content, url


def test_the_appeal_has_its_five_calls_and_link(campaign, client):
    text = page_text(client, "/appeal/")
    for call in APPEAL_CALLS:
        assert call in text
    content = client.get("/appeal/").content.decode()
    assert 'href="https://www.gofundme.com/f/stop-uyghur-genocide"' in content
    assert "Stop Uyghur Genocide campaign" in text


def test_the_call_to_action_is_on_the_brands_page(campaign, client):
    text = page_text(client, "/brands/")
    assert "Call to Action on businesses to end Uyghur forced labour from China" in text
    assert CALL_TO_ACTION in text


def test_both_letters_and_their_briefings_are_there(campaign, client):
    text = page_text(client, "/write-to-your-mp/")
    assert "treatment and persecution of Muslim Uyghurs in China" in text
    assert "China’s systematic oppression of Uyghur women" in text
    general = page_text(client, "/write-to-your-mp/general/")
    women = page_text(client, "/write-to-your-mp/uyghur-women/")
    assert "Dear [your MP’s name]," in general and "Yours sincerely," in general
    assert "Uyghur women" in women and "Yours sincerely," in women
    for briefing in ["/briefings/general/", "/briefings/uyghur-women/"]:
        text = page_text(client, briefing)
        assert "Sources" in text
        assert "not Chinese people" in text or "never Chinese people" in text


def test_the_demonstration_time_and_address(campaign, client):
    text = page_text(client, "/demonstration/")
    assert "Every Tuesday, 18:00 to 19:00" in text
    assert "Chinese Embassy – Cultural Section" in text
    assert "11 West Heath Road" in text
    assert "Hampstead" in text
    assert "London NW3 7UX" in text
    assert "Safety guidance" in text


def test_the_engagement_plan_is_practical_for_community_groups(campaign, client):
    text = page_text(client, "/get-involved/")
    assert "Outline plan for community engagement" in text
    for step in [
        "Host a talk",
        "Run a pledge drive",
        "Hold a letter-writing session",
        "Come to the demonstration together",
        "Ask local shops about sourcing",
    ]:
        assert step in text
    assert "What you need" in text
    for group in ["synagogues", "schools", "youth movements", "societies"]:
        assert group in text
    content = client.get("/get-involved/").content.decode()
    for tool in [
        'href="/pledge/"',
        'href="/write-to-your-mp/"',
        'href="/demonstration/"',
        'href="/brands/"',
    ]:
        assert tool in content
