import dataclasses
import datetime
import io

import docx
import pypdf
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH

from actionhub.core import pdf_fonts
from actionhub.letters import documents
from actionhub.letters.documents import PrintableLetter, letter_date, letter_docx, letter_pdf

ADDED_LINE = "My grandmother was born in Kashgar."
BODY = (
    "Dear Ms Smith,\n"
    "\n"
    "I am writing as your constituent about the forced labour of Uyghurs.\n"
    f"{ADDED_LINE}\n"
    "\n"
    "Please sign the early day motion.\n"
    "\n"
    "Yours sincerely,\n"
    "Ruth Cohen"
)
HAS_DEJAVU = (pdf_fonts.DEJAVU_FONTS / "DejaVuSans.ttf").is_file() and (
    pdf_fonts.DEJAVU_FONTS / "DejaVuSans-Bold.ttf"
).is_file()


def make_letter(**changes):
    letter = PrintableLetter(
        sender_name="Ruth Cohen",
        sender_address="Flat 2\n14 Willow Road\nLondon",
        sender_postcode="NW3 7UX",
        sender_email="ruth@example.org",
        date=datetime.date(2026, 11, 30),
        mp_name="Ms Jane Smith",
        constituency="Hampstead and Highgate",
        subject="Uyghur forced labour in supply chains",
        body=BODY,
    )
    return dataclasses.replace(letter, **changes)


def squashed(text):
    return " ".join(text.split())


def docx_paragraphs(data):
    return [paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs]


def docx_text(data):
    return squashed("\n".join(docx_paragraphs(data)))


def pdf_text(data):
    return squashed(
        "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    )


def assert_in_order(text, *parts):
    positions = [text.index(squashed(part)) for part in parts]
    assert positions == sorted(positions), parts


EXPECTED = [
    "Ruth Cohen",
    "Flat 2",
    "14 Willow Road",
    "NW3 7UX",
    "ruth@example.org",
    "30 November 2026",
    "Ms Jane Smith MP",
    "House of Commons",
    "SW1A 0AA",
    "Uyghur forced labour in supply chains",
    "Dear Ms Smith,",
    ADDED_LINE,
    "Please sign the early day motion.",
    "Yours sincerely,",
]


@pytest.mark.parametrize("render", [letter_docx, letter_pdf])
def test_the_letter_prints_sender_date_mp_subject_and_body_in_order(render):
    text = (docx_text if render is letter_docx else pdf_text)(render(make_letter()))

    for part in EXPECTED:
        assert squashed(part) in text, part
    assert_in_order(text, *EXPECTED)


def test_the_docx_is_an_a4_letter_with_the_sender_top_right():
    document = docx.Document(io.BytesIO(letter_docx(make_letter())))

    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0
    assert round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm, 1) == round(section.top_margin.cm, 1) == 2.5
    sender, date, recipient, subject, *body = document.paragraphs
    assert sender.text == "Ruth Cohen\nFlat 2\n14 Willow Road\nLondon\nNW3 7UX\nruth@example.org"
    assert sender.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert date.text == "30 November 2026"
    assert recipient.text == "Ms Jane Smith MP\nHouse of Commons\nLondon\nSW1A 0AA"
    assert recipient.alignment != WD_ALIGN_PARAGRAPH.RIGHT
    assert all(run.bold for run in subject.runs)
    assert [paragraph.text for paragraph in body] == [
        "Dear Ms Smith,",
        f"I am writing as your constituent about the forced labour of Uyghurs.\n{ADDED_LINE}",
        "Please sign the early day motion.",
        "Yours sincerely,\nRuth Cohen",
    ]
    assert document.core_properties.title == "Uyghur forced labour in supply chains"
    assert document.core_properties.author == "Ruth Cohen"


def test_the_pdf_is_a4_and_titled_with_the_subject():
    reader = pypdf.PdfReader(io.BytesIO(letter_pdf(make_letter())))

    assert reader.metadata.title == "Uyghur forced labour in supply chains"
    assert reader.metadata.author == "Ruth Cohen"
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_the_pdf_keeps_the_line_breaks_of_the_address_and_the_body():
    page = pypdf.PdfReader(io.BytesIO(letter_pdf(make_letter()))).pages[0]

    lines = [line.strip() for line in page.extract_text().splitlines()]

    for line in [
        "Ruth Cohen",
        "Flat 2",
        "14 Willow Road",
        "NW3 7UX",
        "House of Commons",
        ADDED_LINE,
    ]:
        assert line in lines, line


def test_a_form_submission_with_windows_line_endings_keeps_its_paragraphs():
    letter = make_letter(body=BODY.replace("\n", "\r\n"), sender_address="Flat 2\r\n14 Willow Road")

    paragraphs = docx_paragraphs(letter_docx(letter))

    assert paragraphs[0] == "Ruth Cohen\nFlat 2\n14 Willow Road\nNW3 7UX\nruth@example.org"
    assert paragraphs[-4:] == docx_paragraphs(letter_docx(make_letter()))[-4:]


@pytest.mark.parametrize("render", [letter_docx, letter_pdf])
def test_markup_in_the_supporters_text_prints_literally(render):
    letter = make_letter(
        subject="<b>&amp; <script>",
        sender_name="Tom & Jerry",
        body=f"Dear Ms Smith,\n\nTom & Jerry <3 the <i>campaign</i>\n{ADDED_LINE}\n\nYours, <Ruth>",
    )

    text = (docx_text if render is letter_docx else pdf_text)(render(letter))

    assert "<b>&amp; <script>" in text
    assert "Tom & Jerry <3 the <i>campaign</i>" in text
    assert "Yours, <Ruth>" in text
    assert text.startswith("Tom & Jerry")


@pytest.mark.skipif(not HAS_DEJAVU, reason="DejaVu Sans (fonts-dejavu-core) is not installed")
def test_accents_curly_quotes_and_dashes_survive_in_the_pdf():
    letter = make_letter(
        sender_name="Güler Ömer",
        subject="Forced labour – “no more”",
        body="Dear Ms Smith,\n\nI’m writing about Ürümqi – it’s “urgent”. Ελλάδα, Москва.",
    )

    text = pdf_text(letter_pdf(letter))

    assert "Güler Ömer" in text
    assert "Forced labour – “no more”" in text
    assert "I’m writing about Ürümqi – it’s “urgent”. Ελλάδα, Москва." in text


def test_without_dejavu_the_pdf_falls_back_to_vera(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_fonts, "DEJAVU_FONTS", tmp_path)
    pdf_fonts.pdf_fonts.cache_clear()
    try:
        reader = pypdf.PdfReader(io.BytesIO(letter_pdf(make_letter())))
    finally:
        pdf_fonts.pdf_fonts.cache_clear()

    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert any("VeraSans" in font for font in fonts), fonts
    assert not any("DejaVu" in font for font in fonts), fonts
    assert ADDED_LINE in squashed(reader.pages[0].extract_text())


def test_a_long_letter_runs_over_several_pages():
    sentences = [f"This is sentence number {number} of a long letter." for number in range(250)]
    body = "Dear Ms Smith,\n\n" + "\n\n".join(
        " ".join(sentences[start : start + 10]) for start in range(0, len(sentences), 10)
    )
    body += "\n\nThe very last sentence asks you to act."
    assert len(body) > 10_000

    pdf = letter_pdf(make_letter(body=body))
    docx_data = letter_docx(make_letter(body=body))

    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) > 2
    assert "The very last sentence asks you to act." in pdf_text(pdf)
    assert "sentence number 249 of a long letter." in pdf_text(pdf)
    assert docx_paragraphs(docx_data)[-2:] == [
        "The very last sentence asks you to act.",
        "Ruth Cohen",
    ]


def test_a_single_paragraph_of_ten_thousand_characters_splits_across_pages():
    body = "Dear Ms Smith,\n\n" + "word " * 2_000 + "Final words here."

    pdf = letter_pdf(make_letter(body=body))

    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) > 1
    assert pdf_text(pdf).endswith("Final words here. Ruth Cohen")


@pytest.mark.parametrize("address", ["14 Willow Road\nLondon NW3 7UX", "14 Willow Road\nnw37ux\n"])
@pytest.mark.parametrize("render", [letter_docx, letter_pdf])
def test_an_address_ending_with_the_postcode_prints_it_once(render, address):
    text = (docx_text if render is letter_docx else pdf_text)(
        render(make_letter(sender_address=address))
    )

    assert text.upper().replace(" ", "").count("NW37UX") == 1


def test_no_email_leaves_no_gap_in_the_sender_block():
    paragraphs = docx_paragraphs(letter_docx(make_letter(sender_email="")))

    assert paragraphs[0] == "Ruth Cohen\nFlat 2\n14 Willow Road\nLondon\nNW3 7UX"


@pytest.mark.parametrize(
    ("date", "printed"),
    [
        (datetime.date(2026, 3, 5), "5 March 2026"),
        (datetime.date(2026, 11, 30), "30 November 2026"),
    ],
)
def test_the_date_is_written_out_without_a_leading_zero(date, printed):
    assert letter_date(date) == printed
    assert printed in pdf_text(letter_pdf(make_letter(date=date)))


@pytest.mark.parametrize("render", [letter_docx, letter_pdf])
def test_pasted_control_characters_do_not_break_the_letter(render):
    letter = make_letter(
        sender_name="Ruth\x0b Cohen",
        subject="Forced\x0c labour",
        body=f"Dear Ms Smith,\n\nPasted\x0b text\x0c with\x00 junk.\n{ADDED_LINE}",
    )

    text = (docx_text if render is letter_docx else pdf_text)(render(letter))

    assert text.startswith("Ruth Cohen")
    assert "Forced labour" in text
    assert "Pasted text with junk." in text
    assert ADDED_LINE in text


@pytest.mark.parametrize("render", [letter_docx, letter_pdf])
@pytest.mark.parametrize("name", ["Amina", "Ruth Cohen"])
def test_the_name_is_printed_under_the_sign_off_once(render, name):
    unsigned = BODY.removesuffix("\nRuth Cohen")
    assert unsigned.endswith("Yours sincerely,")
    text = docx_text if render is letter_docx else pdf_text

    printed = text(render(make_letter(sender_name=name, body=unsigned)))
    signed_already = text(render(make_letter(sender_name=name, body=f"{unsigned}\n{name}")))

    assert printed.endswith(f"Yours sincerely, {name}")
    assert signed_already.endswith(f"Yours sincerely, {name}")
    assert signed_already.count(name) == printed.count(name) == 2  # the sender block and here


def test_the_accessibility_statement_describes_the_downloads_as_they_are():
    """campaign_packs/*/pages/accessibility.md says what these tests check: real text, the
    subject as title, British English, 11 point; and an untagged PDF. Change both together."""
    letter = make_letter()

    word = docx.Document(io.BytesIO(letter_docx(letter)))
    assert word.core_properties.title == letter.subject
    assert word.core_properties.language == "en-GB"
    assert word.styles["Normal"].font.size.pt == 11
    assert {paragraph.style.name for paragraph in word.paragraphs} == {"Normal"}

    pdf = pypdf.PdfReader(io.BytesIO(letter_pdf(letter)))
    catalogue = pdf.trailer["/Root"]
    assert pdf.metadata.title == letter.subject
    assert catalogue["/Lang"] == "en-GB"
    assert ADDED_LINE in squashed(" ".join(page.extract_text() for page in pdf.pages))
    assert "/StructTreeRoot" not in catalogue and "/MarkInfo" not in catalogue, "not tagged"


@pytest.mark.parametrize(
    ("name", "printable"),
    [("Ruth Cohen", True), ("Zoë Ó Briain", True), ("Дмитрий", HAS_DEJAVU), ("张伟", False),
     ("ئۇيغۇر", False), ("עברית", False)],
)  # fmt: skip
def test_the_pdf_is_offered_only_when_it_can_show_every_character(name, printable):
    assert documents.pdf_can_print(make_letter(sender_name=name)) is printable
