"""Column charts drawn on the server as inline SVG: no script, nothing from another origin.

Pure functions: the caller passes the numbers. Each chart names itself (title and a one-line
description for screen readers, which also get the numbers as a table beside it), scales to its
box, and gives every column a tooltip with its exact value.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 40
INK, GRID, BAR = "#1b1b1b", "#d0d4da", "#1d4f8a"
FONT = 12


@dataclass(frozen=True)
class Column:
    label: str  # under the column, when there is room: "1 Dec"
    value: int
    title: str = ""  # its tooltip: "Tuesday 1 December: 1,234 signatures"


def nice_ceiling(value: int) -> int:
    """The top of the scale: 1, 2 or 5 times a power of ten, at or above `value`."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def tick_step(top: int) -> int:
    """Between the scale's lines: 1, 2 or 5 times a power of ten, five lines at most."""
    steps = (step * 10**power for power in range(20) for step in (1, 2, 5))
    return next(step for step in steps if top / step <= 5 and top % step == 0)


def column_chart_svg(*, chart_id: str, title: str, description: str, columns: list[Column]) -> str:
    """An SVG column chart; `chart_id` must be unique on the page."""
    top = nice_ceiling(max((column.value for column in columns), default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(description)}</desc>',
    ]
    for value in range(0, top + 1, tick_step(top)):
        y = TOP + plot_height - plot_height * value / top
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="{FONT}" '
            f'fill="{INK}">{value:,}</text>'
        )
    if columns:
        slot = plot_width / len(columns)
        label_every = max(1, math.ceil(len(columns) * 48 / plot_width))  # about 48 px apart
        for index, column in enumerate(columns):
            height = plot_height * column.value / top
            x = LEFT + index * slot
            parts.append(
                f'<rect x="{x + slot * 0.1:.1f}" y="{TOP + plot_height - height:.1f}" '
                f'width="{max(slot * 0.8, 1):.1f}" height="{height:.1f}" fill="{BAR}">'
                f"<title>{_text(column.title or f'{column.label}: {column.value:,}')}</title>"
                "</rect>"
            )
            if index % label_every == 0:
                parts.append(
                    f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                    f'text-anchor="middle" font-size="{FONT}" fill="{INK}">'
                    f"{_text(column.label)}</text>"
                )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_height}" '
        f'y2="{TOP + plot_height}" stroke="{INK}"/></svg>'
    )
    return "".join(parts)


def _text(value: str) -> str:
    return html.escape(str(value), quote=True)
