"""Compose: a letter to Markdown and HTML. Pure: no disk writes.

context.py     what templates see (RenderContext, template_vars), dates and names in words
escaping.py    people's text escaped into safe Markdown
templating.py  sandboxed Jinja2 (Templates, kept between renders), the Markdown letter
html.py        Markdown to sanitised HTML, the whole HTML page, legends, the diagram hook
styling.py     print styles (standard, large print, easy read) and CSS clamping
diagram*.py    the pattern diagram: labels from the notes, then SVG layout
"""

from letterkit.compose.context import RenderContext, join_words, long_date, month_year, template_vars
from letterkit.compose.escaping import md_block, md_block_spans, md_inline
from letterkit.compose.html import legend_html, markdown_to_html, to_html
from letterkit.compose.templating import Templates, render_template, to_markdown

__all__ = [
    "RenderContext",
    "Templates",
    "join_words",
    "legend_html",
    "long_date",
    "markdown_to_html",
    "md_block",
    "md_block_spans",
    "md_inline",
    "month_year",
    "render_template",
    "template_vars",
    "to_html",
    "to_markdown",
]
