import io

import pypdf
import pytest
import zxingcpp
from PIL import Image, ImageOps
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Pt

from actionhub.campaigns.models import EngagementPlan
from actionhub.campaigns.tests.factories import (
    EngagementPlanFactory,
    EngagementStepFactory,
    PledgeDemandFactory,
    PledgeFactory,
)
from actionhub.groups import materials

pytestmark = pytest.mark.django_db

LINK = "https://campaign.example.org/pledge/?source=hampstead-shul"
GROUP = "Hampstead Synagogue Social Action Group"
LONG_NAME = (
    "The North West London Reform and Liberal Jewish Youth Movements' Joint Social Action "
    "Committee Group"
)
HEBREW_NAME = "קהילת שלום"
CM = 72 / 2.54
PAGE_SIZES = {"A4": (595, 842), "A5": (420, 595)}
PDF_MATERIALS = {
    "poster A4": lambda **kwargs: materials.poster_pdf(size="A4", **kwargs),
    "poster A5": lambda **kwargs: materials.poster_pdf(size="A5", **kwargs),
    "handout": materials.handout_pdf,
    "slides": materials.slides_pdf,
}


def read(data: bytes) -> pypdf.PdfReader:
    assert data.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(data))


def words(page) -> str:
    """The page's text with each run of spaces and line breaks made one space."""
    return " ".join(page.extract_text().split())


def without_spaces(page) -> str:
    """The page's text with no spaces or line breaks: a link broken over lines reads whole."""
    return "".join(page.extract_text().split())


def qr_codes(page) -> list[str]:
    """What each QR code among the page's images says, read as a phone reads it."""
    found = []
    for image in page.images:
        for barcode in zxingcpp.read_barcodes(image.image):
            assert barcode.format == zxingcpp.BarcodeFormat.QRCode
            assert barcode.ec_level in {"M", "Q"}
            found.append(barcode.text)
    return found


def image_widths(page) -> list[float]:
    """How wide, in points, each image is drawn on the page."""
    widths = []

    def before(operator, operands, cm, tm):
        if operator == b"Do":
            widths.append(abs(cm[0]))

    page.extract_text(visitor_operand_before=before)
    return widths


def page_size(page) -> tuple[float, float]:
    return float(page.mediabox.width), float(page.mediabox.height)


def make(name: str, campaign, group_name=GROUP, link=LINK) -> pypdf.PdfReader:
    return read(PDF_MATERIALS[name](campaign=campaign, group_name=group_name, link=link))


def demands(campaign) -> list[str]:
    pledge = campaign.pledges.get()
    return [" ".join(text.split()) for text in pledge.demands.values_list("text", flat=True)]


# -- Poster ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_the_poster_is_one_portrait_page_whose_qr_code_scans_to_the_link(campaign, size):
    pdf = make(f"poster {size}", campaign)

    [page] = pdf.pages
    width, height = page_size(page)
    assert width == pytest.approx(PAGE_SIZES[size][0], abs=1)
    assert height == pytest.approx(PAGE_SIZES[size][1], abs=1)
    text = words(page)
    assert "Jewish Action Against Persecution of Uyghurs" in text
    assert "Sign our Pledge – Stop Uyghur Genocide" in text
    assert LINK in without_spaces(page)
    assert f"Shared by {GROUP}" in text
    assert qr_codes(page) == [LINK], "one image, the QR code, and it reads as the link"
    assert pdf.metadata.title == (
        f"Jewish Action Against Persecution of Uyghurs – poster for {GROUP}"
    )
    assert pdf.metadata.author == GROUP


def test_the_a5_poster_qr_code_is_big_with_its_quiet_zone(campaign):
    page = make("poster A5", campaign).pages[0]

    [drawn] = image_widths(page)
    assert drawn >= 6 * CM
    [image] = page.images
    picture = image.image.convert("L")
    left, top, right, bottom = ImageOps.invert(picture).getbbox()
    module = (picture.width - (right - left)) / 8
    assert left == top == picture.width - right == picture.height - bottom == 4 * module
    modules = (right - left) / module
    assert modules == int(modules) and (modules - 17) % 4 == 0, "a whole QR symbol"
    assert drawn * (right - left) / picture.width >= 5 * CM, "the symbol itself is 5 cm wide"


def test_the_a4_poster_has_the_commitment_and_the_demands_as_stored(campaign):
    text = words(make("poster A4", campaign).pages[0])

    assert " ".join(campaign.pledges.get().commitment.split()) in text
    for demand in demands(campaign):
        assert demand in text


def test_where_the_demands_would_be_too_small_the_poster_has_just_its_heading(campaign):
    text = words(make("poster A5", campaign).pages[0])

    assert "Sign our Pledge – Stop Uyghur Genocide" in text
    assert not any(demand in text for demand in demands(campaign))
    assert "Driven by a moral imperative" not in text


def test_a_short_pledge_fits_on_an_a5_poster():
    pledge = PledgeFactory(title="Sign the pledge", commitment="We ask the Government to:")
    PledgeDemandFactory(pledge=pledge, position=1, text="Hold an inquiry.")
    PledgeDemandFactory(pledge=pledge, position=2, text="Publish what it finds.")

    text = words(make("poster A5", pledge.campaign).pages[0])

    assert "We ask the Government to: 1. Hold an inquiry. 2. Publish what it finds." in text


def test_a_poster_is_a4_or_a5(campaign):
    with pytest.raises(ValueError, match="A4 or A5"):
        materials.poster_pdf(campaign=campaign, group_name=GROUP, link=LINK, size="A3")


# -- Handout ---------------------------------------------------------------------------------


def test_the_handout_is_one_a4_page_with_the_pledge_in_its_own_words(campaign):
    pdf = make("handout", campaign)

    [page] = pdf.pages
    assert page_size(page) == pytest.approx(PAGE_SIZES["A4"], abs=1)
    text = words(page)
    pledge = campaign.pledges.get()
    assert pledge.title in text
    assert " ".join(pledge.introduction.split()) in text
    assert " ".join(pledge.commitment.split()) in text
    stored = demands(campaign)
    assert len(stored) == 6
    for number, demand in enumerate(stored, start=1):
        assert f"{number}. {demand}" in text
    assert LINK in without_spaces(page)
    assert f"Shared by {GROUP}" in text
    assert qr_codes(page) == [LINK]
    assert image_widths(page)[0] < 6 * CM, "a smaller code than the poster's"
    assert pdf.metadata.title == (
        f"Jewish Action Against Persecution of Uyghurs – handout for {GROUP}"
    )


def test_the_handout_prints_the_introduction_without_its_markdown():
    pledge = PledgeFactory(
        introduction=(
            "## What is happening\n\nThe *first* paragraph, with **strong** words and "
            "[a report](https://example.org/report).\n\n- One point\n- Another point\n\n"
            "1. A first step\n2. A second step"
        )
    )
    PledgeDemandFactory(pledge=pledge, position=1)

    page = make("handout", pledge.campaign).pages[0]

    text = words(page)
    assert "What is happening" in text
    assert (
        "The first paragraph, with strong words and a report (https://example.org/report)." in text
    )
    assert "• One point • Another point" in text
    assert "1. A first step 2. A second step" in text
    for mark in ("#", "*", "](", "<p>"):
        assert mark not in text


def test_a_long_introduction_still_fits_on_one_page():
    pledge = PledgeFactory(introduction="\n\n".join(["A long paragraph of words. " * 40] * 6))
    PledgeDemandFactory(pledge=pledge, position=1, text="The only demand.")

    pdf = make("handout", pledge.campaign)

    assert len(pdf.pages) == 1
    assert "The only demand." in words(pdf.pages[0])
    assert qr_codes(pdf.pages[0]) == [LINK]


# -- Slides ----------------------------------------------------------------------------------


def test_the_slides_are_16_by_9_from_title_to_closing_qr_code(campaign):
    pdf = make("slides", campaign)

    assert len(pdf.pages) >= 3
    for page in pdf.pages:
        width, height = page_size(page)
        assert width > height
        assert width / height == pytest.approx(16 / 9, abs=0.01)
    first, last = words(pdf.pages[0]), pdf.pages[-1]
    assert "Jewish Action Against Persecution of Uyghurs" in first
    assert f"A talk by {GROUP}" in first
    assert LINK in without_spaces(last)
    assert qr_codes(last) == [LINK]
    assert all(not page.images for page in pdf.pages[:-1]), "no pictures but the QR code"
    assert pdf.metadata.title == f"Jewish Action Against Persecution of Uyghurs – talk by {GROUP}"


def test_the_slides_have_the_demands_and_a_slide_for_each_step_of_the_plan(campaign):
    pages = [words(page) for page in make("slides", campaign).pages]

    talk = " ".join(pages)
    for demand in demands(campaign):
        assert demand in talk
    steps = campaign.engagement.steps.order_by("position")
    assert len(pages) == 1 + 2 + len(steps) + 1, "title, the pledge on two, steps, closing"
    for page, step in zip(pages[3:-1], steps, strict=True):
        assert step.title in page
        assert " ".join(step.summary.split()) in page


def test_without_an_engagement_plan_the_talk_is_the_pledge_alone():
    pledge = PledgeFactory(commitment="We ask the Government to:")
    PledgeDemandFactory(pledge=pledge, position=1, text="Hold an inquiry.")
    assert not EngagementPlan.objects.filter(campaign=pledge.campaign).exists()

    pages = make("slides", pledge.campaign).pages

    assert len(pages) == 3
    assert "We ask the Government to: 1. Hold an inquiry." in words(pages[1])


def test_steps_come_in_the_plans_order():
    pledge = PledgeFactory()
    PledgeDemandFactory(pledge=pledge, position=1)
    plan = EngagementPlanFactory(campaign=pledge.campaign, title="Our plan")
    EngagementStepFactory(plan=plan, position=2, title="Second", summary="Then this.")
    EngagementStepFactory(plan=plan, position=1, title="First", summary="This first.")

    pages = [words(page) for page in make("slides", pledge.campaign).pages]

    assert "Our plan: step 1 of 2 First This first." in pages[2]
    assert "Our plan: step 2 of 2 Second Then this." in pages[3]


# -- Every PDF -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PDF_MATERIALS)
@pytest.mark.parametrize("group_name", [LONG_NAME, HEBREW_NAME, "Zoë & Ó Briain's <Chavurah>"])
def test_long_accented_and_hebrew_group_names_are_printed(campaign, name, group_name):
    pdf = make(name, campaign, group_name=group_name)

    text = words(pdf.pages[-1])
    assert group_name in text
    assert qr_codes(pdf.pages[-1]) == [LINK]
    assert group_name in pdf.metadata.title


def test_a_group_name_of_100_characters_is_wrapped_not_run_off_the_page(campaign):
    assert len(LONG_NAME) == 100
    for name in PDF_MATERIALS:
        page = make(name, campaign, group_name=LONG_NAME).pages[-1]
        assert f"Shared by {LONG_NAME}" in words(page)
        assert f"Shared by {LONG_NAME}" not in page.extract_text(), f"one line on the {name}"


@pytest.mark.parametrize("name", PDF_MATERIALS)
def test_a_long_link_is_broken_over_lines_and_still_scans(campaign, name):
    link = f"{LINK}&utm_campaign=community-groups-autumn&utm_medium=print&utm_content={name[:6]}"

    page = make(name, campaign, link=link).pages[-1]

    assert link in without_spaces(page)
    assert qr_codes(page) == [link]


def test_a_campaign_without_a_pledge_has_nothing_to_print():
    pledge = PledgeFactory()
    campaign = pledge.campaign
    pledge.delete()

    with pytest.raises(ValueError, match="no pledge"):
        materials.handout_pdf(campaign=campaign, group_name=GROUP, link=LINK)


# -- PowerPoint ------------------------------------------------------------------------------


def slide_text(slide) -> str:
    return " ".join(
        " ".join(shape.text_frame.text.split()) for shape in slide.shapes if shape.has_text_frame
    )


@pytest.mark.parametrize("group_name", [GROUP, HEBREW_NAME])
def test_the_pptx_has_the_same_slides_with_words_to_edit(campaign, group_name):
    data = materials.slides_pptx(campaign=campaign, group_name=group_name, link=LINK)
    pdf = make("slides", campaign, group_name=group_name)

    deck = Presentation(io.BytesIO(data))

    assert (deck.slide_width, deck.slide_height) == (Pt(960), Pt(540))
    slides = list(deck.slides)
    assert len(slides) == len(pdf.pages)
    assert f"A talk by {group_name}" in slide_text(slides[0])
    talk = " ".join(slide_text(slide) for slide in slides)
    for demand in demands(campaign):
        assert demand in talk
    closing = slides[-1]
    assert LINK in slide_text(closing)
    assert f"Shared by {group_name}" in slide_text(closing)
    [picture] = [shape for shape in closing.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture.image.blob)))
    assert barcode.text == LINK
    assert deck.core_properties.title == (
        f"Jewish Action Against Persecution of Uyghurs – talk by {group_name}"
    )
    assert deck.core_properties.author == group_name
