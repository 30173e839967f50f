"""A ``Letter`` to Markdown and HTML, through Jinja2 templates. Pure: no disk writes.

Text typed by therapists and patients is data, never template source: it is escaped into
Markdown before any template sees it, so it can carry paragraphs and *emphasis* but cannot
add a heading, a list, a link, HTML or a Jinja expression. The HTML made from that Markdown
is sanitised by nh3 against an explicit allow-list.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from letterkit.compose.styling import STYLES, one_sentence_per_line, style_css
from letterkit.errors import TemplateError
from letterkit.model.schema import Affect, Formulation, GoodbyeLetter
from letterkit.model.settings import Settings
from letterkit.resources import styles_dir, templates_dir

LetterModel = GoodbyeLetter | Formulation

# --------------------------------------------------------------------------- text to Markdown

_LINE_START = re.compile(r"^(?:#|>|[-+*](?=\s|$)|\d+[.)](?=\s|$))")
_RULE = re.compile(r"^[-=*_\s]+$")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def md_inline(text: str) -> str:
    """One line of text for Markdown: whitespace collapsed, markup escaped."""
    return _escape_line(" ".join(text.split()))


def md_block(text: str, indent: str = "") -> str:
    """Paragraphs of text for Markdown, keeping paragraph breaks and *emphasis*.

    ``indent`` is added to every line after the first (for list items).
    """
    return "".join(_escape_pieces(text, indent))


Span = tuple[str, str | None]
"""A run of text and the HTML tag to wrap it in (``ins``, ``del``, ``mark``), or None."""


def md_block_spans(spans: Sequence[Span], indent: str = "", css_class: str | None = None) -> str:
    """Like ``md_block``, with runs wrapped in <ins>, <del> or <mark> (redlines, contributions).

    The tags are ours; the text inside them is escaped as usual. A tag is closed and reopened
    around line breaks, so that it never spans two blocks.
    """
    text = "".join(t for t, _ in spans)
    pieces = _escape_pieces(text, indent)
    attr = f' class="{css_class}"' if css_class else ""
    out: list[str] = []
    at = 0
    for run, tag in spans:
        chunk = pieces[at : at + len(run)]
        at += len(run)
        if tag is None:
            out.extend(chunk)
            continue
        # "ins.d3" is <ins class="d3">: the class names the draft that made the change.
        name, _, own_class = tag.partition(".")
        open_tag = f'<{name} class="{own_class}">' if own_class else f"<{name}{attr}>"
        opened = False
        for piece in chunk:
            if "\n" in piece:
                if opened:
                    out.append(f"</{name}>")
                    opened = False
                out.append(piece)
            elif piece:
                if not opened:
                    out.append(open_tag)
                    opened = True
                out.append(piece)
        if opened:
            out.append(f"</{name}>")
    return "".join(out)


def _escape_pieces(text: str, indent: str) -> list[str]:
    """One piece of escaped Markdown per character of ``text`` (empty where dropped).

    Lines are stripped, runs of blank lines become one paragraph break, and every line after
    the first gets ``indent``. Keeping one piece per character lets ``md_block_spans`` wrap
    any run of the original text in a tag.
    """
    pieces = [""] * len(text)
    lines: list[tuple[int, int]] = []
    start = 0
    for match in re.finditer(r"\r\n|\r|\n", text):
        lines.append((start, match.start()))
        start = match.end()
    lines.append((start, len(text)))
    seen_text = False
    blank_since_text = False
    pending_break: int | None = None  # where the line break before the next text line goes
    for line_start, line_end in lines:
        line = text[line_start:line_end]
        stripped = line.strip()
        if not stripped:
            blank_since_text = blank_since_text or seen_text
            continue
        lead = line_start + (len(line) - len(line.lstrip()))
        if pending_break is not None:
            pieces[pending_break] = ("\n\n" if blank_since_text else "\n") + indent
        escaped = [_escape_char(ch, text, i) for i, ch in enumerate(stripped, start=lead)]
        _escape_line_start(stripped, escaped)
        pieces[lead : lead + len(stripped)] = escaped
        seen_text = True
        blank_since_text = False
        pending_break = line_end if line_end < len(text) else None
    return pieces


def _escape_char(ch: str, text: str, index: int) -> str:
    if ch in "\\`[]_":  # emphasis is *word* only: an underscore is always just an underscore
        return "\\" + ch
    if ch == "<":
        return "&lt;"
    if ch == "&" and _ENTITY.match(text, index):
        return "&amp;"
    return ch


def _escape_line_start(line: str, escaped: list[str]) -> None:
    """Stop a line from starting a heading, a quote, a list or a rule."""
    if _RULE.match(line):
        for i, ch in enumerate(line):
            if ch in "-*_":
                escaped[i] = "\\" + ch
            elif ch == "=":  # Python-Markdown has no \= escape: an entity stops a setext heading
                escaped[i] = "&#61;"
        return
    if match := _LINE_START.match(line):
        head = match.group()
        where = len(head) - 1 if head[0].isdigit() else 0
        escaped[where] = "\\" + escaped[where]


def _escape_line(line: str) -> str:
    pieces = [_escape_char(ch, line, i) for i, ch in enumerate(line)]
    _escape_line_start(line, pieces)
    return "".join(pieces)


# --------------------------------------------------------------------------- dates and words


def long_date(value: dt.date | str | None) -> str:
    """12 March 2026; a month alone (2026-03) as March 2026."""
    if value is None:
        return ""
    if isinstance(value, str):
        year, month = value.split("-")[:2]
        return dt.date(int(year), int(month), 1).strftime("%B %Y")
    return f"{value.day} {value.strftime('%B %Y')}"


def month_year(value: dt.date | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return long_date(value)
    return value.strftime("%B %Y")


def join_words(items: Iterable[str]) -> str:
    """a, b and c."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _sentence_subject(text: str) -> str:
    """'your GP, Dr Okafor' -> 'Your GP, Dr Okafor,' to start a sentence."""
    text = " ".join(text.split())
    text = text[:1].upper() + text[1:]
    return text + "," if "," in text and not text.endswith(",") else text


def _some(feeling: str) -> str:
    """'some anger', but 'a fear of …' stays as it is."""
    return feeling if re.match(r"(?i)(a|an|the|some|your)\s", feeling) else "some " + feeling


# --------------------------------------------------------------------------- the context


@dataclass(frozen=True)
class RenderContext:
    """What every template sees. Text values are already escaped Markdown."""

    letter: LetterModel
    settings: Settings
    draft_label: str | None = None
    reference: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    style: str = "standard"
    """standard, large-print or easy-read (see letterkit.styling)."""
    marks: Mapping[tuple[str | int, ...], Sequence[Span]] = field(default_factory=dict)
    """Text fields to show marked up (redline, contributions), by field path."""
    list_marks: Mapping[str, Sequence[Sequence[Span]]] = field(default_factory=dict)
    """Whole lists to show marked up, by field name: removed items appear struck through."""


def template_vars(ctx: RenderContext) -> dict[str, Any]:
    """The variables templates use. Documented in templates/README.md."""
    letter, settings = ctx.letter, ctx.settings
    ipaf = letter.ipaf
    plain_affects = [a for a in ipaf.affect if isinstance(a, str) or not a.less_conscious]
    tentative = [a for a in ipaf.affect if isinstance(a, Affect) and a.less_conscious]
    names = [a if isinstance(a, str) else a.feeling for a in plain_affects]
    service_name = settings.service.name or letter.therapist.service
    help_text = settings.help.model_dump()
    if help_text["come_back"] is None:
        phone = f" on {settings.service.phone}" if settings.service.phone else ""
        who = service_name or "us"
        help_text["come_back"] = (
            f"If you would like more help in the future, you can contact {who}{phone}, "
            "or ask your GP to refer you back to us."
        )
    if letter.help:
        help_text.update({k: v for k, v in letter.help.model_dump().items() if v})
    referral = letter.referral
    easy_read = ctx.style == "easy-read"

    def block(path: tuple[str | int, ...], value: str | None, indent: str = "") -> str:
        spans = ctx.marks.get(path)
        if spans is not None:
            return md_block_spans(spans, indent)
        if easy_read and value:
            value = one_sentence_per_line(value)
        return md_block(value or "", indent)

    def items(name: str, values: Sequence[str], indent: str = "    ") -> list[str]:
        if name in ctx.list_marks:
            return [md_block_spans(spans, indent) for spans in ctx.list_marks[name]]
        return [block((name, i), value, indent) for i, value in enumerate(values)]

    return {
        "kind": letter.kind,
        "status": letter.status,
        "is_draft": letter.status == "draft",
        "draft_label": ctx.draft_label,
        "reference": ctx.reference,
        "date": long_date(letter.date),
        "session": letter.session,
        "patient": {
            "name": md_inline(letter.patient.name),
            "dear": md_inline(letter.patient.preferred_name or letter.patient.name),
        },
        "therapist": {
            "name": md_inline(letter.therapist.name),
            "role": md_inline(letter.therapist.role or ""),
            "service": md_inline(letter.therapist.service or ""),
        },
        "service": {
            "name": md_inline(service_name or ""),
            "address": [md_inline(line) for line in settings.service.address],
            "phone": md_inline(settings.service.phone or ""),
            "email": md_inline(settings.service.email or ""),
            "website": md_inline(settings.service.website or ""),
        },
        "sign_off": md_inline(settings.sign_off),
        "background": block(("background",), letter.background),
        "referral": {
            "by": md_inline(referral.by or "") if referral else "",
            "by_sentence": md_inline(_sentence_subject(referral.by)) if referral and referral.by else "",
            "reason": block(("referral", "reason"), referral.reason) if referral else "",
            "when": month_year(referral.date) if referral else "",
        },
        "ipaf": {
            "self": block(("ipaf", "self"), ipaf.self_),
            "other": block(("ipaf", "other"), ipaf.other),
            "feelings": md_inline(join_words(names)),
            "tentative": [md_inline(_some(a.feeling)) for a in tentative],
            "reversal": block(("ipaf", "reversal"), ipaf.reversal),
            "internalised": block(("ipaf", "internalised"), ipaf.internalised),
            "imagery": [md_inline(phrase) for phrase in ipaf.imagery],
        },
        "goals": items("goals", letter.goals),
        "coping": [
            {
                "strategy": block(("coping_strategies", i, "strategy"), c.strategy, "    "),
                "cost": block(("coping_strategies", i, "cost"), c.cost, "    "),
            }
            for i, c in enumerate(letter.coping_strategies)
        ],
        "course_of_therapy": block(("course_of_therapy",), letter.course_of_therapy),
        "changes": items("changes", letter.changes),
        "unfinished_business": items("unfinished_business", letter.unfinished_business),
        "ending": block(("ending",), letter.ending),
        "transference": block(("transference",), letter.transference),
        "closing": block(("closing",), letter.closing),
        "patient_comments": items("patient_comments", letter.patient_comments, ""),
        "help": {key: block(("help", key), value) for key, value in help_text.items()},
        "style": ctx.style,
        "diagram": "",
        "glossary": _glossary(letter) if easy_read else [],
        **ctx.extra,
    }


# --------------------------------------------------------------------------- templates


@functools.cache
def _environment(template_dir: str | None) -> Any:
    """A sandboxed Jinja2 environment over the service's templates, then the built-in ones."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    search = ([template_dir] if template_dir else []) + [str(templates_dir())]
    try:
        # Compiled templates are cached (owner-only, keyed by each template's source) in the
        # temporary folder, so a command does not compile them again each time it starts.
        cache: Any = jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        cache = None
    return ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(search),
        bytecode_cache=cache,
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(name: str, variables: dict[str, Any], template_dir: str | None = None) -> str:
    """Render one template by name, turning Jinja's errors into a TemplateError."""
    import jinja2

    env = _environment(str(template_dir) if template_dir else None)
    try:
        return str(env.get_template(name).render(variables))
    except jinja2.TemplateNotFound as error:
        raise TemplateError(
            f"template {error.name!r} not found in {template_dir or 'the built-in templates'}"
        ) from None
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(
            f"{error.filename or name}:{error.lineno}: template error: {error.message}"
        ) from None
    except (jinja2.UndefinedError, jinja2.exceptions.SecurityError) as error:
        raise TemplateError(f"{name}: template error: {error}") from None
    except UnicodeDecodeError:
        raise TemplateError(f"{name}: the template is not UTF-8 text — save it as UTF-8") from None
    except OSError as error:
        raise TemplateError(f"{name}: the template cannot be read: {error.strerror or error}") from None
    except jinja2.TemplateError as error:
        raise TemplateError(f"{name}: template error: {error}") from None
    except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError, RecursionError) as error:
        # A service's template can compute; whatever it gets wrong is reported, not raised.
        raise TemplateError(f"{name}: template error: {type(error).__name__}: {error}") from None


def to_markdown(ctx: RenderContext, template_dir: str | None = None) -> str:
    """The whole letter as Markdown."""
    variables = template_vars(ctx)
    variables["body"] = render_template(f"{ctx.letter.kind}.md.j2", variables, template_dir).strip()
    variables["signature"] = render_template("signature.md.j2", variables, template_dir).strip()
    variables["help_section"] = render_template("help.md.j2", variables, template_dir).strip()
    text = render_template("letter.md.j2", variables, template_dir)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


# --------------------------------------------------------------------------- Markdown to HTML

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
    import markdown
    import nh3

    html = markdown.markdown(text, output_format="html")
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
) -> str:
    """The whole letter as one self-contained HTML page (CSS inline, nothing fetched).

    Anything the sanitiser removes from the templates' output is added to ``warnings``.
    """
    dropped: list[str] = []
    variables = template_vars(ctx)
    placeholder, svg = _diagram(ctx)
    variables["diagram"] = placeholder
    body_md = render_template(f"{ctx.letter.kind}.md.j2", variables, template_dir)
    signature_md = render_template("signature.md.j2", variables, template_dir)
    help_md = render_template("help.md.j2", variables, template_dir)
    letter = ctx.letter
    title = f"{'Goodbye letter' if letter.kind == 'goodbye-letter' else 'Our shared understanding'}: {letter.patient.name}"
    page = {
        "title": title,
        "author": letter.therapist.name,
        "created": letter.date.isoformat() if isinstance(letter.date, dt.date) else (letter.date or ""),
        "body_html": _sections(markdown_to_html(body_md, dropped)).replace(f"<p>{placeholder}</p>", svg),
        "signature_html": markdown_to_html(signature_md, dropped),
        "help_html": markdown_to_html(help_md, dropped),
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
    return render_template("letter.html.j2", {**variables, **page}, template_dir)


def _glossary(letter: LetterModel) -> list[dict[str, str]]:
    """Easy read: the hard words the letter uses, with their plain meanings."""
    from letterkit.review.check import glossary

    data = letter.model_dump(
        by_alias=True,
        exclude={"kind", "status", "date", "session", "attachment_style", "accessibility", "diagram"},
    )
    data.get("ipaf", {}).pop("defensive_function", None)
    texts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return [{"word": md_inline(word), "meaning": md_inline(meaning)} for word, meaning in glossary(texts)]


def legend_html(title: str, lines: Sequence[str], key: Sequence[str]) -> str:
    """The box that explains a marked-up letter: a title, the key (letterkit's own markup
    showing each mark) and one escaped line per change."""
    from html import escape

    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return (
        f"<h2>{escape(title)}</h2>"
        + "".join(f"<p>{part}</p>" for part in key)
        + (f"<ul>{items}</ul>" if items else "")
    )


DIAGRAM_SCALE = {"standard": 1.0, "large-print": 1.4, "easy-read": 1.34}


def _diagram(ctx: RenderContext) -> tuple[str, str]:
    """A one-off placeholder for the Markdown, and the SVG figure that replaces it in HTML.

    The SVG goes in after sanitising (nh3 would strip it): it is built by letterkit.diagram,
    which escapes every piece of text. The placeholder carries a random nonce, so no text a
    person types can collide with it.
    """
    wanted = ctx.letter.diagram if ctx.letter.diagram is not None else ctx.letter.kind == "formulation"
    if not wanted or ctx.marks or ctx.list_marks:
        return "", ""
    import secrets

    from letterkit.compose.diagram import ipaf_svg

    placeholder = f"letterkit-diagram-{secrets.token_hex(8)}"
    from letterkit.compose.diagram import ipaf_text_alternative

    # The title is what a tagged PDF gives screen readers as the figure's /Alt: the whole
    # text alternative, not just a name.
    svg = ipaf_svg(
        ctx.letter.ipaf,
        scale=DIAGRAM_SCALE.get(ctx.style, 1.0),
        title=ipaf_text_alternative(ctx.letter.ipaf),
    )
    return placeholder, f'<figure class="diagram">{svg}</figure>'


def style_sheets(style: str) -> list[str]:
    """The built-in stylesheets a print format adds over letter.css."""
    if style not in STYLES:
        raise TemplateError(f"unknown style {style!r}: choose one of {', '.join(STYLES)}")
    return [] if style == "standard" else [_read_style(f"{style}.css")]


@functools.cache
def _read_style(name: str) -> str:
    return (styles_dir() / name).read_text(encoding="utf-8")
