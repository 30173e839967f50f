"""How the pattern diagram looks: its boxes and feelings laid out for a scale, as SVG.

One user unit is one point. Text widths and wrapping are in ``diagram_text``; sizes, colours
and the canvas that XML-escapes every piece of text in ``diagram_canvas``; what the text says
comes from ``diagram_labels``.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from letterkit.compose.diagram_canvas import (
    _LINE_HEIGHT,
    _PT_PER_MM,
    ACCENT,
    FILL,
    FONT_FAMILY,
    INK,
    MAX_SCALE,
    MIN_TEXT_PT,
    PAPER,
    WIDTH_MM,
    _Canvas,
    _n,
    _Sizes,
)
from letterkit.compose.diagram_labels import (
    INTERNALISED_HEADING,
    OTHER_HEADING,
    REVERSAL_HEADING,
    SELF_HEADING,
    Feeling,
    Part,
    Parts,
    clean,
    ipaf_text_alternative,
    parts_of,
)
from letterkit.compose.diagram_text import _text_width, _widest, _wrap
from letterkit.model.schema import Ipaf

__all__ = [
    "ACCENT",
    "DEFAULT_TITLE",
    "FILL",
    "FONT_FAMILY",
    "INK",
    "MAX_SCALE",
    "MIN_TEXT_PT",
    "PAPER",
    "WIDTH_MM",
    "ipaf_svg",
]


DEFAULT_TITLE = "The pattern we are working on"


@dataclass(frozen=True)
class _Block:
    """A box's heading and label, wrapped to a width."""

    heading: list[str]
    label: list[str]
    sizes: _Sizes

    def height(self) -> float:
        s = self.sizes
        return (len(self.heading) * s.heading + len(self.label) * s.label) * _LINE_HEIGHT + s.gap

    @classmethod
    def wrap(cls, heading: str, label: str, width: float, sizes: _Sizes) -> _Block:
        return cls(_wrap(heading, width, sizes.heading, bold=True), _wrap(label, width, sizes.label), sizes)

    def draw(self, canvas: _Canvas, x: float, top: float) -> None:
        s = self.sizes
        top += canvas.text(self.heading, x, top, s.heading, bold=True) + s.gap
        canvas.text(self.label, x, top, s.label)


@dataclass(frozen=True)
class _Pill:
    """One feeling, in a rounded outline: dashed when it is offered tentatively."""

    lines: list[str]
    tentative: bool
    sizes: _Sizes

    @classmethod
    def wrap(cls, feeling: Feeling, width: float, sizes: _Sizes) -> _Pill:
        return cls(_wrap(feeling.label, width - 2 * sizes.pill_x, sizes.feeling), feeling.tentative, sizes)

    @property
    def width(self) -> float:
        return _widest(self.lines, self.sizes.feeling) + 2 * self.sizes.pill_x

    @property
    def height(self) -> float:
        return len(self.lines) * self.sizes.feeling * _LINE_HEIGHT + 2 * self.sizes.pill_y

    def draw(self, canvas: _Canvas, centre: float, top: float) -> None:
        s = self.sizes
        canvas.rect(
            centre - self.width / 2,
            top,
            self.width,
            self.height,
            fill=PAPER,
            stroke=ACCENT,
            width=s.stroke,
            radius=min(self.height / 2, s._pt(12.0)),
            dashed=s._pt(5.0) if self.tentative else None,
        )
        canvas.text(self.lines, centre, top + s.pill_y, s.feeling, middle=True)


def _side_by_side(
    parts: Parts, left: float, top: float, width: float, s: _Sizes
) -> tuple[_Canvas, float, float]:
    """The two boxes side by side, arrows both ways and the feelings stacked between them.

    Returns the drawing, its height and the width of the text inside each box.
    """
    canvas = _Canvas()
    feelings = parts.feelings
    margin = s._pt(8.0)  # between a box and the feelings
    extra = 2 * s.pill_x + 2 * margin + 1.0  # + 1pt: a feeling exactly as wide as its room still fits
    natural = max((_text_width(f.label, s.feeling) for f in feelings), default=0.0)
    longest_word = max((_text_width(w, s.feeling) for f in feelings for w in f.label.split()), default=0.0)
    middle = min(max(natural + extra, 0.16 * width), 0.36 * width)
    middle = min(max(middle, longest_word + extra), 0.5 * width)
    # The box with more words gets more of the width, so that neither grows much taller
    # than the other.
    boxes = width - middle
    best: tuple[float, float, list[_Block]] | None = None
    for step in range(13):
        share = 0.5 + (step // 2) * 0.025 * (1 if step % 2 else -1)
        widths = (boxes * share, boxes * (1 - share))
        wrapped = [
            _Block.wrap(SELF_HEADING, parts.self_label, widths[0] - 2 * s.pad, s),
            _Block.wrap(OTHER_HEADING, parts.other_label, widths[1] - 2 * s.pad, s),
        ]
        tallest = max(b.height() for b in wrapped)
        if best is None or tallest < best[0] - 0.01:
            best = (tallest, share, wrapped)
    assert best is not None
    content, share, blocks = best
    box_ws = (boxes * share, boxes * (1 - share))
    inner = min(box_ws) - 2 * s.pad

    pills = [_Pill.wrap(f, middle - 2 * margin, s) for f in feelings]
    pill_gap = s._pt(7.0)
    stack = sum(p.height for p in pills) + pill_gap * max(0, len(pills) - 1)
    arrow_off, clearance = s._pt(18.0), s._pt(10.0)
    middle_h = 2 * arrow_off + (2 * clearance + stack if pills else s._pt(24.0))
    height = max(content + 2 * s.pad, middle_h)

    right = left + width - box_ws[1]
    for x, box_w, block in zip((left, right), box_ws, blocks, strict=True):
        canvas.rect(x, top, box_w, height, fill=FILL, stroke=ACCENT, width=s.stroke, radius=s.radius)
        block.draw(canvas, x + s.pad, top + s.pad)

    start, end = left + box_ws[0] + s.stroke, right - s.stroke
    canvas.arrow(start, top + arrow_off, end, top + arrow_off, s.arrow, s.head)
    canvas.arrow(end, top + height - arrow_off, start, top + height - arrow_off, s.arrow, s.head)

    y = top + (height - stack) / 2
    for pill in pills:
        pill.draw(canvas, left + box_ws[0] + middle / 2, y)
        y += pill.height + pill_gap
    return canvas, height, inner


def _stacked(parts: Parts, left: float, top: float, width: float, s: _Sizes) -> tuple[_Canvas, float]:
    """One box above the other, an arrow down and an arrow up, the feelings flowing between."""
    canvas = _Canvas()
    inner = width - 2 * s.pad
    self_block = _Block.wrap(SELF_HEADING, parts.self_label, inner, s)
    other_block = _Block.wrap(OTHER_HEADING, parts.other_label, inner, s)

    lane = s._pt(36.0)  # room for each arrow, left and right of the feelings
    band_w = width - 2 * lane
    pills = [_Pill.wrap(f, band_w, s) for f in parts.feelings]
    gap = s._pt(7.0)
    rows: list[list[_Pill]] = []
    for pill in pills:
        if rows and sum(p.width + gap for p in rows[-1]) + pill.width <= band_w:
            rows[-1].append(pill)
        else:
            rows.append([pill])
    row_heights = [max(p.height for p in row) for row in rows]
    flow = sum(row_heights) + gap * max(0, len(rows) - 1)
    band = max(flow + 2 * s._pt(12.0), s._pt(48.0))

    y = top
    self_h = self_block.height() + 2 * s.pad
    canvas.rect(left, y, width, self_h, fill=FILL, stroke=ACCENT, width=s.stroke, radius=s.radius)
    self_block.draw(canvas, left + s.pad, y + s.pad)
    y += self_h
    down_x, up_x = left + lane / 2, left + width - lane / 2
    canvas.arrow(down_x, y + s.stroke, down_x, y + band - s.stroke, s.arrow, s.head)
    canvas.arrow(up_x, y + band - s.stroke, up_x, y + s.stroke, s.arrow, s.head)
    row_top = y + (band - flow) / 2
    for row, row_h in zip(rows, row_heights, strict=True):
        row_w = sum(p.width for p in row) + gap * (len(row) - 1)
        x = left + (width - row_w) / 2
        for pill in row:
            pill.draw(canvas, x + pill.width / 2, row_top + (row_h - pill.height) / 2)
            x += pill.width + gap
        row_top += row_h + gap
    y += band
    other_h = other_block.height() + 2 * s.pad
    canvas.rect(left, y, width, other_h, fill=FILL, stroke=ACCENT, width=s.stroke, radius=s.radius)
    other_block.draw(canvas, left + s.pad, y + s.pad)
    return canvas, y + other_h - top


def _main_row(canvas: _Canvas, parts: Parts, left: float, top: float, width: float, s: _Sizes) -> float:
    """The pattern itself, side by side when it fits well, else stacked; return its height."""
    beside, beside_h, box_inner = _side_by_side(parts, left, top, width, s)
    stacked, stacked_h = _stacked(parts, left, top, width, s)
    roomy = box_inner >= 8.5 * s.label  # about 15 characters a line in the boxes
    # The whole text is drawn, so the boxes can be long: side by side only when that is no
    # taller than one above the other.
    chosen = beside if roomy and beside_h <= stacked_h else stacked
    canvas.items.extend(chosen.items)
    return beside_h if chosen is beside else stacked_h


def _turn_icon(canvas: _Canvas, x: float, y: float, size: float, s: _Sizes) -> None:
    """A U-turn arrow in a ``size`` square at (x, y): going right, turning, coming back."""
    r = size * 0.3
    top, bottom = y + size / 2 - r, y + size / 2 + r
    x0, x1 = x + size * 0.05, x + size - r - size * 0.05
    canvas.path(
        f"M{_n(x0)} {_n(top)}H{_n(x1)}A{_n(r)} {_n(r)} 0 0 1 {_n(x1)} {_n(bottom)}H{_n(x0 + size * 0.28)}",
        width=s.arrow,
    )
    canvas.head(x0, bottom, math.pi, size * 0.3)


def _loop_icon(canvas: _Canvas, x: float, y: float, size: float, s: _Sizes) -> None:
    """A circular arrow in a ``size`` square at (x, y), going round to where it began."""
    r = size * 0.38
    head = size * 0.3
    cx, cy = x + size / 2, y + size / 2
    begin = math.radians(-75)
    tip = math.radians(235)  # clockwise (on screen) from ``begin``, most of the way round
    finish = tip - head * 0.8 / r  # the line stops inside the arrowhead
    x0, y0 = cx + r * math.cos(begin), cy + r * math.sin(begin)
    x1, y1 = cx + r * math.cos(finish), cy + r * math.sin(finish)
    canvas.path(f"M{_n(x0)} {_n(y0)}A{_n(r)} {_n(r)} 0 1 1 {_n(x1)} {_n(y1)}", width=s.arrow)
    tip_x, tip_y = cx + r * math.cos(tip), cy + r * math.sin(tip)
    # Point the head along the chord from where the line stops to the tip.
    canvas.head(tip_x, tip_y, math.atan2(tip_y - y1, tip_x - x1), head)


def _rows(
    canvas: _Canvas,
    rows: Sequence[tuple[str, str, str]],
    left: float,
    top: float,
    width: float,
    s: _Sizes,
    gap: float,
) -> float:
    """The turning round and the inner form: side by side when that is shorter and each box
    keeps room for its words, else one above the other. Returns the height."""
    stacked = sum(_row_height(h, label, width, s) for h, label, _ in rows) + gap * (len(rows) - 1)
    half = (width - gap) / 2
    if len(rows) == 2 and half - 2 * s.pad >= 12 * s.label:
        paired = max(_row_height(h, label, half, s) for h, label, _ in rows)
        if paired < stacked * 0.85:
            for index, (heading, label, icon) in enumerate(rows):
                _wide_row(canvas, heading, label, icon, left + index * (half + gap), top, half, s, paired)
            return paired
    y = top
    for index, (heading, label, icon) in enumerate(rows):
        y += gap if index else 0
        y += _wide_row(canvas, heading, label, icon, left, y, width, s)
    return y - top


def _icon_size(s: _Sizes) -> float:
    """The icon sits beside the heading, at about the heading's height."""
    return s.heading * _LINE_HEIGHT * 1.15


def _row_block(heading: str, label: str, width: float, s: _Sizes) -> _Block:
    inner = width - 2 * s.pad
    heading_lines = _wrap(heading, inner - _icon_size(s) - s.gap * 2, s.heading, bold=True)
    return _Block(heading_lines, _wrap(label, inner, s.label), s)


def _row_height(heading: str, label: str, width: float, s: _Sizes) -> float:
    return _row_block(heading, label, width, s).height() + 2 * s.pad


def _wide_row(
    canvas: _Canvas,
    heading: str,
    label: str,
    icon: str,
    left: float,
    top: float,
    width: float,
    s: _Sizes,
    height: float | None = None,
) -> float:
    """A box with its heading beside an icon and its words below; return its height
    (``height`` makes it taller, to line up with its neighbour)."""
    icon_size = _icon_size(s)
    block = _row_block(heading, label, width, s)
    height = max(height or 0.0, block.height() + 2 * s.pad)
    canvas.rect(left, top, width, height, fill=FILL, stroke=ACCENT, width=s.stroke, radius=s.radius)
    icon_y = top + s.pad + (len(block.heading) * s.heading * _LINE_HEIGHT - icon_size) / 2
    (_turn_icon if icon == "turn" else _loop_icon)(canvas, left + s.pad, icon_y, icon_size, s)
    text_x = left + s.pad + icon_size + s.gap * 2
    top += s.pad
    top += canvas.text(block.heading, text_x, top, s.heading, bold=True) + s.gap
    canvas.text(block.label, left + s.pad, top, s.label)
    return height


def _svg_id(ipaf: Ipaf, scale: float, title: str, part: str) -> str:
    digest = hashlib.sha256(repr((ipaf.model_dump(by_alias=True), scale, title, part)).encode()).hexdigest()
    return f"ipaf-{digest[:10]}"


def ipaf_svg(
    ipaf: Ipaf,
    *,
    scale: float = 1.0,
    title: str = DEFAULT_TITLE,
    width_mm: float = WIDTH_MM,
    id_prefix: str | None = None,
    part: Part = "all",
) -> str:
    """The pattern as a self-contained inline SVG, ready to put into the letter's HTML.

    ``part`` draws the whole pattern (``all``), or only the two boxes and the feelings
    (``main``) or only the turning round and the inner form (``rows``; an empty string when
    the pattern has neither), so that a letter can lay the two out as separate figures.

    ``scale`` sizes the text: 1.0 for clear print (smallest text 12pt), 1.4 for large print
    (16.8pt); text never goes below 12pt. The width stays ``width_mm`` (170mm, an A4 text
    column) at every scale, so larger text wraps and the boxes grow taller. ``title`` is the
    diagram's accessible name; the ``<desc>`` is :func:`ipaf_text_alternative`. ``id_prefix``
    names the ``<title>`` and ``<desc>`` ids (default: a hash of the content, so it is stable
    and two different diagrams in one page do not clash).
    """
    if not (math.isfinite(scale) and 0 < scale <= MAX_SCALE):
        raise ValueError(f"scale must be above 0 and at most {MAX_SCALE:g}, not {scale!r}")
    if not (math.isfinite(width_mm) and 80 <= width_mm <= 400):
        raise ValueError(f"width_mm must be between 80 and 400, not {width_mm!r}")
    prefix = re.sub(r"[^A-Za-z0-9_-]", "", id_prefix or "") or _svg_id(ipaf, scale, title, part)
    if not prefix[0].isalpha():
        prefix = "ipaf-" + prefix
    parts = parts_of(ipaf)
    s = _Sizes(scale)
    width = width_mm * _PT_PER_MM
    edge = max(1.0, s.stroke)  # room for the outer strokes
    inner = width - 2 * edge
    canvas = _Canvas()
    y = edge
    if part != "rows":
        y += _main_row(canvas, parts, edge, y, inner, s)
    row_gap = s._pt(8.0)
    rows = [
        (heading, label, icon)
        for heading, label, icon in (
            (REVERSAL_HEADING, parts.reversal_label, "turn"),
            (INTERNALISED_HEADING, parts.internalised_label, "loop"),
        )
        if label
    ]
    if part == "rows" and not rows:
        return ""
    if rows and part != "main":
        y += row_gap if part == "all" else 0
        y += _rows(canvas, rows, edge, y, inner, s, row_gap)
    height = y + edge

    title_text = clean(title) or DEFAULT_TITLE
    desc = ipaf_text_alternative(ipaf, part)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" class="ipaf-diagram" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}pt" height="{_n(height)}pt" '
        f'font-family={quoteattr(FONT_FAMILY)} font-style="normal" fill="{INK}">'
    )
    return "".join(
        [
            head,
            f'<title id="{prefix}-title">{escape(title_text)}</title>',
            f'<desc id="{prefix}-desc">{escape(desc)}</desc>',
            *canvas.items,
            "</svg>",
        ]
    )
