"""Print styles: clear print, large print and easy read, and keeping a service's CSS in bounds.

UKAAF's minimum sizes hold whatever CSS a service adds: a ``font-size`` in a service's
stylesheet that would take text below the chosen format's minimum is raised to it, and
reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from letterkit.errors import UnknownStyleError


@dataclass(frozen=True)
class Style:
    """One print style: its sizes, its stylesheet over letter.css, and how it treats text."""

    name: str
    min_pt: float
    """The smallest text it allows, in points (UKAAF)."""
    body_pt: float
    diagram_scale: float = 1.0
    stylesheet: str | None = None
    """A file in styles/ layered over letter.css."""
    sentence_per_line: bool = False
    """Easy read: each sentence on a line of its own, and a glossary of hard words."""
    diagram_mm: float = 170.0
    """The diagram's width: the text column of the style's A4 page (its stylesheet's margins)."""


STANDARD = "standard"
EASY_READ = "easy-read"

STYLE_TABLE: dict[str, Style] = {
    s.name: s
    for s in (
        Style(STANDARD, min_pt=12.0, body_pt=12.0),
        Style(
            "large-print",
            min_pt=16.0,
            body_pt=18.0,
            diagram_scale=1.4,
            stylesheet="large-print.css",
            diagram_mm=168.0,
        ),
        Style(
            EASY_READ,
            min_pt=14.0,
            body_pt=16.0,
            diagram_scale=1.34,
            stylesheet="easy-read.css",
            sentence_per_line=True,
            diagram_mm=140.0,
        ),
    )
}
"""Every print style, by name: the one place that names them."""

STYLES: tuple[str, ...] = tuple(STYLE_TABLE)
MIN_PT = {s.name: s.min_pt for s in STYLE_TABLE.values()}
"""The smallest text each format allows, in points."""


def get_style(name: str) -> Style:
    """The style called ``name``; ``UnknownStyleError`` if there is none."""
    try:
        return STYLE_TABLE[name]
    except KeyError:
        raise UnknownStyleError(str(name), STYLES) from None


_ABSOLUTE = {"pt": 1.0, "px": 0.75, "pc": 12.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "q": 72 / 101.6}
_KEYWORDS = {"xx-small", "x-small", "small", "smaller"}


@dataclass(frozen=True)
class ClampedCSS:
    css: str
    warnings: list[str]


def clamp_css(css: str, style: str, name: str = "CSS") -> ClampedCSS:
    """Raise every ``font-size`` in ``css`` that would fall below the style's minimum."""
    import tinycss2

    minimum = MIN_PT[style]
    warnings: list[str] = []
    out: list[str] = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            body = _clamp_declarations(rule.content, minimum, name, warnings)
            out.append(f"{tinycss2.serialize(rule.prelude).strip()} {{{body}}}")
        elif rule.type == "at-rule" and rule.content is not None and rule.at_keyword in ("media", "supports"):
            inner = clamp_css(tinycss2.serialize(rule.content), style, name)
            warnings.extend(inner.warnings)
            out.append(f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()} {{{inner.css}}}")
        elif rule.type == "at-rule" and rule.at_keyword in ("import",):
            warnings.append(f"{name}: @import is not allowed; the rule was dropped")
        elif rule.type == "at-rule" and rule.content is not None and rule.at_keyword == "page":
            body = _clamp_declarations(rule.content, minimum, name, warnings)
            out.append(f"@page {tinycss2.serialize(rule.prelude).strip()} {{{body}}}")
        elif rule.type == "error":
            warnings.append(f"{name}: {rule.message}; that part was dropped")
        else:
            out.append(tinycss2.serialize([rule]))
    return ClampedCSS("\n".join(out), warnings)


def _clamp_declarations(content: list[object], minimum: float, name: str, warnings: list[str]) -> str:
    import tinycss2

    parts: list[str] = []
    for decl in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if decl.type == "declaration":
            value = tinycss2.serialize(decl.value).strip()
            important = " !important" if decl.important else ""
            if decl.lower_name == "font-size" and _too_small(value, minimum):
                warnings.append(
                    f"{name}: font-size {value} is below {minimum:g}pt for this format; raised to {minimum:g}pt"
                )
                value = f"{minimum:g}pt"
            elif decl.lower_name == "font" and re.search(r"\d", value):
                warnings.append(
                    f"{name}: the 'font' shorthand was dropped; set font-family and font-size separately"
                )
                continue
            parts.append(f"{decl.name}: {value}{important};")
        elif decl.type == "at-rule":
            parts.append(tinycss2.serialize([decl]))
    return " ".join(parts)


def _too_small(value: str, minimum: float) -> bool:
    text = value.strip().lower()
    if text in _KEYWORDS:
        return True
    match = re.fullmatch(r"([0-9]*\.?[0-9]+)\s*([a-z%]*)", text)
    if not match:
        return "calc" in text or "var" in text or "min(" in text or "clamp(" in text
    number, unit = float(match.group(1)), match.group(2)
    if unit in _ABSOLUTE:
        return number * _ABSOLUTE[unit] < minimum
    if unit in ("em", "rem"):
        return number < 1.0
    if unit == "%":
        return number < 100.0
    return unit in ("vw", "vh", "vmin", "vmax", "ex", "ch")


_URL_FUNCTIONS = {"url", "src", "image-set", "-webkit-image-set"}


def remove_urls(css: str, name: str = "CSS") -> ClampedCSS:
    """``css`` with every URL but a ``data:`` one replaced by ``none``, each reported: for HTML
    a browser opens, where letterkit's fetcher cannot stand between the page and the network.
    Read by a CSS tokenizer, so escaped (``\\75 rl(``) and quoted forms are found too."""
    import tinycss2
    from tinycss2.ast import IdentToken

    removed: list[str] = []

    def remote(value: str) -> bool:
        return not value.strip().lower().startswith("data:")

    def walk(nodes: list[object] | None) -> list[object] | None:
        if nodes is None:
            return None
        out: list[object] = []
        for node in nodes:
            kind = getattr(node, "type", "")
            if kind == "url" and remote(node.value):  # type: ignore[attr-defined]
                removed.append(node.value)  # type: ignore[attr-defined]
                node = IdentToken(node.source_line, node.source_column, "none")  # type: ignore[attr-defined]
            elif kind == "function" and node.lower_name in _URL_FUNCTIONS:  # type: ignore[attr-defined]
                strings = [a.value for a in node.arguments if getattr(a, "type", "") in ("string", "url")]  # type: ignore[attr-defined]
                if not strings or any(remote(v) for v in strings):
                    removed.append(", ".join(strings) or tinycss2.serialize([node]))
                    node = IdentToken(node.source_line, node.source_column, "none")  # type: ignore[attr-defined]
            elif kind in ("function", "() block", "[] block", "{} block"):
                attr = "arguments" if kind == "function" else "content"
                setattr(node, attr, walk(getattr(node, attr)))
            elif kind in ("qualified-rule", "at-rule"):
                node.prelude = walk(node.prelude)  # type: ignore[attr-defined]
                node.content = walk(node.content)  # type: ignore[attr-defined]
            out.append(node)
        return out

    rules = walk(tinycss2.parse_stylesheet(css)) or []
    warnings = [
        f"{name}: removed url({value!r}) from the HTML: a letter's HTML fetches nothing" for value in removed
    ]
    return ClampedCSS(tinycss2.serialize(rules), warnings)


def style_css(style: str) -> str:
    """The root size rule that fixes the format's body size (appended last)."""
    size = get_style(style).body_pt
    return f":root {{ --body-size: {size:g}pt; }}\nhtml {{ font-size: {size:g}pt; }}\n"


_SENTENCE_END = re.compile(r"[.!?…][”’\"')]*(?=\s+[*]?[A-Z‘“\"'(0-9])")
_LIST_ITEM = re.compile(r"^([-+*]|\d+[.)])\s+")
_MARKUP_START = re.compile(r"^(?:(\d+)([.)])(?=\s)|([-+*#>])(?=\s|$))")
_KEEP_WHOLE = re.compile(r"<(?:ins|del|mark|div|figure|svg)\b|^letterkit-diagram-|^#")


def split_sentences(text: str) -> list[str]:
    """``text`` cut after each sentence's closing punctuation (and any closing quote)."""
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        out.append(text[start : match.end()].strip())
        start = match.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def _unmarked(sentence: str) -> str:
    """A sentence that now starts a line must not start a list, heading or quote."""
    match = _MARKUP_START.match(sentence)
    if not match:
        return sentence
    if match.group(1):
        return f"{match.group(1)}\\{match.group(2)}{sentence[match.end() :]}"
    return "\\" + sentence


def one_sentence_per_line(text: str) -> str:
    """Easy read: every sentence of plain text starts a new paragraph."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join("\n\n".join(split_sentences(" ".join(p.split()))) for p in paragraphs)


SENTENCES_START = '<div class="sentences-start"></div>'
SENTENCES_END = '<div class="sentences-end"></div>'
"""Around the sentences made from one paragraph, in the Markdown for HTML: ``sentence_groups``
turns each pair into a ``<div class="sentences">``, which print keeps from breaking after its
first sentence or before its last (the sentence-level orphans and widows)."""


def easy_read_markdown(markdown: str, grouped: bool = False) -> str:
    """Easy read: every sentence of the letter's Markdown on a line of its own.

    A paragraph becomes one paragraph per sentence; a list item keeps all its sentences, one
    per line (hard line breaks), so that no item runs into the next. Headings, marked-up text
    (redlines) and the diagram are left as they are. ``grouped`` (for HTML) puts the sentences
    of each paragraph between ``SENTENCES_START`` and ``SENTENCES_END``, and so a run of
    one-sentence paragraphs (an easy-read text the therapist wrote one line a sentence).
    """
    blocks = re.split(r"\n[ \t]*\n", markdown)
    out: list[str] = []
    run: list[str] = []  # one-sentence paragraphs in a row

    def end_run() -> None:
        if grouped and len(run) > 1:
            out.append("\n\n".join([SENTENCES_START, *run, SENTENCES_END]))
        else:
            out.extend(run)
        run.clear()

    for block in blocks:
        lines = block.split("\n")
        if not block.strip():
            continue
        if any(_KEEP_WHOLE.search(line.strip()) for line in lines):
            end_run()
            out.append(block)
            continue
        if _LIST_ITEM.match(lines[0]) or all(line.startswith("    ") for line in lines if line.strip()):
            items: list[tuple[str, list[str]]] = []
            for line in lines:
                match = _LIST_ITEM.match(line)
                if match or not items:
                    marker = match.group(0) if match else "    "
                    items.append((marker, [line[len(marker) :] if match else line.strip()]))
                else:
                    items[-1][1].append(line.strip())
            rendered = []
            for marker, parts in items:
                sentences = split_sentences(" ".join(" ".join(parts).split()))
                rendered.append(
                    marker + "  \n    ".join(_unmarked(s) if i else s for i, s in enumerate(sentences))
                )
            end_run()
            out.append("\n".join(rendered))
            continue
        sentences = split_sentences(" ".join(block.split()))
        lines = [_unmarked(s) if i else s for i, s in enumerate(sentences)]
        if len(lines) == 1:
            run.append(lines[0])
            continue
        end_run()
        if grouped:
            lines = [SENTENCES_START, *lines, SENTENCES_END]
        out.append("\n\n".join(lines))
    end_run()
    return "\n\n".join(out)


def sentence_groups(html: str) -> str:
    """``html`` with each pair of the markers ``easy_read_markdown(grouped=True)`` puts in
    turned into a ``<div class="sentences">``; a marker without its pair is dropped."""
    pattern = re.escape(SENTENCES_START) + r"(.*?)" + re.escape(SENTENCES_END)
    html = re.sub(pattern, r'<div class="sentences">\1</div>', html, flags=re.S)
    return html.replace(SENTENCES_START, "").replace(SENTENCES_END, "")


EASY_READ_WORDS = 15
"""The longest sentence easy read allows, in words (UK easy-read guidance)."""
