"""Markdown to sanitised HTML, and the whole letter as one self-contained HTML page.

The HTML made from the templates' Markdown is sanitised by nh3 against an explicit
allow-list; anything removed is reported, never silent.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any

from letterkit.compose.context import RenderContext, long_date, template_vars
from letterkit.compose.styling import easy_read_markdown, get_style, sentence_groups, style_css
from letterkit.compose.templating import Templates
from letterkit.model import kinds
from letterkit.resources import styles_dir

ALLOWED_TAGS = {
    "ins",
    "del",
    "mark",
    "p",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "blockquote",
    "a",
    "hr",
    "code",
    "section",
    "div",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ins": {"class"},
    "del": {"class"},
    "mark": {"class"},
    "section": {"class"},
    "div": {"class"},
    "span": {"class"},
}
URL_SCHEMES = {"https", "mailto"}


def markdown_to_html(text: str, dropped: list[str] | None = None) -> str:
    """Markdown to sanitised HTML: nothing outside the allow-list survives.

    Letter text is escaped before it gets here, so only a service's own template can bring in
    markup the allow-list refuses; each refusal is described in ``dropped``, never silent.
    """
    import nh3

    html = _markdown(text)
    if dropped is not None:
        dropped.extend(_refused_markup(html))
    return str(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )


_ESCAPE = re.compile(r"\\[\\`*_{}\[\]()>#+\-.!]|&(?:lt|gt|amp|quot|#\d{1,7});")
_MANY_ESCAPES = 1000
"""Above this many, escapes are set aside before Markdown (see ``_markdown``)."""


def _markdown(text: str) -> str:
    """Python-Markdown's HTML for ``text``.

    Python-Markdown takes time quadratic in the number of backslash escapes and entities in a
    paragraph (each one rebuilds the rest of the text), and escaped text is full of them: a
    100,000-character word of underscores took minutes. With very many, each escape or entity
    is swapped for a private character before Markdown and back after it — the same HTML,
    since an escape only ever stands for its character. Not where a code span (a bare
    backtick) could hold one literally.
    """
    import markdown

    found = _ESCAPE.findall(text) if text.count("\\") + text.count("&") > _MANY_ESCAPES else []
    if len(found) <= _MANY_ESCAPES or re.search(r"(?<!\\)`", text):
        return str(markdown.markdown(text, output_format="html"))
    free = (chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)
    tokens = sorted(set(found))
    sentinels = dict(zip(tokens, free, strict=False))
    if len(sentinels) < len(tokens):
        return str(markdown.markdown(text, output_format="html"))
    swapped = _ESCAPE.sub(lambda m: sentinels[m.group()], text)
    html = str(markdown.markdown(swapped, output_format="html"))
    back = {sentinel: _html_of(token) for token, sentinel in sentinels.items()}
    return re.sub("[" + "".join(back) + "]", lambda m: back[m.group()], html)


def _html_of(token: str) -> str:
    """What Python-Markdown writes for an escape or an entity."""
    if token.startswith("&"):
        return token
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;"}.get(token[1], token[1])


def _refused_markup(html: str) -> list[str]:
    """What nh3 will remove from ``html``: tags, attributes and link schemes not allowed."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag not in ALLOWED_TAGS:
                found.append(f"<{tag}>")
                return
            for name, value in attrs:
                if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                    found.append(f"the {name} attribute of <{tag}>")
                elif name == "href" and value and ":" in value.split("/")[0]:
                    scheme = value.split(":", 1)[0].strip().lower()
                    if scheme not in URL_SCHEMES:
                        found.append(f"a {scheme}: link")

    Finder().feed(html)
    return found


def _sections(html: str) -> str:
    """Wrap each heading and what follows it in a <section>, so a section can avoid a page break."""
    parts = re.split(r"(?=<h2>)", html)
    return "".join(
        f'<section class="part">\n{part.strip()}\n</section>\n' if part.startswith("<h2>") else part
        for part in parts
    )


def to_html(
    ctx: RenderContext,
    template_dir: str | None = None,
    css: Iterable[str] = (),
    for_print: bool = False,
    legend_html: str = "",
    warnings: list[str] | None = None,
    templates: Templates | None = None,
    break_words: bool = False,
) -> str:
    """The whole letter as one self-contained HTML page (CSS inline, nothing fetched).

    Anything the sanitiser removes from the templates' output is added to ``warnings``.
    ``break_words`` puts a break opportunity into very long words (for PDF layout).
    """
    render = (templates or Templates()).render
    kind = kinds.get(ctx.letter.kind)
    dropped: list[str] = []
    variables = template_vars(ctx)
    placeholder, svg = _diagram(ctx)
    variables["diagram"] = placeholder
    body_md = render(kind.template_name, variables, template_dir)
    signature_md = render("signature.md.j2", variables, template_dir)
    help_md = render("help.md.j2", variables, template_dir)
    closing_md = variables["closing"]
    if get_style(ctx.style).sentence_per_line:
        body_md, help_md, closing_md = (
            easy_read_markdown(md, grouped=True) for md in (body_md, help_md, closing_md)
        )
    letter = ctx.letter
    title = f"{kind.title}: {letter.patient.name}"

    def breakable(html: str) -> str:
        html = sentence_groups(html)
        return break_long_words(html) if break_words else html

    body_html = breakable(_sections(markdown_to_html(body_md, dropped))).replace(f"<p>{placeholder}</p>", svg)
    help_html = breakable(markdown_to_html(help_md, dropped))
    credit = ""
    if get_style(ctx.style).sentence_per_line:  # easy read: a picture beside each heading
        from letterkit.compose.easy_read import PICTOGRAM_CREDIT, add_pictograms

        body_html, in_body = add_pictograms(body_html)
        help_html, in_help = add_pictograms(help_html)
        credit = PICTOGRAM_CREDIT if in_body + in_help else ""
    page = {
        "title": title,
        "author": letter.therapist.name,
        "created": letter.date.isoformat() if isinstance(letter.date, dt.date) else (letter.date or ""),
        "body_html": body_html,
        "signature_html": breakable(markdown_to_html(signature_md, dropped)),
        "closing_html": breakable(markdown_to_html(closing_md, dropped)) if closing_md.strip() else "",
        "help_html": help_html,
        "credit": credit,
        "css": [_read_style("letter.css"), *style_sheets(ctx.style), *css, style_css(ctx.style)],
        "for_print": for_print,
        "legend_html": legend_html,
        "footer": f"{letter.patient.name}",
        "plain": {
            "service": letter.therapist.service or "",
            "service_name": ctx.settings.service.name or letter.therapist.service or "",
            "address": ctx.settings.service.address,
            "phone": ctx.settings.service.phone or "",
            "email": ctx.settings.service.email or "",
            "website": ctx.settings.service.website or "",
            "date": long_date(letter.date),
        },
    }
    if warnings is not None:
        warnings.extend(
            f"removed {what} from the letter's templates: only plain text, headings, lists, "
            "emphasis and https/mailto links are allowed"
            for what in dict.fromkeys(dropped)
        )
    return render("letter.html.j2", {**variables, **page}, template_dir)


LONG_WORD = 60
"""Characters without a space after which a word gets break opportunities (for PDF)."""
_BREAK_EVERY = 10
_TAG = re.compile(r"(<[^<>]*>)")
_SPACE = re.compile(r"\s")
_LONG = re.compile(rf"\S{{{LONG_WORD + 1},}}")
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")
_UNIT = re.compile(r"&#?[0-9A-Za-z]{1,32};|.", re.S)


def break_long_words(html: str) -> str:
    """``html`` with a zero-width space every 10 characters of a word after its first 60, in
    text only (never inside a tag or an entity); a word is counted across inline tags, as
    emphasis can cut a long string into short pieces. A long unbroken string then wraps at
    once, where a layout engine would otherwise try every break point: quadratic."""
    parts = _TAG.split(html)
    run = 0  # characters since the last space, across tags
    for i in range(0, len(parts), 2):  # the even parts are text between tags
        text = parts[i]
        if not text:
            continue
        first = _SPACE.search(text)
        if first is None and run + len(text) <= LONG_WORD:
            run += len(text)
            continue
        if first is not None and run + first.start() <= LONG_WORD and not _LONG.search(text):
            run = len(text) - _LAST_SPACE.search(text).end()  # type: ignore[union-attr]
            continue
        out: list[str] = []
        for unit in _UNIT.findall(text):
            if unit.isspace():
                run = 0
            else:
                if run >= LONG_WORD and (run - LONG_WORD) % _BREAK_EVERY == 0:
                    out.append("\u200b")
                run += 1
            out.append(unit)
        parts[i] = "".join(out)
    return "".join(parts)


LEGEND = (
    "<h2>{{ title }}</h2>"
    "{% for mark, text in key %}<p><{{ mark }}>{{ text }}</{{ mark }}></p>{% endfor %}"
    "{% if lines %}<ul>{% for line in lines %}<li>{{ line }}</li>{% endfor %}</ul>{% endif %}"
)
"""The legend's markup: an autoescaping template, so every word in it (a patient's name too)
is text, never markup."""

LEGEND_MARKS = ("ins", "del")


@functools.cache
def _legend_template() -> Any:
    import jinja2

    return jinja2.Environment(autoescape=True).from_string(LEGEND)


def legend_html(title: str, lines: Sequence[str], key: Sequence[tuple[str, str]]) -> str:
    """The box that explains a marked-up letter: a title, the key (each mark, ``ins`` or
    ``del``, shown on the words that explain it) and one line per change; every word escaped."""
    for mark, _ in key:
        if mark not in LEGEND_MARKS:
            raise ValueError(f"{mark!r} is not a mark a legend shows")
    return str(_legend_template().render(title=title, lines=list(lines), key=list(key)))


def _diagram(ctx: RenderContext) -> tuple[str, str]:
    """A one-off placeholder for the Markdown, and the SVG figure that replaces it in HTML.

    The SVG goes in after sanitising (nh3 would strip it): it is built by letterkit.diagram,
    which escapes every piece of text. The placeholder carries a random nonce, so no text a
    person types can collide with it.
    """
    wanted = ctx.letter.diagram if ctx.letter.diagram is not None else kinds.get(ctx.letter.kind).diagram
    if not wanted or ctx.marks or ctx.list_marks:
        return "", ""
    import secrets

    # The diagram's SVG layout is loaded only for a letter that draws one.
    from letterkit.compose.diagram import ipaf_svg, ipaf_text_alternative
    from letterkit.compose.diagram_labels import Part

    placeholder = f"letterkit-diagram-{secrets.token_hex(8)}"

    # The title is what a tagged PDF gives screen readers as the figure's /Alt: the whole
    # text alternative, not just a name.
    style = get_style(ctx.style)
    scale = ctx.diagram_scale or style.diagram_scale
    # Two figures (the main picture, and the rows for the pattern turning round and inside
    # you), drawn as one block that print keeps whole: a picture split over two pages no longer
    # reads as one.
    figures = []
    drawn: tuple[Part, ...] = ("main", "rows")
    for part in drawn:
        svg = ipaf_svg(
            ctx.letter.ipaf,
            scale=scale,
            width_mm=style.diagram_mm,
            title=ipaf_text_alternative(ctx.letter.ipaf, part),
            part=part,
        )
        if svg:
            figures.append(f'<figure class="diagram diagram-{part}">{svg}</figure>')
    whole = '<div class="diagram-whole">\n' + "\n".join(figures) + "\n</div>" if figures else ""
    return placeholder, whole


def style_sheets(style: str) -> list[str]:
    """The built-in stylesheets a print format adds over letter.css."""
    sheet = get_style(style).stylesheet
    return [_read_style(sheet)] if sheet else []


@functools.cache
def _read_style(name: str) -> str:
    return (styles_dir() / name).read_text(encoding="utf-8")
