"""Fonts and right-to-left text for the PDFs reportlab writes (letters, a group's materials).

reportlab lays text out left to right, one glyph per character. Text in Hebrew or Arabic
script is therefore put into the order it is seen in (ICU's bidirectional algorithm, line by
line) and Arabic letters into their joined forms before it is drawn.
"""

import functools
import re
import unicodedata
from pathlib import Path

import icu
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

DEJAVU_FONTS = Path("/usr/share/fonts/truetype/dejavu")
# Control characters, and the two noncharacters XML cannot hold (a pasted U+FFFE or U+FFFF,
# which show nothing, would stop a Word document being made): taken out of printed text.
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
RIGHT_TO_LEFT = {"R", "AL", "AN", "RLE", "RLO", "RLI"}
_ARABIC_LETTER = "AL"


@functools.cache
def pdf_fonts() -> tuple[str, ...]:
    """Register a Unicode TTF pair once: DejaVu Sans if installed, else reportlab's own Vera."""
    regular, bold = DEJAVU_FONTS / "DejaVuSans.ttf", DEJAVU_FONTS / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        fonts = {"DejaVuSans": str(regular), "DejaVuSans-Bold": str(bold)}
    else:
        fonts = {"Vera": "Vera.ttf", "VeraBd": "VeraBd.ttf"}
    for name, file in fonts.items():
        pdfmetrics.registerFont(TTFont(name, file))
    return tuple(fonts)


@functools.cache
def pdf_mono_font() -> str:
    """A fixed-width font for text to be typed (a link): l, 1 and I, O and 0 stay distinct.
    DejaVu Sans Mono if installed, else the PDF's built-in Courier."""
    mono = DEJAVU_FONTS / "DejaVuSansMono-Bold.ttf"
    if not mono.is_file():
        return "Courier-Bold"
    pdfmetrics.registerFont(TTFont("DejaVuSansMono-Bold", str(mono)))
    return "DejaVuSansMono-Bold"


def font_covers(font_name: str, text: str) -> bool:
    """Whether the registered TrueType font has a glyph for every character of `text`."""
    face = getattr(pdfmetrics.getFont(font_name), "face", None)
    if face is None or not hasattr(face, "charToGlyph"):
        return all(ord(char) < 256 for char in text)
    return all(ord(char) in face.charToGlyph or char.isspace() for char in text)


def has_right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in RIGHT_TO_LEFT for char in text)


def starts_right_to_left(text: str) -> bool:
    """Whether a paragraph reads right to left: its first strong character does (Unicode's rule)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in {"L", "R", "AL"}:
            return direction != "L"
    return False


def shaped(text: str, font_name: str) -> str:
    """`text` with Arabic letters in their joined (presentation) forms, when the font has them."""
    if not any(unicodedata.bidirectional(char) == _ARABIC_LETTER for char in text):
        return text
    joined = str(icu.Shape.shapeArabic(text, icu.Shape.LETTERS_SHAPE))
    return joined if font_covers(font_name, joined) else text


def visual_order(line: str, *, right_to_left: bool) -> str:
    """One line in the order its characters are seen, left to right, brackets mirrored."""
    if not has_right_to_left(line):
        return line
    bidi = icu.Bidi()
    bidi.setPara(icu.UnicodeString(line), 1 if right_to_left else 0)
    return str(bidi.writeReordered(icu.Bidi.DO_MIRRORING))
