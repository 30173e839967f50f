"""The pieces of a Word document below the writer: letterkit's print style as Word's colours and
page metrics, OOXML helpers that put properties in schema order (Word refuses a file that does
not), runs of formatted text with tracked revisions, fields, and a deterministic package.

python-docx is imported lazily (see ``letterkit.writers.docx_word``).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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


def qn(tag: str) -> str:
    from docx.oxml.ns import qn as docx_qn

    return docx_qn(tag)


def el(tag: str, attrs: Mapping[str, str] | None = None, text: str | None = None) -> Any:
    """A new OOXML element: ``el("w:sz", {"w:val": "24"})``."""
    from docx.oxml import OxmlElement

    element: Any = OxmlElement(tag, {qn(k): v for k, v in (attrs or {}).items()})
    if text is not None:
        element.text = text
    return element


def _local(element: Any) -> str:
    return str(element.tag).rsplit("}", 1)[-1]


def _child(parent: Any, tag: str) -> Any:
    return parent.find(qn(tag))


def put(parent: Any, child: Any) -> Any:
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


def props_of(element: Any, tag: str) -> Any:
    """The w:pPr / w:rPr / w:tblPr / w:tcPr / w:trPr first child of ``element``, made if missing."""
    props = _child(element, tag)
    if props is None:
        props = el(tag)
        element.insert(0, props)
    return props


def _style_ppr(st: Any) -> Any:
    """A w:style's w:pPr, made if missing: after the names and flags, before w:rPr."""
    ppr = _child(st, "w:pPr")
    if ppr is None:
        ppr = el("w:pPr")
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
    return el("w:rFonts", {"w:ascii": FONT, "w:hAnsi": FONT, "w:cs": FONT, "w:eastAsia": FONT})


def border(tag: str, color: str, eighths: int, space: int = 4, val: str = "single") -> Any:
    return el(tag, {"w:val": val, "w:sz": str(eighths), "w:space": str(space), "w:color": color})


def w3c(when: dt.datetime) -> str:
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- runs


@dataclass(frozen=True)
class Change:
    kind: str  # "ins" or "del"
    author: str
    date: str
    source: int  # id() of the HTML element: one revision per element


@dataclass(frozen=True)
class Fmt:
    bold: bool = False
    color: str | None = None
    strike: bool = False
    fill: str | None = None
    box: tuple[str, int] | None = None  # colour, width in eighths of a point
    double_rule: str | None = None
    size: float | None = None
    change: Change | None = None


BR = None
Segment = tuple[str | None, Fmt]  # text, or BR for a line break


def text_run(text: str | None, fmt: Fmt) -> Any:
    """One ``w:r``: the text (or a line break for ``BR``) with its formatting."""
    run = el("w:r")
    rpr = el("w:rPr")
    if fmt.bold:
        put(rpr, el("w:b"))
        put(rpr, el("w:bCs"))
    if fmt.strike:
        put(rpr, el("w:strike"))
    if fmt.color:
        put(rpr, el("w:color", {"w:val": fmt.color}))
    if fmt.size:
        put(rpr, el("w:sz", {"w:val": _half_points(fmt.size)}))
        put(rpr, el("w:szCs", {"w:val": _half_points(fmt.size)}))
    if fmt.double_rule:
        put(rpr, el("w:u", {"w:val": "double", "w:color": fmt.double_rule}))
    if fmt.box:
        put(rpr, border("w:bdr", fmt.box[0], fmt.box[1], 1))
    if fmt.fill:
        put(rpr, el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": fmt.fill}))
    if len(rpr):
        run.append(rpr)
    deleted = fmt.change is not None and fmt.change.kind == "del"
    if text is BR:
        run.append(el("w:br"))
    else:
        t = el("w:delText" if deleted else "w:t", text=text)
        t.set(qn("xml:space"), "preserve")
        run.append(t)
    return run


def complex_field(p: Any, instruction: str, shown: str) -> None:
    """A complex field (begin, instruction, separate, cached result, end)."""
    begin = el("w:r")
    begin.append(el("w:fldChar", {"w:fldCharType": "begin"}))
    instr = el("w:r")
    text = el("w:instrText", text=f" {instruction} \\* MERGEFORMAT ")
    text.set(qn("xml:space"), "preserve")
    instr.append(text)
    sep = el("w:r")
    sep.append(el("w:fldChar", {"w:fldCharType": "separate"}))
    end = el("w:r")
    end.append(el("w:fldChar", {"w:fldCharType": "end"}))
    for run in (begin, instr, sep, text_run(shown, Fmt()), end):
        p.append(run)


_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Template>Normal.dotm</Template><Application>letterkit</Application><DocSecurity>0</DocSecurity>"
    b"</Properties>"
)


def deterministic(data: bytes) -> bytes:
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
