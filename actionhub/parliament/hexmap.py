"""Hex maps of the UK constituencies, rendered as standalone inline SVG.

The positions are the columns (``q``) and rows (``r``) of Open Innovations' HexJSON of the
2024 constituencies. That file uses the "odd-r" layout: pointy-topped hexagons, with every
odd row pushed half a hexagon to the right. Its rows count upwards (Orkney has the highest
``r``, Cornwall the lowest), while SVG's y axis points down, so rows are flipped here to keep
north at the top.

Everything in this module is pure: the caller fetches the numbers and passes them in.
"""

from __future__ import annotations

import html
import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.text import slugify

__all__ = [
    "HEXMAP_COLOURS",
    "HexArea",
    "hexmap_bin_colours",
    "hexmap_bin_index",
    "hexmap_bins",
    "hexmap_svg",
]

# Lightest (no activity) to darkest (the busiest constituencies). The first is a light neutral
# grey so that "none yet" does not read as a low value on the blue scale; the last is the
# site's dark brand blue, which has a contrast ratio of about 11.6:1 against white.
HEXMAP_COLOURS = ("#e4e6ea", "#c6dbef", "#85b4de", "#3d7bbf", "#143a66")

EMPTY_MESSAGE = "No constituencies with map positions yet."

_SIZE = 10.0  # distance from a hexagon's centre to each corner
_WIDTH = math.sqrt(3) * _SIZE  # a pointy-topped hexagon is sqrt(3) times its size wide
_ROW_HEIGHT = 1.5 * _SIZE  # rows interlock, so they are three quarters of a hexagon apart
_PAD = 4.0
# The outline of one hexagon, from its top corner, clockwise, in relative path commands: the
# same text for every hexagon, so only the starting point is repeated.
_HALF = f"{_WIDTH / 2:.2f}"
_QUARTER, _FULL = f"{_SIZE / 2:g}", f"{_SIZE:g}"
_HEX_OUTLINE = f"l{_HALF} {_QUARTER}v{_FULL}l-{_HALF} {_QUARTER}-{_HALF}-{_QUARTER}v-{_FULL}z"

_INK = "#1b1b1b"
_SWATCH_STROKE = "#767676"
_FONT_SIZE = 12
_LEGEND_ROW = 18
_SWATCH = 12
_CHAR_WIDTH = 0.62 * _FONT_SIZE  # rough advance of one character, to size the legend box
_GAP = 8.0

_ids = itertools.count(1)
# Characters that XML 1.0 does not allow at all, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class HexArea:
    code: str  # GSS code
    name: str
    q: int
    r: int
    value: int  # e.g. letters written or pledge signatures


def hexmap_bins(max_value: int, steps: int = len(HEXMAP_COLOURS)) -> list[tuple[int, int]]:
    """Inclusive value ranges, one per colour, lightest first.

    The first range is always ``(0, 0)``: no activity at all. The rest split 1..max_value
    into equal parts (at most ``steps - 1`` of them, fewer when max_value is small), with
    upper edges rounded to two significant figures so the legend reads easily. The last
    range always ends at max_value itself.
    """
    max_value = max(int(max_value), 0)
    bins = [(0, 0)]
    parts = min(steps - 1, max_value)
    low = 1
    for i in range(1, parts + 1):
        high = max_value if i == parts else _two_significant(max_value * i / parts)
        high = min(max(high, low), max_value)
        bins.append((low, high))
        low = high + 1
        if low > max_value:
            break
    return bins


def hexmap_bin_index(value: int, bins: list[tuple[int, int]]) -> int:
    """Which of ``bins`` (as returned by :func:`hexmap_bins`) holds ``value``."""
    for index, (_low, high) in enumerate(bins):
        if value <= high:
            return index
    return len(bins) - 1


def hexmap_bin_colours(bins: list[tuple[int, int]]) -> list[str]:
    """One fill colour per bin: the neutral for ``(0, 0)``, the darkest for the last bin.

    When the maximum is small there are fewer than five bins; their colours are then spread
    over the scale so the busiest constituencies are still drawn in the darkest colour.
    """
    darkest = len(HEXMAP_COLOURS) - 1
    steps = len(bins) - 1
    return [HEXMAP_COLOURS[0]] + [
        HEXMAP_COLOURS[round(i * darkest / steps)] for i in range(1, steps + 1)
    ]


def hexmap_svg(
    areas: Iterable[HexArea], *, title: str, value_label: str, description: str = ""
) -> str:
    """A complete, accessible SVG hex map, one hexagon per area, shaded by its value.

    Areas without a position (``q`` or ``r`` is None) are left out. ``value_label`` names the
    unit ("letters", "signatures") in each hexagon's tooltip and in the legend. The ids of the
    ``<title>`` and ``<desc>`` elements differ on every call, so several maps can share a page.
    """
    placed = [a for a in areas if a.q is not None and a.r is not None]
    base_id = f"hexmap-{slugify(title)[:40] or 'map'}-{next(_ids)}"
    title_id, desc_id = f"{base_id}-title", f"{base_id}-desc"

    if not placed:
        summary = description.strip() or EMPTY_MESSAGE
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="hexmap" viewBox="0 0 320 32" '
            f'role="img" aria-labelledby="{title_id} {desc_id}">'
            f'<title id="{title_id}">{_esc(title)}</title>'
            f'<desc id="{desc_id}">{_esc(summary)}</desc>'
            f'<text x="4" y="20" font-size="{_FONT_SIZE}" fill="{_INK}">'
            f"{_esc(EMPTY_MESSAGE)}</text>"
            "</svg>"
        )

    placed.sort(key=lambda a: (-a.r, a.q, a.code))
    max_value = max(max(a.value for a in placed), 0)
    bins = hexmap_bins(max_value)
    colours = hexmap_bin_colours(bins)

    # Centres in hexagon units before shifting the map to the origin; y grows southwards.
    raw = [(a.q * _WIDTH + (_WIDTH / 2 if a.r % 2 else 0.0), -a.r * _ROW_HEIGHT) for a in placed]
    left = min(x for x, _ in raw) - _WIDTH / 2 - _PAD
    top = min(y for _, y in raw) - _SIZE - _PAD
    centres = [(x - left, y - top) for x, y in raw]
    map_width = max(x for x, _ in centres) + _WIDTH / 2 + _PAD
    map_height = max(y for _, y in centres) + _SIZE + _PAD

    heading = f"{value_label[:1].upper()}{value_label[1:]} per constituency"
    labels = [_range_label(low, high) for low, high in bins]
    legend_width = max(
        len(heading) * _CHAR_WIDTH,
        _SWATCH + 6 + max(len(label) for label in labels) * _CHAR_WIDTH,
    )
    legend_height = _LEGEND_ROW * (len(bins) + 1)
    legend_x, legend_y = _legend_position(
        centres, map_width, map_height, legend_width, legend_height
    )
    width = max(map_width, legend_x + legend_width + _PAD)
    height = max(map_height, legend_y + legend_height + _PAD)

    counted = f"{len(placed)} constituenc{'y' if len(placed) == 1 else 'ies'}"
    summary = (
        f"{counted}, each drawn as a hexagon and shaded by the number of "
        f"{value_label}: the lightest for none, the darkest for the most, "
        f"{max_value:,} {value_label}."
    )
    if description.strip():
        summary = f"{description.strip()} {summary}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hexmap" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{_esc(title)}</title>',
        f'<desc id="{desc_id}">{_esc(summary)}</desc>',
        '<g stroke="#ffffff" stroke-width="1" stroke-linejoin="round">',
    ]
    for area, (cx, cy) in zip(placed, centres, strict=True):
        colour = colours[hexmap_bin_index(area.value, bins)]
        parts.append(
            f'<path data-code="{_esc(area.code)}" d="M{_num(cx)} {_num(cy - _SIZE)}{_HEX_OUTLINE}"'
            f' fill="{colour}"><title>{_esc(area.name)}: {area.value:,} {_esc(value_label)}'
            "</title></path>"
        )
    parts.append("</g>")

    parts.append(
        f'<g class="hexmap-legend" font-size="{_FONT_SIZE}" fill="{_INK}">'
        f'<text x="{_num(legend_x)}" y="{_num(legend_y + _FONT_SIZE)}" font-weight="bold">'
        f"{_esc(heading)}</text>"
    )
    for index, label in enumerate(labels):
        row_top = legend_y + _LEGEND_ROW * (index + 1)
        parts.append(
            f'<rect x="{_num(legend_x)}" y="{_num(row_top + 2)}" width="{_SWATCH}" '
            f'height="{_SWATCH}" fill="{colours[index]}" stroke="{_SWATCH_STROKE}" '
            f'stroke-width="0.5"/>'
            f'<text x="{_num(legend_x + _SWATCH + 6)}" y="{_num(row_top + _FONT_SIZE)}">'
            f"{_esc(label)}</text>"
        )
    parts.append("</g></svg>")
    return "".join(parts)


def _legend_position(centres, map_width, map_height, legend_width, legend_height):
    """Top-left corner for the legend: an empty corner of the map, else below it."""
    candidates = [
        (_PAD, _PAD),
        (map_width - legend_width - _PAD, _PAD),
        (_PAD, map_height - legend_height - _PAD),
        (map_width - legend_width - _PAD, map_height - legend_height - _PAD),
    ]
    for x, y in candidates:
        if x >= _PAD and y >= _PAD and not _overlaps(centres, x, y, legend_width, legend_height):
            return x, y
    return _PAD, map_height + _GAP


def _overlaps(centres, x, y, width, height):
    x0, y0, x1, y1 = x - _GAP, y - _GAP, x + width + _GAP, y + height + _GAP
    return any(
        cx + _WIDTH / 2 > x0 and cx - _WIDTH / 2 < x1 and cy + _SIZE > y0 and cy - _SIZE < y1
        for cx, cy in centres
    )


def _two_significant(value: float) -> int:
    if value < 100:
        return int(value + 0.5)
    magnitude = 10 ** (int(math.log10(value)) - 1)
    return int(value / magnitude + 0.5) * magnitude


def _range_label(low: int, high: int) -> str:
    return f"{low:,}" if low == high else f"{low:,}\u2013{high:,}"


def _num(value: float) -> str:
    """A coordinate rounded to one decimal place, without a trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _esc(text: str) -> str:
    return html.escape(_XML_INVALID.sub("", str(text)), quote=True)
