"""The pattern diagram's text: advance widths of the bundled fonts, and wrapping to a width
(see ``letterkit.compose.diagram_svg``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

# --------------------------------------------------------------------------- text width

# Advance widths (thousandths of an em) of Open Sans Regular and Bold, the bundled fonts,
# for printable ASCII and then ‘’“”…–—·. Arial, the fallback, is a little narrower.
_TABLE_CHARS = "".join(chr(c) for c in range(32, 127)) + "‘’“”…–—·"
_REGULAR_WIDTHS = (
    "260 267 401 646 572 823 730 221 296 296 552 572 245 322 266 367 572 572 572 572 572 572 572 "
    "572 572 572 266 266 572 572 572 429 899 633 648 631 729 556 516 728 738 279 267 614 519 903 "
    "754 779 602 779 618 549 553 728 595 926 577 560 571 329 367 329 542 448 577 556 613 476 613 "
    "561 339 548 614 253 253 525 253 930 614 604 613 613 408 477 353 614 501 778 524 504 468 379 "
    "551 379 572 170 170 350 350 784 500 1000 266"
)
_BOLD_WIDTHS = (
    "260 286 472 646 571 901 750 266 339 339 545 571 290 322 285 413 571 571 571 571 571 571 571 "
    "571 571 571 285 290 571 571 571 477 897 690 672 637 740 560 549 724 765 331 331 664 565 943 "
    "813 796 628 796 660 551 579 756 650 967 667 624 579 331 413 331 532 411 607 604 633 514 633 "
    "591 387 565 657 305 305 620 305 982 657 619 633 633 454 497 434 657 569 856 578 569 488 394 "
    "551 394 571 217 217 445 445 855 500 1000 285"
)
_WIDTHS = {
    False: dict(zip(_TABLE_CHARS, (int(w) / 1000 for w in _REGULAR_WIDTHS.split()), strict=True)),
    True: dict(zip(_TABLE_CHARS, (int(w) / 1000 for w in _BOLD_WIDTHS.split()), strict=True)),
}
_SAFETY = 1.04
"""Measured widths are stretched a little, so that a fallback font still fits."""


def _char_em(ch: str, bold: bool) -> float:
    table = _WIDTHS[bold]
    width = table.get(ch)
    if width is not None:
        return width
    if unicodedata.combining(ch):
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    base = unicodedata.normalize("NFKD", ch)[:1]
    return table.get(base, 0.62)


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """An estimate of the width of ``text`` in points, at ``size`` points."""
    return sum(_char_em(ch, bold) for ch in text) * size * _SAFETY


def _wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``width``: on spaces, and inside a word only
    when the word alone is too wide."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if _text_width(candidate, size, bold) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        used = 0.0
        for ch in word:  # a word too long for a line of its own is broken
            step = _char_em(ch, bold) * size * _SAFETY
            if line and used + step > width:
                lines.append(line)
                line, used = "", 0.0
            line += ch
            used += step
    if line:
        lines.append(line)
    return lines


def _widest(lines: Sequence[str], size: float, bold: bool = False) -> float:
    return max((_text_width(line, size, bold) for line in lines), default=0.0)
