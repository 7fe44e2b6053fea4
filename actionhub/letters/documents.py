"""A supporter's letter to their MP as a printable A4 business letter: .docx or PDF.

Both formats share one layout: the sender's block and the date top right, then the MP at the
House of Commons, a bold subject line, and the body exactly as the supporter edited it.
"""

import datetime
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple
from xml.sax.saxutils import escape

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from actionhub.core.pdf_fonts import RIGHT_TO_LEFT, UNPRINTABLE, pdf_fonts

HOUSE_OF_COMMONS = ("House of Commons", "London", "SW1A 0AA")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
FONT_SIZE = 11
LINE_HEIGHT = 14.5

_BLANK_LINES = re.compile(r"\n{2,}")


@dataclass(frozen=True)
class PrintableLetter:
    sender_name: str
    sender_address: str
    sender_postcode: str
    sender_email: str
    date: datetime.date
    mp_name: str
    constituency: str
    subject: str
    body: str


class _Block(NamedTuple):
    lines: list[str]
    right: bool = False
    bold: bool = False
    blank_lines_after: int = 1


def letter_date(date: datetime.date) -> str:
    """`date` as a UK letter prints it: "30 November 2026"."""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def _clean_lines(text: str) -> list[str]:
    text = UNPRINTABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [line.strip() for line in text.split("\n")]


def _one_line(text: str) -> str:
    return " ".join(line for line in _clean_lines(text) if line)


def _squashed(text: str) -> str:
    return "".join(text.split()).upper()


def _sender_lines(letter: PrintableLetter) -> list[str]:
    address = [line for line in _clean_lines(letter.sender_address) if line]
    postcode = _one_line(letter.sender_postcode)
    if address and _squashed(address[-1]).endswith(_squashed(postcode)):
        postcode = ""
    lines = [_one_line(letter.sender_name), *address, postcode, _one_line(letter.sender_email)]
    return [line for line in lines if line]


def _body_paragraphs(body: str) -> list[list[str]]:
    text = "\n".join(_clean_lines(body)).strip()
    return [paragraph.split("\n") for paragraph in _BLANK_LINES.split(text) if paragraph]


def _signed(paragraphs: list[list[str]], name: str) -> list[_Block]:
    """The body, then room to sign by hand and the name printed under it, unless the supporter
    already ended the letter with their name."""
    blocks = [_Block(lines) for lines in paragraphs]
    if not name or (paragraphs and _squashed(paragraphs[-1][-1]) == _squashed(name)):
        return blocks
    if blocks:
        blocks[-1] = blocks[-1]._replace(blank_lines_after=3)
    return [*blocks, _Block([name])]


def _layout(letter: PrintableLetter) -> list[_Block]:
    return [
        _Block(_sender_lines(letter), right=True),
        _Block([letter_date(letter.date)], right=True),
        _Block([f"{_one_line(letter.mp_name)} MP", *HOUSE_OF_COMMONS], blank_lines_after=2),
        _Block([_one_line(letter.subject)], bold=True),
        *_signed(_body_paragraphs(letter.body), _one_line(letter.sender_name)),
    ]


def letter_docx(letter: PrintableLetter) -> bytes:
    """The letter as a Word document (A4, 2.5 cm margins, Calibri 11 pt)."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.5)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(FONT_SIZE)
    normal.paragraph_format.space_before = Pt(0)

    properties = document.core_properties
    properties.title = _one_line(letter.subject)
    properties.author = _one_line(letter.sender_name)
    properties.comments = ""
    properties.language = "en-GB"
    properties.created = properties.modified = datetime.datetime.combine(
        letter.date, datetime.time(), tzinfo=datetime.UTC
    )

    for block in _layout(letter):
        paragraph = document.add_paragraph()
        if block.right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_after = Pt(LINE_HEIGHT * block.blank_lines_after)
        run = paragraph.add_run()
        run.bold = block.bold
        for number, line in enumerate(block.lines):
            if number:
                run.add_break()
            run.add_text(line)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_can_print(letter: PrintableLetter) -> bool:
    """Whether the PDF shows every character of the letter as typed. Its font has no Chinese
    characters, and the PDF is laid out left to right without joining letters, so a name or
    words in Chinese, Arabic, Uyghur or Hebrew script would come out wrong: the Word document,
    which the reader's own fonts draw, shows them as typed."""
    regular, _ = pdf_fonts()
    covered = pdfmetrics.getFont(regular).face.charToGlyph
    text = "".join(
        (letter.sender_name, letter.sender_address, letter.sender_email, letter.mp_name,
         letter.subject, letter.body)
    )  # fmt: skip
    return all(
        (ord(char) in covered and unicodedata.bidirectional(char) not in RIGHT_TO_LEFT)
        or char in "\r\n\t"
        for char in text
    )


def letter_pdf(letter: PrintableLetter) -> bytes:
    """The letter as an A4 PDF with the subject as its title."""
    regular, bold = pdf_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        topMargin=2.5 * cm,
        bottomMargin=2.5 * cm,
        title=_one_line(letter.subject),
        author=_one_line(letter.sender_name),
        subject=_one_line(letter.subject),
        lang="en-GB",
        invariant=1,
    )
    story = []
    for block in _layout(letter):
        style = ParagraphStyle(
            "letter",
            fontName=bold if block.bold else regular,
            fontSize=FONT_SIZE,
            leading=LINE_HEIGHT,
            alignment=TA_RIGHT if block.right else TA_LEFT,
        )
        story.append(Paragraph("<br/>".join(escape(line) for line in block.lines), style))
        story.append(Spacer(0, LINE_HEIGHT * block.blank_lines_after))
    document.build(story)
    return buffer.getvalue()
