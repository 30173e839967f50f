"""The pattern as a picture: an inline SVG diagram for the letter, and its text alternative.

``ipaf_svg(ipaf)`` draws the pattern for the patient: how they see themselves and how they
experience others, as two boxes joined by arrows both ways, with the feelings that link them
in between. Feelings the patient is less aware of are offered tentatively ("perhaps, too, some
resentment") in a dashed outline, so nothing relies on colour. When the pattern turns round, or
is turned inwards, a row below says so.

The boxes hold each part of the pattern whole, in the words of the letter, and grow to fit;
only a very long part with a short label from the therapist (``ipaf.labels``) is drawn by that
label.

The SVG is self-contained and safe to inline into HTML: no scripts, links, images, external
fonts or CSS, and every piece of text is XML-escaped. One user unit is one point, and font
sizes are in points: at ``scale=1`` the smallest text is 12pt (clear print); at ``scale=1.4``
it is 16.8pt (large print). The diagram keeps the width of the page's text column (170mm by
default) at every scale: larger text wraps onto more lines and the boxes grow taller.

``diagram_labels`` decides what the diagram says, ``diagram_svg`` how it looks.
"""

from __future__ import annotations

from letterkit.compose.diagram_labels import ipaf_text_alternative
from letterkit.compose.diagram_svg import DEFAULT_TITLE, FONT_FAMILY, MIN_TEXT_PT, WIDTH_MM, ipaf_svg

__all__ = [
    "DEFAULT_TITLE",
    "FONT_FAMILY",
    "MIN_TEXT_PT",
    "WIDTH_MM",
    "ipaf_svg",
    "ipaf_text_alternative",
]
