"""A letter's HTML (from ``compose.to_html``) as a Word document, redlines as real tracked changes.

This reads only the structure that ``templates/letter.html.j2`` produces: the letterhead,
"Private and confidential", the draft note, the date, an optional legend, the letter body
(headings, paragraphs, lists, bold), the signature and the "Where to find help" box, plus the
running footer and draft label of the print layout (``to_html(..., for_print=True)``).
It is not a general HTML converter. All text is taken from the HTML's text nodes (the parser
decodes entities) and written as XML text, so nothing in a letter can become Word markup.

``<ins>`` and ``<del>`` become Word revisions (``w:ins``/``w:del``), credited through
``changes``: a mapping from an element's ``class`` to ``(author, datetime)``; ``changes[""]``
is the default, and without it the author is "letterkit" at ``DEFAULT_CHANGE_DATE``. In the
legend, which only explains how marks look, they stay plain formatting.

Emphasis is bold, never italic; the document holds no ``w:i`` at all. The output is
deterministic: the same HTML gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any

__all__ = ["DEFAULT_CHANGE_AUTHOR", "DEFAULT_CHANGE_DATE", "DOCX_MEDIA_TYPE", "html_to_docx"]

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEFAULT_CHANGE_AUTHOR = "letterkit"
DEFAULT_CHANGE_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

FONT = "Arial"
"""The body font. letter.css asks for Open Sans first; Arial is on every machine that runs Word."""
INK = "1D2327"
ACCENT = "1F5566"
SOFT = "EEF4F6"
RULE = "B9CCD3"
INS_GREEN, INS_FILL = "1A7F37", "E6F4EA"
DEL_RED, DEL_FILL = "8A1C1C", "FBEAEA"
MARK_FILL, MARK_RULE = "FFF1B8", "9A6B00"

TWIPS_PER_MM = 1440 / 25.4
A4_TWIPS = (11906, 16838)


@dataclass(frozen=True)
class _Metrics:
    """Sizes from styles/*.css, in points or in ems of the body size."""

    body: float
    line: float
    """Word's 'multiple' line spacing (CSS line-height over Arial's ~1.1 natural line)."""
    margins_mm: tuple[float, float, float, float]  # top, right, bottom, left
    p_after: float
    li_after: float
    h2: float
    h2_before: float  # ems of the heading's own size
    service: float


_METRICS = {
    "standard": _Metrics(12, 1.35, (22, 22, 26, 24), 0.75, 0.5, 1.25, 1.4, 1.6),
    "large-print": _Metrics(18, 1.4, (18, 18, 24, 20), 0.9, 0.7, 1.3, 1.2, 1.5),
    # easy-read.css limits the text to 140 mm: the right margin makes up the rest of A4.
    "easy-read": _Metrics(16, 1.45, (22, 46, 26, 24), 0.8, 0.8, 1.3, 1.3, 1.6),
}

# --------------------------------------------------------------------------- HTML to a small tree

_VOID = frozenset({"br", "meta", "hr", "img", "link", "input", "wbr", "col", "source", "area", "base"})
_SKIP = frozenset({"style", "script", "head", "title", "template", "noscript"})
_BLOCK = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "hr", "div",
        "section", "main", "header", "footer", "aside", "article", "nav", "body", "html",
    }
)  # fmt: skip
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


@dataclass(eq=False)
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def has_class(self, name: str) -> bool:
        return name in self.classes

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self) -> Iterator[_Node]:
        yield self
        for child in self.children:
            if isinstance(child, _Node):
                yield from child.walk()

    def find(self, tag: str, cls: str | None = None) -> _Node | None:
        for node in self.walk():
            if node.tag == tag and (cls is None or node.has_class(cls)):
                return node
        return None


class _TreeBuilder(HTMLParser):
    """html.parser into _Node objects; entities decoded, no script or style text kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if any(node.tag in _SKIP for node in self.stack[1:]) and self.stack[-1].tag != "title":
            return
        self.stack[-1].children.append(data)


def _parse(html: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _clean(text: str) -> str:
    """Text as XML allows it (control characters are dropped upstream; this is a backstop)."""
    return _XML_ILLEGAL.sub("", text)


def _plain(text: str) -> str:
    return _clean(" ".join(_HTML_SPACE.sub(" ", text).split()))


# --------------------------------------------------------------------------- OOXML helpers

_RPR_ORDER = (
    "ins del moveFrom moveTo rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow "
    "emboss imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs "
    "highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()
_PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr "
    "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr "
    "sectPr pPrChange"
).split()
_TBLPR_ORDER = (
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
).split()
_TCPR_ORDER = (
    "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark"
).split()
_TRPR_ORDER = (
    "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader tblCellSpacing jc hidden"
).split()
_ORDERS = {
    "rPr": _RPR_ORDER,
    "pPr": _PPR_ORDER,
    "tblPr": _TBLPR_ORDER,
    "tcPr": _TCPR_ORDER,
    "trPr": _TRPR_ORDER,
}


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _el(tag: str, attrs: Mapping[str, str] | None = None, text: str | None = None) -> Any:
    """A new OOXML element: ``_el("w:sz", {"w:val": "24"})``."""
    from docx.oxml import OxmlElement

    element: Any = OxmlElement(tag, {_qn(k): v for k, v in (attrs or {}).items()})
    if text is not None:
        element.text = text
    return element


def _local(element: Any) -> str:
    return str(element.tag).rsplit("}", 1)[-1]


def _child(parent: Any, tag: str) -> Any:
    return parent.find(_qn(tag))


def _put(parent: Any, child: Any) -> Any:
    """Put ``child`` into a properties element in schema order, replacing one of its kind."""
    order = _ORDERS[_local(parent)]
    name = _local(child)
    old = parent.find(child.tag)
    if old is not None:
        parent.replace(old, child)
        return child
    rank = order.index(name)
    for index, existing in enumerate(parent):
        other = _local(existing)
        if other in order and order.index(other) > rank:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def _props(element: Any, tag: str) -> Any:
    """The w:pPr / w:rPr / w:tblPr / w:tcPr / w:trPr first child of ``element``, made if missing."""
    props = _child(element, tag)
    if props is None:
        props = _el(tag)
        element.insert(0, props)
    return props


def _style_ppr(st: Any) -> Any:
    """A w:style's w:pPr, made if missing: after the names and flags, before w:rPr."""
    ppr = _child(st, "w:pPr")
    if ppr is None:
        ppr = _el("w:pPr")
        rpr = _child(st, "w:rPr")
        if rpr is not None:
            rpr.addprevious(ppr)
        else:
            st.append(ppr)
    return ppr


def _half_points(pt: float) -> str:
    return str(max(2, round(pt * 2)))


def _twips(pt: float) -> str:
    return str(max(0, round(pt * 20)))


def _fonts() -> Any:
    return _el("w:rFonts", {"w:ascii": FONT, "w:hAnsi": FONT, "w:cs": FONT, "w:eastAsia": FONT})


def _border(tag: str, color: str, eighths: int, space: int = 4, val: str = "single") -> Any:
    return _el(tag, {"w:val": val, "w:sz": str(eighths), "w:space": str(space), "w:color": color})


def _w3c(when: dt.datetime) -> str:
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- runs


@dataclass(frozen=True)
class _Change:
    kind: str  # "ins" or "del"
    author: str
    date: str
    source: int  # id() of the HTML element: one revision per element


@dataclass(frozen=True)
class _Fmt:
    bold: bool = False
    color: str | None = None
    strike: bool = False
    fill: str | None = None
    box: tuple[str, int] | None = None  # colour, width in eighths of a point
    double_rule: str | None = None
    size: float | None = None
    change: _Change | None = None


_BR = None
Segment = tuple[str | None, _Fmt]  # text, or _BR for a line break


def _normalise(segments: Sequence[Segment]) -> list[Segment]:
    """HTML whitespace rules: runs of spaces collapse, none at a line's start or end."""
    out: list[Segment] = []
    after_space = True
    for text, fmt in segments:
        if text is _BR:
            _trim_end(out)
            out.append((_BR, fmt))
            after_space = True
            continue
        assert text is not None
        text = _clean(_HTML_SPACE.sub(" ", text))
        if after_space and text.startswith(" "):
            text = text[1:]
        if text:
            out.append((text, fmt))
            after_space = text.endswith(" ")
    _trim_end(out)
    return out


def _trim_end(out: list[Segment]) -> None:
    while out and out[-1][0] is not _BR:
        text, fmt = out[-1]
        assert text is not None
        stripped = text.rstrip(" ")
        if stripped:
            out[-1] = (stripped, fmt)
            return
        out.pop()


def _run(text: str | None, fmt: _Fmt) -> Any:
    run = _el("w:r")
    rpr = _el("w:rPr")
    if fmt.bold:
        _put(rpr, _el("w:b"))
        _put(rpr, _el("w:bCs"))
    if fmt.strike:
        _put(rpr, _el("w:strike"))
    if fmt.color:
        _put(rpr, _el("w:color", {"w:val": fmt.color}))
    if fmt.size:
        _put(rpr, _el("w:sz", {"w:val": _half_points(fmt.size)}))
        _put(rpr, _el("w:szCs", {"w:val": _half_points(fmt.size)}))
    if fmt.double_rule:
        _put(rpr, _el("w:u", {"w:val": "double", "w:color": fmt.double_rule}))
    if fmt.box:
        _put(rpr, _border("w:bdr", fmt.box[0], fmt.box[1], 1))
    if fmt.fill:
        _put(rpr, _el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": fmt.fill}))
    if len(rpr):
        run.append(rpr)
    deleted = fmt.change is not None and fmt.change.kind == "del"
    if text is _BR:
        run.append(_el("w:br"))
    else:
        t = _el("w:delText" if deleted else "w:t", text=text)
        t.set(_qn("xml:space"), "preserve")
        run.append(t)
    return run


# --------------------------------------------------------------------------- the writer


@dataclass(frozen=True)
class _Ctx:
    """Where a block is: in the legend (marks stay formatting), in a list item, in the signature."""

    legend: bool = False
    item: _Item | None = None
    quote: int = 0
    size: float | None = None


@dataclass
class _Item:
    num_id: int
    level: int
    ordered: bool = False
    first: bool = True
    mark: _Change | None = None  # a whole inserted or deleted item: its paragraph marks too
    paragraphs: list[Any] = field(default_factory=list)


class _Writer:
    def __init__(self, style: str, changes: Mapping[str, tuple[str, dt.datetime]] | None) -> None:
        import docx

        if style not in _METRICS:
            raise ValueError(f"unknown style {style!r}: choose one of {', '.join(_METRICS)}")
        self.style = style
        self.m = _METRICS[style]
        self.changes = dict(changes or {})
        self.doc: Any = docx.Document()
        self.next_id = 1
        self.has_changes = False
        top, right, bottom, left = self.m.margins_mm
        self.text_width = A4_TWIPS[0] - round((left + right) * TWIPS_PER_MM)
        self.bullets = 0
        self.numbering: Any = None
        self.last: Any = None

    # ---- document setup

    def setup(self) -> None:
        from docx.shared import Mm, Twips

        section = self.doc.sections[0]
        section.page_width, section.page_height = Twips(A4_TWIPS[0]), Twips(A4_TWIPS[1])
        top, right, bottom, left = self.m.margins_mm
        section.top_margin, section.right_margin = Mm(top), Mm(right)
        section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
        # letter.css: the draft label sits 4 mm above the text, the footer 5 mm below it.
        line_mm = self.m.body * 1.15 * 25.4 / 72
        section.header_distance = Mm(max(5.0, top - 4 - line_mm))
        section.footer_distance = Mm(max(5.0, bottom - 5 - line_mm))
        section.gutter = Mm(0)
        self._numbering()
        self._styles()
        self._package()

    def _styles(self) -> None:
        styles = self.doc.styles.element
        b = self.m.body
        for italic in [*styles.iter(_qn("w:i")), *styles.iter(_qn("w:iCs"))]:
            italic.getparent().remove(italic)
        for fonts in list(styles.iter(_qn("w:rFonts"))):
            fonts.getparent().replace(fonts, _fonts())
        for lang in styles.iter(_qn("w:lang")):
            lang.set(_qn("w:val"), "en-GB")
        defaults = styles.find(_qn("w:docDefaults"))
        rpr = defaults.find(f"{_qn('w:rPrDefault')}/{_qn('w:rPr')}")
        _put(rpr, _el("w:sz", {"w:val": _half_points(b)}))
        _put(rpr, _el("w:szCs", {"w:val": _half_points(b)}))
        ppr = defaults.find(f"{_qn('w:pPrDefault')}/{_qn('w:pPr')}")
        _put(ppr, self._spacing(0, self.m.p_after * b))

        normal = self._style("Normal", "paragraph")
        self._style_run(normal, size=b, color=INK)
        _put(_style_ppr(normal), self._spacing(0, self.m.p_after * b))
        _put(_style_ppr(normal), _el("w:jc", {"w:val": "left"}))

        for level, em in ((1, 1.5), (2, self.m.h2), (3, 1.1)):
            size = round(b * em * 2) / 2
            heading = self._style(f"Heading {level}", "paragraph")
            self._style_run(heading, size=size, color=ACCENT, bold=True)
            ppr = _style_ppr(heading)
            before = self.m.h2_before * size
            _put(ppr, self._spacing(before, 0.5 * size, 1.2))
            char = self._style(f"Heading {level} Char", "character", missing_ok=True)
            if char is not None:
                self._style_run(char, size=size, color=ACCENT, bold=True)

        for name in ("Header", "Footer"):
            st = self._style(name, "paragraph")
            self._style_run(st, size=b, color=INK)
            ppr = _style_ppr(st)
            tabs = _child(ppr, "w:tabs")
            if tabs is not None:
                ppr.remove(tabs)
            _put(ppr, _el("w:tabs"))
            _child(ppr, "w:tabs").append(_el("w:tab", {"w:val": "right", "w:pos": str(self.text_width)}))
            _put(
                ppr,
                _el("w:spacing", {"w:before": "0", "w:after": "0", "w:line": "240", "w:lineRule": "auto"}),
            )
        for name in ("Header Char", "Footer Char"):
            char = self._style(name, "character", missing_ok=True)
            if char is not None:
                self._style_run(char, size=b, color=INK)
        for name in ("List Bullet", "List Number", "List Continue", "List Paragraph"):
            st = self._style(name, "paragraph", missing_ok=True)
            if st is not None:
                ppr = _style_ppr(st)
                for tag in ("w:numPr", "w:contextualSpacing", "w:ind"):
                    old = _child(ppr, tag)
                    if old is not None:
                        ppr.remove(old)
                if name == "List Bullet":  # so that Word's own List Bullet continues our bullets
                    num_pr = _put(ppr, _el("w:numPr"))
                    num_pr.append(_el("w:ilvl", {"w:val": "0"}))
                    num_pr.append(_el("w:numId", {"w:val": str(self.bullets)}))

        mm = 72 / 25.4
        service = round(b * self.m.service * 2) / 2
        self._add_style("Service Name", size=service, color=ACCENT, bold=True, after=1 * mm, line=1.15)
        self._add_style("Service Contact", after=0)
        self._add_style("Confidential", bold=True, after=4 * mm)
        self._add_style("Draft Note", bold=True, color=ACCENT)
        self._add_style("Letter Date", after=6 * mm)
        self._add_style("Signature")

    def _spacing(self, before: float, after: float, line: float | None = None) -> Any:
        return _el(
            "w:spacing",
            {
                "w:before": _twips(before),
                "w:after": _twips(after),
                "w:line": str(round(240 * (line or self.m.line))),
                "w:lineRule": "auto",
            },
        )

    def _style(self, name: str, kind: str, missing_ok: bool = False) -> Any:
        for st in self.doc.styles.element.findall(_qn("w:style")):
            name_el = _child(st, "w:name")
            if st.get(_qn("w:type")) == kind and name_el is not None:
                if name_el.get(_qn("w:val")).lower() == name.lower():
                    return st
        if missing_ok:
            return None
        raise LookupError(name)  # pragma: no cover - the built-in template has them all

    def _style_run(self, st: Any, *, size: float, color: str, bold: bool = False) -> None:
        old = _child(st, "w:rPr")
        if old is not None:
            st.remove(old)
        rpr = _el("w:rPr")
        _put(rpr, _fonts())
        if bold:
            _put(rpr, _el("w:b"))
            _put(rpr, _el("w:bCs"))
        _put(rpr, _el("w:color", {"w:val": color}))
        _put(rpr, _el("w:sz", {"w:val": _half_points(size)}))
        _put(rpr, _el("w:szCs", {"w:val": _half_points(size)}))
        _put(rpr, _el("w:lang", {"w:val": "en-GB"}))
        later = [c for c in st if _local(c) in ("tblPr", "trPr", "tcPr", "tblStylePr")]
        if later:
            later[0].addprevious(rpr)
        else:
            st.append(rpr)

    def _add_style(
        self,
        name: str,
        *,
        size: float | None = None,
        color: str = INK,
        bold: bool = False,
        after: float | None = None,
        line: float | None = None,
    ) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        st = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = self.doc.styles["Normal"]
        element = st.element
        spacing = self._spacing(0, self.m.p_after * self.m.body if after is None else after, line)
        _put(_style_ppr(element), spacing)
        self._style_run(element, size=size or self.m.body, color=color, bold=bold)

    def _numbering(self) -> None:
        """One bullet list definition (•, then –) and one numbered, with indents for the body size."""
        numbering = self.doc.part.numbering_part.element
        self.numbering = numbering
        ids = [int(a.get(_qn("w:abstractNumId"))) for a in numbering.findall(_qn("w:abstractNum"))]
        nums = [int(n.get(_qn("w:numId"))) for n in numbering.findall(_qn("w:num"))]
        self._abstract_bullet = max(ids, default=0) + 1
        self._abstract_number = self._abstract_bullet + 1
        self._next_num = max(nums, default=0) + 1
        step = round(self.m.body * 1.4 * 20)
        hang = round(self.m.body * 1.1 * 20)
        for abstract_id, kind in ((self._abstract_bullet, "bullet"), (self._abstract_number, "decimal")):
            abstract = _el("w:abstractNum", {"w:abstractNumId": str(abstract_id)})
            abstract.append(_el("w:nsid", {"w:val": f"{0x4C4B0000 + abstract_id:08X}"}))
            abstract.append(_el("w:multiLevelType", {"w:val": "hybridMultilevel"}))
            for level in range(9):
                lvl = _el("w:lvl", {"w:ilvl": str(level)})
                lvl.append(_el("w:start", {"w:val": "1"}))
                lvl.append(_el("w:numFmt", {"w:val": kind}))
                text = ("•" if level % 2 == 0 else "–") if kind == "bullet" else f"%{level + 1}."
                lvl.append(_el("w:lvlText", {"w:val": text}))
                lvl.append(_el("w:lvlJc", {"w:val": "left"}))
                ppr = _el("w:pPr")
                ppr.append(_el("w:ind", {"w:left": str(step * (level + 1)), "w:hanging": str(hang)}))
                lvl.append(ppr)
                rpr = _el("w:rPr")
                _put(rpr, _fonts())
                lvl.append(rpr)
                abstract.append(lvl)
            first_num = numbering.find(_qn("w:num"))
            if first_num is not None:
                first_num.addprevious(abstract)
            else:
                numbering.append(abstract)
        self.bullets = self._new_num(self._abstract_bullet)

    def _new_num(self, abstract_id: int, restart: bool = False) -> int:
        num_id = self._next_num
        self._next_num += 1
        num = _el("w:num", {"w:numId": str(num_id)})
        num.append(_el("w:abstractNumId", {"w:val": str(abstract_id)}))
        if restart:
            override = _el("w:lvlOverride", {"w:ilvl": "0"})
            override.append(_el("w:startOverride", {"w:val": "1"}))
            num.append(override)
        cleanup = _child(self.numbering, "w:numIdMacAtCleanup")
        if cleanup is not None:
            cleanup.addprevious(num)
        else:
            self.numbering.append(num)
        return num_id

    def _package(self) -> None:
        """Drop the template's leftovers: its thumbnail, Word 2010 style copy and custom XML."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        unwanted = {
            RT.THUMBNAIL,
            RT.CUSTOM_XML,
            "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
        }
        for rels in (self.doc.part.package.rels, self.doc.part.rels):
            for rid in [rid for rid, rel in rels.items() if rel.reltype in unwanted]:
                del rels[rid]
        settings = self.doc.settings.element
        lang = _child(settings, "w:themeFontLang")
        if lang is not None:
            lang.set(_qn("w:val"), "en-GB")
        for compat in settings.iter(_qn("w:compatSetting")):
            if compat.get(_qn("w:name")) == "compatibilityMode":
                compat.set(_qn("w:val"), "15")

    def track_revisions(self) -> None:
        """Switch on Track Changes, so that the patient's edits to a redline are tracked too."""
        settings = self.doc.settings.element
        if _child(settings, "w:trackRevisions") is not None:
            return
        anchor = _child(settings, "w:defaultTabStop")
        if anchor is not None:
            anchor.addprevious(_el("w:trackRevisions"))

    # ---- paragraphs

    def paragraph(self, container: Any, style: str | None, segments: Sequence[Segment], ctx: _Ctx) -> Any:
        """A paragraph of runs, with any <ins>/<del> as revisions; None if it has no text."""
        segments = _normalise(segments)
        if not any(text for text, _ in segments if text is not _BR):
            return None
        para = container.add_paragraph(style=style)
        self.last = para
        p = para._p
        wrapper: Any = None
        current: _Change | None = None
        for text, fmt in segments:
            if ctx.size and not fmt.size:
                fmt = replace(fmt, size=ctx.size)
            run = _run(text, fmt)
            if fmt.change is None:
                wrapper, current = None, None
                p.append(run)
                continue
            if fmt.change != current:
                wrapper = self._revision(fmt.change)
                current = fmt.change
                p.append(wrapper)
            wrapper.append(run)
        item = ctx.item
        if item is not None:
            self._list_paragraph(para, item)
        elif ctx.quote:
            para.paragraph_format.left_indent = self._twips(self.m.body * 1.4 * ctx.quote)
        return para

    def _revision(self, change: _Change) -> Any:
        self.has_changes = True
        element = _el(
            f"w:{change.kind}", {"w:id": str(self.next_id), "w:author": change.author, "w:date": change.date}
        )
        self.next_id += 1
        return element

    def _twips(self, pt: float) -> Any:
        from docx.shared import Twips

        return Twips(round(pt * 20))

    def _list_paragraph(self, para: Any, item: _Item) -> None:
        from docx.shared import Twips

        ppr = para._p.get_or_add_pPr()
        if item.first:
            para.style = self.doc.styles["List Number" if item.ordered else "List Bullet"]
            num_pr = _el("w:numPr")
            num_pr.append(_el("w:ilvl", {"w:val": str(item.level)}))
            num_pr.append(_el("w:numId", {"w:val": str(item.num_id)}))
            _put(ppr, num_pr)
            item.first = False
        else:
            para.style = self.doc.styles["List Continue"]
            para.paragraph_format.left_indent = Twips(round(self.m.body * 1.4 * 20) * (item.level + 1))
        para.paragraph_format.space_after = self._twips(0.35 * self.m.body)
        if item.mark is not None:
            rpr = _put(ppr, _el("w:rPr"))
            rpr.append(self._revision(item.mark))
        item.paragraphs.append(para)


class _Converter:
    def __init__(self, writer: _Writer) -> None:
        self.w = writer
        self.m = writer.m

    # ---- changes

    def change_for(self, node: _Node) -> _Change:
        author, when = self._credit(node.attrs.get("class", "").strip())
        return _Change(node.tag, _clean(author)[:255] or DEFAULT_CHANGE_AUTHOR, _w3c(when), id(node))

    def _credit(self, cls: str) -> tuple[str, dt.datetime]:
        changes = self.w.changes
        if cls in changes:
            return changes[cls]
        for token in cls.split():
            if token in changes:
                return changes[token]
        return changes.get("") or (DEFAULT_CHANGE_AUTHOR, DEFAULT_CHANGE_DATE)

    # ---- inline

    def inline(self, nodes: Sequence[_Node | str], fmt: _Fmt, ctx: _Ctx, out: list[Segment]) -> None:
        for node in nodes:
            if isinstance(node, str):
                out.append((node, fmt))
                continue
            tag = node.tag
            if tag in _SKIP:
                continue
            if tag == "br":
                out.append((_BR, fmt))
            elif tag in ("strong", "b", "em", "i"):
                self.inline(node.children, replace(fmt, bold=True), ctx, out)
            elif tag == "a":
                self.inline(node.children, replace(fmt, bold=True, color=ACCENT), ctx, out)
            elif tag == "mark":
                self.inline(node.children, replace(fmt, fill=MARK_FILL, double_rule=MARK_RULE), ctx, out)
            elif tag in ("ins", "del") and ctx.legend:
                look = (
                    replace(fmt, bold=True, box=(INS_GREEN, 8), fill=INS_FILL)
                    if tag == "ins"
                    else replace(fmt, strike=True, color=DEL_RED, fill=DEL_FILL)
                )
                self.inline(node.children, look, ctx, out)
            elif tag in ("ins", "del"):
                self.inline(node.children, replace(fmt, change=self.change_for(node)), ctx, out)
            else:
                self.inline(node.children, fmt, ctx, out)

    def segments(self, nodes: Sequence[_Node | str], ctx: _Ctx, fmt: _Fmt | None = None) -> list[Segment]:
        out: list[Segment] = []
        self.inline(nodes, fmt or _Fmt(), ctx, out)
        return out

    # ---- blocks

    def flow(self, node: _Node, container: Any, ctx: _Ctx) -> list[Any]:
        """The children of a block: runs of inline content become paragraphs."""
        made: list[Any] = []
        pending: list[_Node | str] = []
        for child in node.children:
            if isinstance(child, str) or child.tag not in _BLOCK:
                pending.append(child)
                continue
            made += self._loose(pending, container, ctx)
            pending = []
            made += self.block(child, container, ctx)
        made += self._loose(pending, container, ctx)
        return made

    def _loose(self, nodes: list[_Node | str], container: Any, ctx: _Ctx) -> list[Any]:
        if not nodes:
            return []
        para = self.w.paragraph(container, None, self.segments(nodes, ctx), ctx)
        return [para] if para is not None else []

    def block(self, node: _Node, container: Any, ctx: _Ctx) -> list[Any]:
        tag = node.tag
        if tag in _SKIP or node.has_class("running-footer") or node.has_class("running-draft"):
            return []
        if node.has_class("draft-mark"):
            return []
        if tag == "p":
            return self._p(node, container, ctx)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level = {"h1": 1, "h2": 2}.get(tag, 3)
            size = round(self.m.body * 1.05 * 2) / 2 if ctx.legend else None
            para = self.w.paragraph(
                container,
                f"Heading {level}",
                self.segments(node.children, ctx),
                replace(ctx, item=None, size=size),
            )
            if para is not None and ctx.legend:
                para.paragraph_format.space_before = self.w._twips(0.3 * self.m.body)
            return [para] if para is not None else []
        if tag in ("ul", "ol"):
            return self._list(node, container, ctx)
        if tag == "li":  # a stray item outside a list
            return self._list(_Node("ul", {}, [node]), container, ctx)
        if tag == "blockquote":
            return self.flow(node, container, replace(ctx, quote=ctx.quote + 1))
        if tag == "hr":
            para = container.add_paragraph()
            pbdr = _put(para._p.get_or_add_pPr(), _el("w:pBdr"))
            pbdr.append(_border("w:bottom", RULE, 6, 1))
            return [para]
        if tag == "header" and node.has_class("letterhead"):
            made = self.flow(node, container, ctx)
            if made:
                ppr = made[-1]._p.get_or_add_pPr()
                pbdr = _put(ppr, _el("w:pBdr"))
                pbdr.append(_border("w:bottom", ACCENT, 12, 6))
                made[-1].paragraph_format.space_after = self.w._twips(6 * 72 / 25.4)
            return made
        if tag == "aside" and node.has_class("help"):
            return self._box(node, container, ctx, fill=SOFT, left=(ACCENT, 24), after_mm=0, before_mm=8)
        if tag == "aside" and node.has_class("legend"):
            return self._box(
                node, container, replace(ctx, legend=True), fill=None, left=None, after_mm=6, before_mm=0
            )
        if tag == "div" and node.has_class("signature"):
            made = self.flow(node, container, ctx)
            for index, para in enumerate(made):
                if para.style is None or para.style.name == "Normal":
                    para.style = self.w.doc.styles["Signature"]
                para.paragraph_format.keep_together = True
                if index < len(made) - 1:
                    para.paragraph_format.keep_with_next = True
            if made:
                made[0].paragraph_format.space_before = self.w._twips(1.2 * self.m.body)
                if len(made) > 1:
                    made[0].paragraph_format.space_after = self.w._twips(2.2 * self.m.body)
            return made
        return self.flow(node, container, ctx)

    def _p(self, node: _Node, container: Any, ctx: _Ctx) -> list[Any]:
        styles = {
            "service-name": "Service Name",
            "service-contact": "Service Contact",
            "confidential": "Confidential",
            "draft-note": "Draft Note",
            "date": "Letter Date",
        }
        style = next((styles[c] for c in node.classes if c in styles), None)
        fmt = _Fmt()
        if style == "Draft Note":
            # letter.css draws the note in a box the width of its words: a run border does that.
            fmt = _Fmt(box=(ACCENT, 12))
        para = self.w.paragraph(container, style, self.segments(node.children, ctx, fmt), ctx)
        return [para] if para is not None else []

    def _list(self, node: _Node, container: Any, ctx: _Ctx) -> list[Any]:
        level = ctx.item.level + 1 if ctx.item is not None else 0
        level = min(level, 8)
        if node.tag == "ol":
            num_id = self.w._new_num(self.w._abstract_number, restart=True)
        else:
            num_id = self.w.bullets
        made: list[Any] = []
        items = [c for c in node.children if isinstance(c, _Node)]
        for index, li in enumerate(items):
            item = _Item(
                num_id, level, node.tag == "ol", mark=self._whole_change(li) if not ctx.legend else None
            )
            if li.tag == "li":
                self.flow(li, container, replace(ctx, item=item))
            else:
                self.block(li, container, replace(ctx, item=item))
            if item.paragraphs:
                after = self.m.li_after + 0.35
                if index == len(items) - 1 and level == 0:
                    after = max(after, self.m.p_after)
                item.paragraphs[-1].paragraph_format.space_after = self.w._twips(after * self.m.body)
            made += item.paragraphs
        return made

    def _whole_change(self, li: _Node) -> _Change | None:
        """The change when all of an item's words are in <ins> (or all in <del>): one revision."""
        found: list[_Node] = []

        def visit(node: _Node, inside: _Node | None) -> bool:
            for child in node.children:
                if isinstance(child, str):
                    if child.strip() and inside is None:
                        return False
                    if child.strip() and inside is not None and inside not in found:
                        found.append(inside)
                elif child.tag in ("ins", "del") and inside is None:
                    if not visit(child, child):
                        return False
                elif child.tag in _SKIP:
                    continue
                elif not visit(child, inside):
                    return False
            return True

        if not visit(li, None) or not found:
            return None
        if len({n.tag for n in found}) != 1:
            return None
        first = self.change_for(found[0])
        for other in found[1:]:
            change = self.change_for(other)
            if (change.author, change.date) != (first.author, first.date):
                return None
        return first

    def _box(
        self,
        node: _Node,
        container: Any,
        ctx: _Ctx,
        *,
        fill: str | None,
        left: tuple[str, int] | None,
        after_mm: float,
        before_mm: float,
    ) -> list[Any]:
        """An aside as a one-cell table: shaded with a rule on the left (help) or boxed (legend)."""
        from docx.shared import Twips

        prev = self.w.last
        if before_mm and prev is not None:
            # A table has no space above it of its own: widen the gap under what comes before.
            current = prev.paragraph_format.space_after
            want = Twips(round(before_mm * TWIPS_PER_MM))
            if current is None or current < want:
                prev.paragraph_format.space_after = want
        width = self.w.text_width
        table = container.add_table(1, 1)
        tbl = table._tbl
        tblpr = _props(tbl, "w:tblPr")
        _put(tblpr, _el("w:tblW", {"w:w": str(width), "w:type": "dxa"}))
        _put(tblpr, _el("w:tblInd", {"w:w": "0", "w:type": "dxa"}))
        borders = _put(tblpr, _el("w:tblBorders"))
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            if fill is None and side not in ("insideH", "insideV"):
                borders.append(_border(f"w:{side}", RULE, 8, 0))
            elif left is not None and side == "left":
                borders.append(_border("w:left", left[0], left[1], 0))
            else:
                borders.append(_el(f"w:{side}", {"w:val": "nil"}))
        _put(tblpr, _el("w:tblLayout", {"w:type": "fixed"}))
        margins = _put(tblpr, _el("w:tblCellMar"))
        pad_lr = str(round((6 if fill else 4) * TWIPS_PER_MM))
        margins.append(_el("w:top", {"w:w": str(round((1 if fill else 2) * TWIPS_PER_MM)), "w:type": "dxa"}))
        margins.append(_el("w:left", {"w:w": pad_lr, "w:type": "dxa"}))
        margins.append(_el("w:bottom", {"w:w": str(round(2 * TWIPS_PER_MM)), "w:type": "dxa"}))
        margins.append(_el("w:right", {"w:w": pad_lr, "w:type": "dxa"}))
        for grid_col in tbl.iter(_qn("w:gridCol")):
            grid_col.set(_qn("w:w"), str(width))
        row = tbl.find(_qn("w:tr"))
        _put(_props(row, "w:trPr"), _el("w:cantSplit"))
        cell = table.cell(0, 0)
        tcpr = _props(cell._tc, "w:tcPr")
        _put(tcpr, _el("w:tcW", {"w:w": str(width), "w:type": "dxa"}))
        if fill:
            _put(tcpr, _el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": fill}))
        label = node.attrs.get("aria-label")
        if label:
            _put(tblpr, _el("w:tblDescription", {"w:val": _plain(label)[:255]}))
        placeholder = cell.paragraphs[0]._p
        made = self.flow(node, cell, ctx)
        if made:
            cell._tc.remove(placeholder)
            for para in made[:-1]:
                para.paragraph_format.keep_with_next = True
            first = made[0]
            if first.style is not None and first.style.name.startswith("Heading"):
                first.paragraph_format.space_before = self.w._twips(
                    (0.3 if ctx.legend else 0.8) * self.m.body
                )
            made[-1].paragraph_format.space_after = self.w._twips(0.3 * self.m.body)
        # A spacer after the table: the gap below the box, and never a table at the very end.
        spacer = container.add_paragraph()
        self.w.last = spacer
        spacer.paragraph_format.space_before = 0
        spacer.paragraph_format.space_after = Twips(round(after_mm * TWIPS_PER_MM))
        spacer.paragraph_format.line_spacing = 1.0
        rpr = _put(spacer._p.get_or_add_pPr(), _el("w:rPr"))
        rpr.append(_el("w:sz", {"w:val": "4"}))
        rpr.append(_el("w:szCs", {"w:val": "4"}))
        return made

    # ---- header and footer

    def running(self, root: _Node) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        section = self.w.doc.sections[0]
        draft = root.find("div", "running-draft")
        if draft is not None and _plain(draft.text()):
            header = section.header
            header.is_linked_to_previous = False
            para = header.paragraphs[0]
            para.style = self.w.doc.styles["Header"]
            para.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT  # letter.css: @top-right
            para._p.append(_run(_plain(draft.text()), _Fmt(bold=True, color=ACCENT)))
        footer = section.footer
        footer.is_linked_to_previous = False
        para = footer.paragraphs[0]
        para.style = self.w.doc.styles["Footer"]
        text_node = root.find("div", "running-footer")
        p = para._p
        if text_node is not None and _plain(text_node.text()):
            p.append(_run(_plain(text_node.text()), _Fmt()))
        tab = _el("w:r")
        tab.append(_el("w:tab"))
        p.append(tab)
        p.append(_run("Page ", _Fmt()))
        _field(p, "PAGE", "1")
        p.append(_run(" of ", _Fmt()))
        _field(p, "NUMPAGES", "1")


def _field(p: Any, instruction: str, shown: str) -> None:
    """A complex field (begin, instruction, separate, cached result, end)."""
    begin = _el("w:r")
    begin.append(_el("w:fldChar", {"w:fldCharType": "begin"}))
    instr = _el("w:r")
    text = _el("w:instrText", text=f" {instruction} \\* MERGEFORMAT ")
    text.set(_qn("xml:space"), "preserve")
    instr.append(text)
    sep = _el("w:r")
    sep.append(_el("w:fldChar", {"w:fldCharType": "separate"}))
    end = _el("w:r")
    end.append(_el("w:fldChar", {"w:fldCharType": "end"}))
    for run in (begin, instr, sep, _run(shown, _Fmt()), end):
        p.append(run)


def _meta(root: _Node) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in root.walk():
        if node.tag == "meta" and node.attrs.get("name"):
            found.setdefault(node.attrs["name"].lower(), node.attrs.get("content", ""))
        elif node.tag == "title" and "title" not in found:
            found["title"] = node.text()
    return found


def _created(value: str) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = dt.datetime.fromisoformat(value[:7] + "-01")  # a month alone: 2026-03
        except ValueError:
            return None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when


_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Template>Normal.dotm</Template><Application>letterkit</Application><DocSecurity>0</DocSecurity>"
    b"</Properties>"
)


def _deterministic(data: bytes) -> bytes:
    """The same zip with fixed timestamps (python-docx stamps each member with the time now)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = source.read(info.filename)
            if info.filename == "docProps/app.xml":
                member = _APP_XML
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, member)
    return out.getvalue()


def html_to_docx(
    html: str,
    *,
    style: str = "standard",
    changes: Mapping[str, tuple[str, dt.datetime]] | None = None,
) -> bytes:
    """letterkit's letter HTML as the bytes of a Word document (.docx).

    ``style`` is standard, large-print or easy-read (sizes and margins as styles/*.css).
    ``changes`` credits each <ins>/<del>: its ``class`` maps to ``(author, when)``; the key ""
    is the default for marks without a known class. Pass the print HTML
    (``compose.to_html(..., for_print=True)``) to get the running footer and draft label.
    """
    root = _parse(html)
    writer = _Writer(style, changes)
    writer.setup()
    convert = _Converter(writer)

    meta = _meta(root)
    props = writer.doc.core_properties
    props.title = _plain(meta.get("title", ""))[:255]
    props.author = _plain(meta.get("author", ""))[:255]
    props.last_modified_by = DEFAULT_CHANGE_AUTHOR
    props.comments = ""
    props.language = "en-GB"
    props.revision = 1
    created = _created(meta.get("dcterms.created", ""))
    if created is not None:
        props.created = created
        props.modified = _created(meta.get("dcterms.modified", "")) or created
    else:  # no date in the letter: say nothing rather than keep the template's 2013 dates
        core: Any = props._element
        for tag in ("dcterms:created", "dcterms:modified"):
            for element in core.findall(_qn(tag)):
                core.remove(element)

    body = root.find("body") or root
    convert.flow(body, writer.doc, _Ctx())
    convert.running(root)
    if writer.has_changes:
        writer.track_revisions()

    out = io.BytesIO()
    writer.doc.save(out)
    return _deterministic(out.getvalue())
