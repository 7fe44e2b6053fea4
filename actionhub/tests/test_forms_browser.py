"""How form controls sit on a phone and a laptop: each checkbox and radio level with the first
line of its label, which wraps beside it; labels above their boxes; room between the parts."""

import pytest

from actionhub.tests.browser import check_page
from actionhub.tests.test_letters_browser import OWN_WORDS

pytestmark = pytest.mark.browser
SIZES = pytest.mark.parametrize("width", [390, 1280], ids=["phone", "laptop"])


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, locator
    return found


def assert_boxes_sit_beside_their_labels(page, where):
    controls = page.locator(".field-checkbox input, .radio input")
    assert controls.count() > 0, where
    for n in range(controls.count()):
        control = controls.nth(n)
        label = page.locator(f"label[for='{control.get_attribute('id')}']")
        line = float(label.evaluate("label => parseFloat(getComputedStyle(label).lineHeight)"))
        c, text = box(control), box(label)
        name = f"{where}: {label.inner_text()[:40]}"
        assert text["x"] >= c["x"] + c["width"], f"{name}: the label is beside its box"
        assert abs(text["y"] - c["y"]) <= 4, f"{name}: the label starts level with its box"
        first_line_middle = text["y"] + line / 2
        assert abs(c["y"] + c["height"] / 2 - first_line_middle) <= 3, f"{name}: box level"


@SIZES
def test_checkboxes_and_radios_sit_beside_their_labels(campaign, page, width):
    page.set_viewport_size({"width": width, "height": 844})
    for url in ["/pledge/stop-uyghur-genocide/", "/demonstration/"]:
        check_page(page, url)
        assert_boxes_sit_beside_their_labels(page, url)


@SIZES
def test_the_letter_details_and_the_own_email_page_are_laid_out_clearly(campaign, mp, page, width):
    page.set_viewport_size({"width": width, "height": 844})
    check_page(page, "/write-to-your-mp/general/?postcode=NW3%207UX")
    page.get_by_label("Your postcode").fill("NW3 7UX")
    page.get_by_role("button", name="Find my MP").click()
    page.wait_for_url("**/write/")
    body = page.get_by_label("Your letter")
    body.fill(body.input_value().replace("[say why in your own words]", OWN_WORDS))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/send/")

    # The long consent label wraps beside its box, not under it.
    assert_boxes_sit_beside_their_labels(page, "letter details")
    consent = box(page.get_by_label("Pass my name, postal address"))
    consent_label = box(page.locator("label[for=id_pass_to_mp]"))
    assert consent_label["height"] > consent["height"] * 1.5 or width > 600, "it wraps on a phone"
    assert consent_label["x"] >= consent["x"] + consent["width"]
    # The Continue button does not touch the privacy panel.
    button = box(page.get_by_role("button", name="Continue"))
    privacy = box(page.get_by_role("complementary", name="Your privacy"))
    assert privacy["y"] - (button["y"] + button["height"]) >= 16

    page.get_by_label("Full name", exact=True).fill("Dilnur Abdulla")
    page.get_by_label("Postal address", exact=True).fill("11 Example Road\nLondon")
    page.get_by_label("Send it from my own email").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/letters/*/")
    label = box(page.locator("label[for=letter-text]"))
    text = box(page.get_by_label("The text of your letter, to copy"))
    assert label["y"] + label["height"] <= text["y"], "the label sits above the box"
    assert abs(label["x"] - text["x"]) <= 1
