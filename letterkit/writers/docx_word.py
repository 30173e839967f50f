"""The Word side of ``html_to_docx``: a python-docx document built to letterkit's print style.

``Writer`` sets up the page, styles and list numbering for one style (standard, large-print,
easy-read), and writes paragraphs of runs, with ``<ins>``/``<del>`` as tracked revisions. The
OOXML helpers put properties in schema order, since Word refuses a file that does not. It knows
nothing of HTML: ``docx_layout`` decides what goes where. python-docx is imported lazily.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from letterkit.writers.docx_ooxml import (
    _METRICS,
    A4_TWIPS,
    ACCENT,
    BR,
    DEFAULT_CHANGE_AUTHOR,
    DEFAULT_CHANGE_DATE,
    DEL_FILL,
    DEL_RED,
    FONT,
    INK,
    INS_FILL,
    INS_GREEN,
    MARK_FILL,
    MARK_RULE,
    RULE,
    SOFT,
    TWIPS_PER_MM,
    Change,
    Fmt,
    Segment,
    _child,
    _fonts,
    _half_points,
    _local,
    _style_ppr,
    _twips,
    border,
    complex_field,
    deterministic,
    el,
    props_of,
    put,
    qn,
    text_run,
    w3c,
)

__all__ = [
    "A4_TWIPS",
    "ACCENT",
    "BR",
    "Change",
    "Ctx",
    "DEFAULT_CHANGE_AUTHOR",
    "DEFAULT_CHANGE_DATE",
    "DEL_FILL",
    "DEL_RED",
    "FONT",
    "Fmt",
    "INK",
    "INS_FILL",
    "INS_GREEN",
    "Item",
    "MARK_FILL",
    "MARK_RULE",
    "RULE",
    "SOFT",
    "Segment",
    "TWIPS_PER_MM",
    "Writer",
    "border",
    "complex_field",
    "deterministic",
    "el",
    "props_of",
    "put",
    "qn",
    "text_run",
    "w3c",
]


# --------------------------------------------------------------------------- the writer


@dataclass(frozen=True)
class Ctx:
    """Where a block is: in the legend (marks stay formatting), in a list item, in the signature."""

    legend: bool = False
    item: Item | None = None
    quote: int = 0
    size: float | None = None


@dataclass
class Item:
    num_id: int
    level: int
    ordered: bool = False
    first: bool = True
    mark: Change | None = None  # a whole inserted or deleted item: its paragraph marks too
    paragraphs: list[Any] = field(default_factory=list)


class Writer:
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
        for italic in [*styles.iter(qn("w:i")), *styles.iter(qn("w:iCs"))]:
            italic.getparent().remove(italic)
        for fonts in list(styles.iter(qn("w:rFonts"))):
            fonts.getparent().replace(fonts, _fonts())
        for lang in styles.iter(qn("w:lang")):
            lang.set(qn("w:val"), "en-GB")
        defaults = styles.find(qn("w:docDefaults"))
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        put(rpr, el("w:sz", {"w:val": _half_points(b)}))
        put(rpr, el("w:szCs", {"w:val": _half_points(b)}))
        ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
        put(ppr, self._spacing(0, self.m.p_after * b))

        normal = self._style("Normal", "paragraph")
        self._style_run(normal, size=b, color=INK)
        put(_style_ppr(normal), self._spacing(0, self.m.p_after * b))
        put(_style_ppr(normal), el("w:jc", {"w:val": "left"}))

        for level, em in ((1, 1.5), (2, self.m.h2), (3, 1.1)):
            size = round(b * em * 2) / 2
            heading = self._style(f"Heading {level}", "paragraph")
            self._style_run(heading, size=size, color=ACCENT, bold=True)
            ppr = _style_ppr(heading)
            before = self.m.h2_before * size
            put(ppr, self._spacing(before, 0.5 * size, 1.2))
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
            put(ppr, el("w:tabs"))
            _child(ppr, "w:tabs").append(el("w:tab", {"w:val": "right", "w:pos": str(self.text_width)}))
            put(
                ppr,
                el("w:spacing", {"w:before": "0", "w:after": "0", "w:line": "240", "w:lineRule": "auto"}),
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
                    num_pr = put(ppr, el("w:numPr"))
                    num_pr.append(el("w:ilvl", {"w:val": "0"}))
                    num_pr.append(el("w:numId", {"w:val": str(self.bullets)}))

        mm = 72 / 25.4
        service = round(b * self.m.service * 2) / 2
        self._add_style("Service Name", size=service, color=ACCENT, bold=True, after=1 * mm, line=1.15)
        self._add_style("Service Contact", after=0)
        self._add_style("Confidential", bold=True, after=4 * mm)
        self._add_style("Draft Note", bold=True, color=ACCENT)
        self._add_style("Letter Date", after=6 * mm)
        self._add_style("Signature")

    def _spacing(self, before: float, after: float, line: float | None = None) -> Any:
        return el(
            "w:spacing",
            {
                "w:before": _twips(before),
                "w:after": _twips(after),
                "w:line": str(round(240 * (line or self.m.line))),
                "w:lineRule": "auto",
            },
        )

    def _style(self, name: str, kind: str, missing_ok: bool = False) -> Any:
        for st in self.doc.styles.element.findall(qn("w:style")):
            name_el = _child(st, "w:name")
            if st.get(qn("w:type")) == kind and name_el is not None:
                if name_el.get(qn("w:val")).lower() == name.lower():
                    return st
        if missing_ok:
            return None
        raise LookupError(name)  # pragma: no cover - the built-in template has them all

    def _style_run(self, st: Any, *, size: float, color: str, bold: bool = False) -> None:
        old = _child(st, "w:rPr")
        if old is not None:
            st.remove(old)
        rpr = el("w:rPr")
        put(rpr, _fonts())
        if bold:
            put(rpr, el("w:b"))
            put(rpr, el("w:bCs"))
        put(rpr, el("w:color", {"w:val": color}))
        put(rpr, el("w:sz", {"w:val": _half_points(size)}))
        put(rpr, el("w:szCs", {"w:val": _half_points(size)}))
        put(rpr, el("w:lang", {"w:val": "en-GB"}))
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
        put(_style_ppr(element), spacing)
        self._style_run(element, size=size or self.m.body, color=color, bold=bold)

    def _numbering(self) -> None:
        """One bullet list definition (•, then –) and one numbered, with indents for the body size."""
        numbering = self.doc.part.numbering_part.element
        self.numbering = numbering
        ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
        nums = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
        self._abstract_bullet = max(ids, default=0) + 1
        self.abstract_number = self._abstract_bullet + 1
        self._next_num = max(nums, default=0) + 1
        step = round(self.m.body * 1.4 * 20)
        hang = round(self.m.body * 1.1 * 20)
        for abstract_id, kind in ((self._abstract_bullet, "bullet"), (self.abstract_number, "decimal")):
            abstract = el("w:abstractNum", {"w:abstractNumId": str(abstract_id)})
            abstract.append(el("w:nsid", {"w:val": f"{0x4C4B0000 + abstract_id:08X}"}))
            abstract.append(el("w:multiLevelType", {"w:val": "hybridMultilevel"}))
            for level in range(9):
                lvl = el("w:lvl", {"w:ilvl": str(level)})
                lvl.append(el("w:start", {"w:val": "1"}))
                lvl.append(el("w:numFmt", {"w:val": kind}))
                text = ("•" if level % 2 == 0 else "–") if kind == "bullet" else f"%{level + 1}."
                lvl.append(el("w:lvlText", {"w:val": text}))
                lvl.append(el("w:lvlJc", {"w:val": "left"}))
                ppr = el("w:pPr")
                ppr.append(el("w:ind", {"w:left": str(step * (level + 1)), "w:hanging": str(hang)}))
                lvl.append(ppr)
                rpr = el("w:rPr")
                put(rpr, _fonts())
                lvl.append(rpr)
                abstract.append(lvl)
            first_num = numbering.find(qn("w:num"))
            if first_num is not None:
                first_num.addprevious(abstract)
            else:
                numbering.append(abstract)
        self.bullets = self.new_num(self._abstract_bullet)

    def new_num(self, abstract_id: int, restart: bool = False) -> int:
        num_id = self._next_num
        self._next_num += 1
        num = el("w:num", {"w:numId": str(num_id)})
        num.append(el("w:abstractNumId", {"w:val": str(abstract_id)}))
        if restart:
            override = el("w:lvlOverride", {"w:ilvl": "0"})
            override.append(el("w:startOverride", {"w:val": "1"}))
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
            lang.set(qn("w:val"), "en-GB")
        for compat in settings.iter(qn("w:compatSetting")):
            if compat.get(qn("w:name")) == "compatibilityMode":
                compat.set(qn("w:val"), "15")

    def track_revisions(self) -> None:
        """Switch on Track Changes, so that the patient's edits to a redline are tracked too."""
        settings = self.doc.settings.element
        if _child(settings, "w:trackRevisions") is not None:
            return
        anchor = _child(settings, "w:defaultTabStop")
        if anchor is not None:
            anchor.addprevious(el("w:trackRevisions"))

    # ---- paragraphs

    def paragraph(self, container: Any, style: str | None, segments: Sequence[Segment], ctx: Ctx) -> Any:
        """A paragraph of runs, with any <ins>/<del> as revisions; None if it has no text.

        ``segments`` come with HTML whitespace already collapsed (``docx_layout``).
        """
        if not any(text for text, _ in segments if text is not BR):
            return None
        para = container.add_paragraph(style=style)
        self.last = para
        p = para._p
        wrapper: Any = None
        current: Change | None = None
        for text, fmt in segments:
            if ctx.size and not fmt.size:
                fmt = replace(fmt, size=ctx.size)
            run = text_run(text, fmt)
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
            para.paragraph_format.left_indent = self.twips(self.m.body * 1.4 * ctx.quote)
        return para

    def _revision(self, change: Change) -> Any:
        self.has_changes = True
        element = el(
            f"w:{change.kind}", {"w:id": str(self.next_id), "w:author": change.author, "w:date": change.date}
        )
        self.next_id += 1
        return element

    def twips(self, pt: float) -> Any:
        from docx.shared import Twips

        return Twips(round(pt * 20))

    def _list_paragraph(self, para: Any, item: Item) -> None:
        from docx.shared import Twips

        ppr = para._p.get_or_add_pPr()
        if item.first:
            para.style = self.doc.styles["List Number" if item.ordered else "List Bullet"]
            num_pr = el("w:numPr")
            num_pr.append(el("w:ilvl", {"w:val": str(item.level)}))
            num_pr.append(el("w:numId", {"w:val": str(item.num_id)}))
            put(ppr, num_pr)
            item.first = False
        else:
            para.style = self.doc.styles["List Continue"]
            para.paragraph_format.left_indent = Twips(round(self.m.body * 1.4 * 20) * (item.level + 1))
        para.paragraph_format.space_after = self.twips(0.35 * self.m.body)
        if item.mark is not None:
            rpr = put(ppr, el("w:rPr"))
            rpr.append(self._revision(item.mark))
        item.paragraphs.append(para)
