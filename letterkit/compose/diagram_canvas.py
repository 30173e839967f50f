"""The pattern diagram's drawing: its page width, colours and type sizes for a scale, and a
canvas of rectangles, text, paths and arrows written as SVG. One user unit is one point, and
every piece of text is XML-escaped here (see ``letterkit.compose.diagram_svg``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

WIDTH_MM = 170.0
"""The diagram's width at every scale: the text column of an A4 letter."""
MIN_TEXT_PT = 12.0
"""No text is ever drawn smaller than this (UKAAF clear print), whatever the scale."""
MAX_SCALE = 2.5

FONT_FAMILY = "Open Sans, Arial, sans-serif"
INK = "#1d2327"
FILL = "#eef4f6"
ACCENT = "#1f5566"
PAPER = "#ffffff"

_PT_PER_MM = 72 / 25.4
_LINE_HEIGHT = 1.25


# --------------------------------------------------------------------------- drawing


def _n(value: float) -> str:
    """A coordinate or size for SVG: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class _Sizes:
    """Every length of the drawing, in points, for one scale."""

    scale: float

    def _pt(self, base: float) -> float:
        return base * self.scale

    def _text(self, base: float) -> float:
        return max(MIN_TEXT_PT, base * self.scale)

    @property
    def heading(self) -> float:
        return self._text(12.0)

    @property
    def label(self) -> float:
        return self._text(12.0)

    @property
    def feeling(self) -> float:
        return self._text(13.0)

    @property
    def pad(self) -> float:
        return self._pt(8.0)

    @property
    def gap(self) -> float:
        return self._pt(3.0)

    @property
    def pill_x(self) -> float:
        return self._pt(9.0)

    @property
    def pill_y(self) -> float:
        return self._pt(5.0)

    @property
    def radius(self) -> float:
        return self._pt(8.0)

    @property
    def head(self) -> float:
        return self._pt(10.0)

    @property
    def stroke(self) -> float:
        return max(1.0, self._pt(1.5))

    @property
    def arrow(self) -> float:
        return max(1.25, self._pt(2.0))


class _Canvas:
    """SVG elements, in drawing order."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        fill: str,
        stroke: str,
        width: float,
        radius: float,
        dashed: float | None = None,
    ) -> None:
        dash = f' stroke-dasharray="{_n(dashed)} {_n(dashed * 0.6)}"' if dashed else ""
        self.items.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="{_n(radius)}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{_n(width)}"{dash}/>'
        )

    def text(
        self,
        lines: Sequence[str],
        x: float,
        top: float,
        size: float,
        *,
        bold: bool = False,
        middle: bool = False,
    ) -> float:
        """Draw ``lines`` from ``top``; return the height they take."""
        step = size * _LINE_HEIGHT
        attrs = ' font-weight="bold"' if bold else ""
        attrs += ' text-anchor="middle"' if middle else ""
        for i, line in enumerate(lines):
            baseline = top + i * step + step / 2 + 0.36 * size
            self.items.append(
                f'<text x="{_n(x)}" y="{_n(baseline)}" font-size="{_n(size)}"{attrs}>{escape(line)}</text>'
            )
        return len(lines) * step

    def path(self, d: str, *, width: float, fill: str = "none") -> None:
        self.items.append(
            f'<path d="{d}" fill="{fill}" stroke="{ACCENT}" stroke-width="{_n(width)}" '
            'stroke-linecap="round" stroke-linejoin="round"/>'
        )

    def head(self, x: float, y: float, angle: float, size: float) -> None:
        """A filled arrowhead with its tip at (x, y), pointing along ``angle`` (radians)."""
        back_x, back_y = x - size * math.cos(angle), y - size * math.sin(angle)
        side_x, side_y = -math.sin(angle) * size * 0.42, math.cos(angle) * size * 0.42
        points = [(x, y), (back_x + side_x, back_y + side_y), (back_x - side_x, back_y - side_y)]
        self.items.append(
            '<polygon points="' + " ".join(f"{_n(px)},{_n(py)}" for px, py in points) + f'" fill="{ACCENT}"/>'
        )

    def arrow(self, x1: float, y1: float, x2: float, y2: float, width: float, head: float) -> None:
        angle = math.atan2(y2 - y1, x2 - x1)
        shaft = head * 0.8
        self.path(
            f"M{_n(x1)} {_n(y1)}L{_n(x2 - shaft * math.cos(angle))} {_n(y2 - shaft * math.sin(angle))}",
            width=width,
        )
        self.head(x2, y2, angle, head)
