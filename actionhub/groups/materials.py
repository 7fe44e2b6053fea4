"""Printable materials a community group hands out and shows, in the campaign's own words.

A poster (A4 or A5), an A4 handout and 16:9 slides for a talk, as PDF, and the same slides as a
PowerPoint file the group can edit. Each carries the group's link as a QR code and in large
type to be typed, and says which group shared it. Black on white, large type, no pictures but
the QR code.

The words are the campaign's as stored: its name, the pledge's title, introduction, commitment
and demands, and the engagement plan's steps, with a few plain labels around them.
"""

import datetime
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from xml.sax.saxutils import escape

import segno
from pptx import Presentation
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Pt
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, Spacer

from actionhub.campaigns.models import Campaign, EngagementPlan, Pledge
from actionhub.core.markdown import render_markdown
from actionhub.core.pdf_fonts import (
    UNPRINTABLE,
    has_right_to_left,
    pdf_fonts,
    pdf_mono_font,
    shaped,
    starts_right_to_left,
    visual_order,
)

POSTER_SIZES = {"A4": A4, "A5": A5}
SLIDE_SIZE = (960.0, 540.0)  # 13.333 by 7.5 inches: PowerPoint's widescreen, 16:9
LANGUAGE = "en-GB"
QR_ERROR = "q"  # a quarter of the code can be scuffed or covered and it still scans
QR_BORDER = 4  # the quiet zone, in modules, that scanners need around the code
LEADING = 1.25
_LINK_BREAKS = re.compile(r"(?<=[/?&#])")


# -- The campaign's words --------------------------------------------------------------------


@dataclass(frozen=True)
class _Pledge:
    title: str
    introduction: str
    commitment: str
    demands: tuple[str, ...]


def _pledge(campaign: Campaign) -> _Pledge:
    """The campaign's pledge (the first, as its pledge page shows) with its demands in order."""
    pledge: Pledge | None = campaign.pledges.order_by("pk").first()
    if pledge is None:
        raise ValueError(f"The campaign {campaign.slug!r} has no pledge to print.")
    demands = pledge.demands.order_by("position").values_list("text", flat=True)
    return _Pledge(
        title=_one_line(pledge.title),
        introduction=pledge.introduction,
        commitment=_one_line(pledge.commitment),
        demands=tuple(_one_line(text) for text in demands),
    )


def _steps(campaign: Campaign) -> tuple[str, list[tuple[str, str]]]:
    """The engagement plan's title and its steps' titles and summaries, or nothing."""
    try:
        plan = campaign.engagement
    except EngagementPlan.DoesNotExist:
        return "", []
    steps = plan.steps.order_by("position").values_list("title", "summary")
    return _one_line(plan.title), [(_one_line(title), _one_line(text)) for title, text in steps]


def _one_line(text: str) -> str:
    return " ".join(UNPRINTABLE.sub("", text or "").split())


class _PlainText(HTMLParser):
    """Rendered Markdown as plain blocks: paragraphs, headings and list items (with their
    bullet or number); a link keeps its words and shows its address after them."""

    BLOCKS = {"p", "li", "h2", "h3", "h4", "blockquote", "dt", "dd", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self._words: list[str] = []
        self._lists: list[list] = []
        self._bullet = ""
        self._link: tuple[str, int] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in {"ul", "ol"}:
            self._end()
            start = dict(attrs).get("start") or "1"
            self._lists.append([tag, int(start) if start.isdigit() else 1])
        elif tag in self.BLOCKS:
            self._end()
            if tag == "li" and self._lists:
                kind, number = self._lists[-1]
                self._bullet = f"{number}." if kind == "ol" else "•"
                self._lists[-1][1] += 1
        elif tag == "br":
            self._words.append(" ")
        elif tag == "a":
            self._link = (dict(attrs).get("href") or "", len(self._words))

    def handle_endtag(self, tag):
        if tag in {"ul", "ol"}:
            self._end()
            if self._lists:
                self._lists.pop()
        elif tag in self.BLOCKS:
            self._end()
        elif tag == "a" and self._link:
            href, start = self._link
            words = _one_line("".join(self._words[start:]))
            if href and href.removeprefix("mailto:") != words:
                self._words.append(f" ({href.removeprefix('mailto:')})")
            self._link = None

    def handle_data(self, data):
        self._words.append(data)

    def _end(self):
        text, self._words = _one_line("".join(self._words)), []
        if text:  # a list item's bullet goes with its first words, in a paragraph or not
            self.blocks.append((self._bullet, text))
            self._bullet = ""

    def close(self):
        super().close()
        self._end()


def _markdown_blocks(text: str) -> list[tuple[str, str]]:
    """Markdown as (bullet, plain text) blocks, rendered as the site renders it."""
    parser = _PlainText()
    parser.feed(str(render_markdown(text or "")))
    parser.close()
    return parser.blocks


# -- Text and QR codes on a PDF page ---------------------------------------------------------


def _style(size: float, *, bold=False, mono=False, align=TA_LEFT, indent=0.0) -> ParagraphStyle:
    regular, heavy = pdf_fonts()
    return ParagraphStyle(
        "material",
        fontName=pdf_mono_font() if mono else heavy if bold else regular,
        fontSize=size,
        leading=size * LEADING,
        alignment=align,
        leftIndent=indent,
        bulletIndent=0,
        bulletFontName=heavy,
        bulletFontSize=size,
        splitLongWords=1,
    )


def _wrapped(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` broken into lines no wider than `width`; a word longer than a line is cut."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while len(line) > 1 and stringWidth(line, font, size) > width:
            cut = len(line) - 1
            while cut > 1 and stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    return [*lines, line] if line else lines


class _Text(Flowable):
    """A paragraph of plain text in any script or direction, wrapped to the width it is given.

    Text with right-to-left letters is broken into lines first and each line put into the
    order it is seen in, since reportlab itself lays lines out left to right.
    """

    def __init__(self, text: str, style: ParagraphStyle, bullet: str = ""):
        super().__init__()
        self.text = shaped(_one_line(text), style.fontName)
        self.style = style
        self.bullet = bullet
        self._paragraph: Paragraph | None = None

    def wrap(self, availWidth, availHeight):
        style, markup = self.style, escape(self.text)
        if has_right_to_left(self.text):
            right_to_left = starts_right_to_left(self.text)
            if right_to_left and style.alignment == TA_LEFT:
                style = ParagraphStyle("right-to-left", parent=style, alignment=TA_RIGHT)
            width = availWidth - style.leftIndent - style.rightIndent - 0.01
            lines = _wrapped(self.text, style.fontName, style.fontSize, width)
            markup = "<br/>".join(
                escape(visual_order(line, right_to_left=right_to_left)) for line in lines
            )
        self._paragraph = Paragraph(markup, style, bulletText=self.bullet or None)
        self.width, self.height = self._paragraph.wrap(availWidth, availHeight)
        return self.width, self.height

    def draw(self):
        self._paragraph.drawOn(self.canv, 0, 0)


def _link_lines(link: str, font: str, size: float, width: float) -> list[str]:
    """The link on as few lines as fit, broken only after a /, ?, & or #, so it reads as one
    address to type."""
    lines, line = [], ""
    for piece in filter(None, _LINK_BREAKS.split(link)):
        if line and stringWidth(line + piece, font, size) > width:
            lines.append(line)
            line = ""
        line += piece
    lines.append(line)
    return [part for line in lines for part in _wrapped(line, font, size, width)]


def _link_fit(
    link: str, sizes: Sequence[float], width: float, max_lines: int
) -> tuple[float, list[str]]:
    """The largest of `sizes` that keeps the link to `max_lines` (else the smallest), and its
    lines."""
    font = pdf_mono_font()
    for size in sizes:
        lines = _link_lines(link, font, size, width - 0.01)
        if len(lines) <= max_lines:
            break
    return size, lines


class _Link(Flowable):
    """The link in a fixed-width font, at the largest size that keeps it to `max_lines`."""

    def __init__(self, link: str, sizes: Sequence[float], *, max_lines=2, align=TA_CENTER):
        super().__init__()
        self.link, self.sizes, self.max_lines, self.align = link, sizes, max_lines, align
        self._paragraph: Paragraph | None = None

    def wrap(self, availWidth, availHeight):
        size, lines = _link_fit(self.link, self.sizes, availWidth, self.max_lines)
        style = _style(size, mono=True, align=self.align)
        style.leading = size * 1.3
        self._paragraph = Paragraph("<br/>".join(escape(line) for line in lines), style)
        self.width, self.height = self._paragraph.wrap(availWidth, availHeight)
        return self.width, self.height

    def draw(self):
        self._paragraph.drawOn(self.canv, 0, 0)


def _qr_png(link: str) -> bytes:
    """The QR code of `link` as a black and white PNG, ten pixels a module, quiet zone around."""
    buffer = io.BytesIO()
    segno.make_qr(link, error=QR_ERROR, boost_error=False).save(
        buffer, kind="png", scale=10, border=QR_BORDER
    )
    return buffer.getvalue()


class _QRCode(Flowable):
    """The QR code as a square image `side` points wide (its quiet zone included), centred."""

    def __init__(self, png: bytes, side: float):
        super().__init__()
        self.png, self.side = png, side

    def wrap(self, availWidth, availHeight):
        self.width, self.height = availWidth, self.side
        return self.width, self.height

    def draw(self):
        reader = ImageReader(io.BytesIO(self.png))
        self.canv.drawImage(reader, (self.width - self.side) / 2, 0, self.side, self.side)


def _height(flowables: Sequence[Flowable], width: float) -> float:
    return sum(flowable.wrap(width, 10_000)[1] for flowable in flowables)


def _draw(canvas: Canvas, flowables: Sequence[Flowable], x: float, top: float, width: float):
    """Draw `flowables` one under another from `top` down; return where they end."""
    y = top
    for flowable in flowables:
        _, height = flowable.wrapOn(canvas, width, 10_000)
        y -= height
        flowable.drawOn(canvas, x, y)
    return y


def _largest_fit(
    build: Callable[[float], list[Flowable]], sizes: Sequence[float], width: float, height: float
) -> list[Flowable] | None:
    """What `build` makes at the largest of `sizes` that fits in `width` by `height`."""
    for size in sizes:
        flowables = build(size)
        if _height(flowables, width) <= height:
            return flowables
    return None


def _canvas(buffer, pagesize, *, title: str, author: str, subject: str) -> Canvas:
    canvas = Canvas(buffer, pagesize=pagesize, invariant=1, lang=LANGUAGE)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject)
    canvas.setCreator("Action Hub")
    return canvas


def _demands(pledge: _Pledge, size: float, *, gap=0.35) -> list[Flowable]:
    """The pledge's demands as a numbered list."""
    style = _style(size, indent=size * 1.9)
    flowables: list[Flowable] = []
    for number, text in enumerate(pledge.demands, start=1):
        flowables += [Spacer(0, size * gap), _Text(text, style, bullet=f"{number}.")]
    return flowables


# -- Poster ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Paper:
    """A poster's sizes, in points, for one paper size."""

    margin: float
    name: float
    title: float
    body: tuple[float, ...]  # the pledge's words, largest first; smaller ones are not printed
    link: tuple[float, ...]
    shared: float
    qr_smallest: float  # the QR code's width with its quiet zone
    qr_largest: float
    gap: float


POSTER_PAPERS = {
    "A4": _Paper(
        margin=1.7 * cm, name=32, title=22, body=(12, 11.5, 11), link=(24, 22, 20, 18),
        shared=16, qr_smallest=7 * cm, qr_largest=13 * cm, gap=0.5 * cm,
    ),
    "A5": _Paper(
        margin=1.2 * cm, name=23, title=16, body=(11, 10.5, 10), link=(19, 17, 15, 13),
        shared=13, qr_smallest=6.5 * cm, qr_largest=9.5 * cm, gap=0.45 * cm,
    ),
}  # fmt: skip


def poster_pdf(*, campaign: Campaign, group_name: str, link: str, size: str) -> bytes:
    """A one-page portrait poster, A4 or A5: the campaign's name and the pledge's title, the
    pledge's commitment and demands when they fit at a size that can be read, a big QR code of
    `link`, the link in large type beneath it, and "Shared by" the group."""
    if size not in POSTER_SIZES:
        raise ValueError(f"A poster is A4 or A5, not {size!r}.")
    pledge, group = _pledge(campaign), _one_line(group_name)
    paper, (width, height) = POSTER_PAPERS[size], POSTER_SIZES[size]
    inner, room = width - 2 * paper.margin, height - 2 * paper.margin

    heading = [
        _Text(_one_line(campaign.name), _style(paper.name, bold=True, align=TA_CENTER)),
        Spacer(0, paper.title * 0.35),
        _Text(pledge.title, _style(paper.title, bold=True, align=TA_CENTER)),
    ]
    foot = [
        _Link(link, paper.link),
        Spacer(0, paper.shared * 0.5),
        _Text(f"Shared by {group}", _style(paper.shared, align=TA_CENTER)),
    ]
    fixed = _height(heading, inner) + _height(foot, inner) + 3 * paper.gap

    def pledge_text(body: float) -> list[Flowable]:
        return [_Text(pledge.commitment, _style(body, bold=True)), *_demands(pledge, body)]

    room_for_words = room - fixed - paper.qr_smallest
    words = _largest_fit(pledge_text, paper.body, inner, room_for_words) or []
    qr_room = room - fixed - _height(words, inner)
    qr_side = max(paper.qr_smallest, min(paper.qr_largest, inner, qr_room))
    blocks = [block for block in (heading, words, [_QRCode(_qr_png(link), qr_side)], foot) if block]
    spare = room - sum(_height(block, inner) for block in blocks)
    spacing = max(paper.gap, spare / (len(blocks) - 1))

    buffer = io.BytesIO()
    canvas = _canvas(
        buffer,
        (width, height),
        title=f"{_one_line(campaign.name)} – poster for {group}",
        author=group,
        subject=pledge.title,
    )
    top = height - paper.margin
    for block in blocks:
        top = _draw(canvas, block, paper.margin, top, inner) - spacing
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# -- Handout ---------------------------------------------------------------------------------


def handout_pdf(*, campaign: Campaign, group_name: str, link: str) -> bytes:
    """One A4 page to hand out: the pledge's title, introduction, commitment and demands, then
    the link with a smaller QR code beside it, and "Shared by" the group."""
    pledge, group = _pledge(campaign), _one_line(group_name)
    width, height = A4
    margin = 2 * cm
    inner = width - 2 * margin
    qr_side = 4.6 * cm
    beside = inner - qr_side - 0.6 * cm

    foot = [
        _Link(link, (16, 15, 14, 13, 12, 11), max_lines=3, align=TA_LEFT),
        Spacer(0, 0.3 * cm),
        _Text(f"Shared by {group}", _style(13)),
    ]
    foot_height = max(qr_side, _height(foot, beside))
    room = height - 2 * margin - foot_height - 1.2 * cm

    def text(body: float) -> list[Flowable]:
        flowables: list[Flowable] = [
            _Text(_one_line(campaign.name), _style(body, bold=True)),
            Spacer(0, body * 0.4),
            _Text(pledge.title, _style(body * 2, bold=True)),
        ]
        for bullet, block in _markdown_blocks(pledge.introduction):
            style = _style(body, indent=body * 1.4 if bullet else 0)
            flowables += [Spacer(0, body * 0.7), _Text(block, style, bullet=bullet)]
        flowables += [
            Spacer(0, body),
            _Text(pledge.commitment, _style(body, bold=True)),
            *_demands(pledge, body, gap=0.5),
        ]
        return flowables

    sizes = (13, 12.5, 12, 11.5, 11, 10.5, 10, 9.5, 9)
    words = _largest_fit(text, sizes, inner, room)
    if words is None:  # an introduction too long for one page at 9 points: made smaller
        words = [KeepInFrame(inner, room, text(sizes[-1]), mode="shrink")]

    buffer = io.BytesIO()
    canvas = _canvas(
        buffer,
        A4,
        title=f"{_one_line(campaign.name)} – handout for {group}",
        author=group,
        subject=pledge.title,
    )
    _draw(canvas, words, margin, height - margin, inner)
    rule = margin + foot_height + 0.6 * cm
    canvas.setLineWidth(0.75)
    canvas.line(margin, rule, width - margin, rule)
    canvas.drawImage(ImageReader(io.BytesIO(_qr_png(link))), margin, margin, qr_side, qr_side)
    foot_top = margin + foot_height / 2 + _height(foot, beside) / 2
    _draw(canvas, foot, width - margin - beside, foot_top, beside)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# -- Slides ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Words:
    """One paragraph on a slide."""

    text: str
    size: float
    bold: bool = False
    mono: bool = False
    number: str = ""
    space_before: float = 0.0


@dataclass(frozen=True)
class _Slide:
    words: tuple[_Words, ...]
    centred: bool = False  # each line centred across the slide
    middle: bool = False  # the words centred down the slide
    qr: bool = False  # the closing slide: the QR code on the left, the words beside it


@dataclass(frozen=True)
class _Talk:
    title: str
    author: str
    subject: str
    slides: list[_Slide]


SLIDE_MARGIN = 48.0
SLIDE_SCALES = (1, 0.85, 0.7, 0.6, 0.5)  # type made smaller, as far as this, to fit a slide
SLIDE_QR = 330.0  # the closing slide's QR code, points wide with its quiet zone


def _slide_area(slide: _Slide) -> tuple[float, float, float, float]:
    """Where a slide's words go: x, y of the top left corner, width, height (from the top)."""
    width, height = SLIDE_SIZE
    if slide.qr:
        left = SLIDE_MARGIN + SLIDE_QR + 36
        return left, SLIDE_MARGIN, width - left - SLIDE_MARGIN, height - 2 * SLIDE_MARGIN
    return SLIDE_MARGIN, SLIDE_MARGIN, width - 2 * SLIDE_MARGIN, height - 2 * SLIDE_MARGIN


def _slide_flowables(slide: _Slide) -> list[Flowable]:
    flowables: list[Flowable] = []
    align = TA_CENTER if slide.centred else TA_LEFT
    for words in slide.words:
        if words.space_before:
            flowables.append(Spacer(0, words.space_before))
        if words.mono:
            flowables.append(_Link(words.text, [words.size], max_lines=99, align=align))
            continue
        indent = words.size * 1.8 if words.number else 0
        style = _style(words.size, bold=words.bold, align=align, indent=indent)
        flowables.append(_Text(words.text, style, bullet=words.number))
    return flowables


def _fits(slide: _Slide) -> bool:
    _, _, width, height = _slide_area(slide)
    return _height(_slide_flowables(slide), width) <= height


def _fitted(make: Callable[[float], _Slide], scales=(1, 0.92, 0.85, 0.78, 0.72)) -> _Slide | None:
    """The slide `make` makes at the largest scale at which its words fit, if any does."""
    return next((slide for scale in scales if _fits(slide := make(scale))), None)


def _pledge_slides(pledge: _Pledge) -> list[_Slide]:
    """The commitment and the demands: one slide, or two if they need it."""

    def make(scale: float, first: int, last: int, continued: bool) -> _Slide:
        title = f"{pledge.title} (continued)" if continued else pledge.title
        words = [_Words(title, 32 * scale, bold=True)]
        if not continued:
            words.append(_Words(pledge.commitment, 26 * scale, bold=True, space_before=16 * scale))
        words += [
            _Words(pledge.demands[number - 1], 26 * scale, number=f"{number}.", space_before=12)
            for number in range(first, last + 1)
        ]
        return _Slide(tuple(words))

    count = len(pledge.demands)
    one = _fitted(lambda scale: make(scale, 1, count, False), (1, 0.92))
    if one is not None:
        return [one]
    half = (count + 1) // 2
    smaller = (1, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6, 0.55, 0.5)
    return [
        _fitted(lambda scale: make(scale, 1, half, False), smaller) or make(0.5, 1, half, False),
        _fitted(lambda scale: make(scale, half + 1, count, True), smaller)
        or make(0.5, half + 1, count, True),
    ]


def _talk(campaign: Campaign, group_name: str, link: str) -> _Talk:
    pledge, group = _pledge(campaign), _one_line(group_name)
    name = _one_line(campaign.name)

    def opening(scale: float) -> _Slide:
        words = [_Words(name, 46 * scale, bold=True)]
        if tagline := _one_line(campaign.tagline):
            words.append(_Words(tagline, 26 * scale, space_before=20 * scale))
        words.append(_Words(f"A talk by {group}", 26 * scale, bold=True, space_before=48 * scale))
        return _Slide(tuple(words), centred=True, middle=True)

    plan_title, steps = _steps(campaign)

    def step(number: int, title: str, summary: str) -> Callable[[float], _Slide]:
        kicker = f"{plan_title}: step {number} of {len(steps)}" if plan_title else ""
        return lambda scale: _Slide(
            tuple(
                words
                for words in (
                    _Words(kicker, 22 * scale),
                    _Words(title, 48 * scale, bold=True, space_before=14 * scale),
                    _Words(summary, 32 * scale, space_before=28 * scale),
                )
                if words.text
            ),
            middle=True,
        )

    def closing(scale: float) -> _Slide:
        _, _, width, _ = _slide_area(_Slide((), qr=True))
        link_size, _ = _link_fit(link, [size * scale for size in (28, 24, 21, 18)], width, 3)
        return _Slide(
            (
                _Words(pledge.title, 34 * scale, bold=True),
                _Words(link, link_size, mono=True, space_before=30 * scale),
                _Words(f"Shared by {group}", 24 * scale, space_before=30 * scale),
            ),
            middle=True,
            qr=True,
        )

    makers = [opening, *(step(number, *words) for number, words in enumerate(steps, start=1))]
    slides = [_fitted(make, SLIDE_SCALES) or make(SLIDE_SCALES[-1]) for make in makers]
    slides[1:1] = _pledge_slides(pledge)
    slides.append(_fitted(closing, SLIDE_SCALES) or closing(SLIDE_SCALES[-1]))
    return _Talk(
        title=f"{name} – talk by {group}", author=group, subject=pledge.title, slides=slides
    )


def _closing_qr_position() -> tuple[float, float]:
    """The closing slide's QR code: x, and y from the top, centred down the slide."""
    return SLIDE_MARGIN, (SLIDE_SIZE[1] - SLIDE_QR) / 2


def slides_pdf(*, campaign: Campaign, group_name: str, link: str) -> bytes:
    """Landscape 16:9 slides for a talk: a title slide, the pledge's commitment and demands, a
    slide for each step of the engagement plan, and the QR code with the link to close."""
    talk = _talk(campaign, group_name, link)
    width, height = SLIDE_SIZE
    buffer = io.BytesIO()
    canvas = _canvas(buffer, SLIDE_SIZE, title=talk.title, author=talk.author, subject=talk.subject)
    for slide in talk.slides:
        x, y, area_width, area_height = _slide_area(slide)
        flowables = _slide_flowables(slide)
        top = height - y
        if slide.middle:
            top -= max(0, area_height - _height(flowables, area_width)) / 2
        _draw(canvas, flowables, x, top, area_width)
        if slide.qr:
            qr_x, qr_y = _closing_qr_position()
            reader = ImageReader(io.BytesIO(_qr_png(link)))
            canvas.drawImage(reader, qr_x, height - qr_y - SLIDE_QR, SLIDE_QR, SLIDE_QR)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def slides_pptx(*, campaign: Campaign, group_name: str, link: str) -> bytes:
    """The same slides as `slides_pdf`, as a PowerPoint file whose words can be edited."""
    talk = _talk(campaign, group_name, link)
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = (Pt(side) for side in SLIDE_SIZE)
    blank = presentation.slide_layouts[6]
    png = _qr_png(link)
    for slide in talk.slides:
        page = presentation.slides.add_slide(blank)
        x, y, area_width, area_height = _slide_area(slide)
        box = page.shapes.add_textbox(Pt(x), Pt(y), Pt(area_width), Pt(area_height))
        frame = box.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE if slide.middle else MSO_ANCHOR.TOP
        frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
        for index, words in enumerate(slide.words):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.alignment = PP_ALIGN.CENTER if slide.centred else PP_ALIGN.LEFT
            if starts_right_to_left(words.text):
                paragraph._p.get_or_add_pPr().set("rtl", "1")
                if not slide.centred:
                    paragraph.alignment = PP_ALIGN.RIGHT
            paragraph.space_before = Pt(words.space_before)
            paragraph.line_spacing = LEADING * 0.9
            run = paragraph.add_run()
            run.text = f"{words.number} {words.text}" if words.number else words.text
            run.font.size = Pt(words.size)
            run.font.bold = words.bold
            if words.mono:
                run.font.name = "Courier New"
        if slide.qr:
            qr_x, qr_y = _closing_qr_position()
            picture = page.shapes.add_picture(
                io.BytesIO(png), Pt(qr_x), Pt(qr_y), Pt(SLIDE_QR), Pt(SLIDE_QR)
            )
            picture._element.nvPicPr.cNvPr.set("descr", f"QR code for {link}")
    properties = presentation.core_properties
    properties.title, properties.author, properties.subject = talk.title, talk.author, talk.subject
    properties.last_modified_by = talk.author
    properties.language = LANGUAGE
    properties.created = properties.modified = datetime.datetime.now(datetime.UTC)
    properties.revision = 1
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()
