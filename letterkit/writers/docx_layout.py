"""Where each part of letterkit's letter goes in Word: the walk from ``Node`` tree to ``Writer``.

``Layout`` turns paragraphs, headings, lists, the letterhead, the help and legend boxes, the
signature and the running header and footer into Word paragraphs and tables, and credits each
``<ins>``/``<del>`` to an author and time for its tracked revision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from letterkit.writers.docx_html import BLOCK, HTML_SPACE, SKIP, Node, clean, plain
from letterkit.writers.docx_word import (
    ACCENT,
    BR,
    DEFAULT_CHANGE_AUTHOR,
    DEFAULT_CHANGE_DATE,
    DEL_FILL,
    DEL_RED,
    INS_FILL,
    INS_GREEN,
    MARK_FILL,
    MARK_RULE,
    RULE,
    SOFT,
    TWIPS_PER_MM,
    Change,
    Ctx,
    Fmt,
    Item,
    Segment,
    Writer,
    border,
    complex_field,
    el,
    props_of,
    put,
    qn,
    text_run,
    w3c,
)

__all__ = ["Layout"]


class Layout:
    def __init__(self, writer: Writer) -> None:
        self.w = writer
        self.m = writer.m

    # ---- changes

    def change_for(self, node: Node) -> Change:
        author, when = self._credit(node.attrs.get("class", "").strip())
        return Change(node.tag, clean(author)[:255] or DEFAULT_CHANGE_AUTHOR, w3c(when), id(node))

    def _credit(self, cls: str) -> tuple[str, dt.datetime]:
        changes = self.w.changes
        if cls in changes:
            return changes[cls]
        for token in cls.split():
            if token in changes:
                return changes[token]
        return changes.get("") or (DEFAULT_CHANGE_AUTHOR, DEFAULT_CHANGE_DATE)

    # ---- inline

    def inline(self, nodes: Sequence[Node | str], fmt: Fmt, ctx: Ctx, out: list[Segment]) -> None:
        for node in nodes:
            if isinstance(node, str):
                out.append((node, fmt))
                continue
            tag = node.tag
            if tag in SKIP:
                continue
            if tag == "br":
                out.append((BR, fmt))
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

    def segments(self, nodes: Sequence[Node | str], ctx: Ctx, fmt: Fmt | None = None) -> list[Segment]:
        """The runs of inline content, HTML whitespace collapsed."""
        out: list[Segment] = []
        self.inline(nodes, fmt or Fmt(), ctx, out)
        return _normalise(out)

    # ---- blocks

    def flow(self, node: Node, container: Any, ctx: Ctx) -> list[Any]:
        """The children of a block: runs of inline content become paragraphs."""
        made: list[Any] = []
        pending: list[Node | str] = []
        for child in node.children:
            if isinstance(child, str) or child.tag not in BLOCK:
                pending.append(child)
                continue
            made += self._loose(pending, container, ctx)
            pending = []
            made += self.block(child, container, ctx)
        made += self._loose(pending, container, ctx)
        return made

    def _loose(self, nodes: list[Node | str], container: Any, ctx: Ctx) -> list[Any]:
        if not nodes:
            return []
        para = self.w.paragraph(container, None, self.segments(nodes, ctx), ctx)
        return [para] if para is not None else []

    def block(self, node: Node, container: Any, ctx: Ctx) -> list[Any]:
        tag = node.tag
        if tag in SKIP or node.has_class("running-footer") or node.has_class("running-draft"):
            return []
        if node.has_class("draft-mark") or node.has_class("credit"):
            return []  # the credit is for easy read's pictures, which Word does not show
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
                para.paragraph_format.space_before = self.w.twips(0.3 * self.m.body)
            return [para] if para is not None else []
        if tag in ("ul", "ol"):
            return self._list(node, container, ctx)
        if tag == "li":  # a stray item outside a list
            return self._list(Node("ul", {}, [node]), container, ctx)
        if tag == "blockquote":
            return self.flow(node, container, replace(ctx, quote=ctx.quote + 1))
        if tag == "hr":
            para = container.add_paragraph()
            pbdr = put(para._p.get_or_add_pPr(), el("w:pBdr"))
            pbdr.append(border("w:bottom", RULE, 6, 1))
            return [para]
        if tag == "header" and node.has_class("letterhead"):
            made = self.flow(node, container, ctx)
            if made:
                ppr = made[-1]._p.get_or_add_pPr()
                pbdr = put(ppr, el("w:pBdr"))
                pbdr.append(border("w:bottom", ACCENT, 12, 6))
                made[-1].paragraph_format.space_after = self.w.twips(6 * 72 / 25.4)
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
                made[0].paragraph_format.space_before = self.w.twips(1.2 * self.m.body)
                if len(made) > 1:
                    made[0].paragraph_format.space_after = self.w.twips(2.2 * self.m.body)
            return made
        return self.flow(node, container, ctx)

    def _p(self, node: Node, container: Any, ctx: Ctx) -> list[Any]:
        styles = {
            "service-name": "Service Name",
            "service-contact": "Service Contact",
            "confidential": "Confidential",
            "draft-note": "Draft Note",
            "date": "Letter Date",
        }
        style = next((styles[c] for c in node.classes if c in styles), None)
        fmt = Fmt()
        if style == "Draft Note":
            # letter.css draws the note in a box the width of its words: a run border does that.
            fmt = Fmt(box=(ACCENT, 12))
        para = self.w.paragraph(container, style, self.segments(node.children, ctx, fmt), ctx)
        return [para] if para is not None else []

    def _list(self, node: Node, container: Any, ctx: Ctx) -> list[Any]:
        level = ctx.item.level + 1 if ctx.item is not None else 0
        level = min(level, 8)
        if node.tag == "ol":
            num_id = self.w.new_num(self.w.abstract_number, restart=True)
        else:
            num_id = self.w.bullets
        made: list[Any] = []
        items = [c for c in node.children if isinstance(c, Node)]
        for index, li in enumerate(items):
            item = Item(
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
                item.paragraphs[-1].paragraph_format.space_after = self.w.twips(after * self.m.body)
            made += item.paragraphs
        return made

    def _whole_change(self, li: Node) -> Change | None:
        """The change when all of an item's words are in <ins> (or all in <del>): one revision."""
        found: list[Node] = []

        def visit(node: Node, inside: Node | None) -> bool:
            for child in node.children:
                if isinstance(child, str):
                    if child.strip() and inside is None:
                        return False
                    if child.strip() and inside is not None and inside not in found:
                        found.append(inside)
                elif child.tag in ("ins", "del") and inside is None:
                    if not visit(child, child):
                        return False
                elif child.tag in SKIP:
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
        node: Node,
        container: Any,
        ctx: Ctx,
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
        tblpr = props_of(tbl, "w:tblPr")
        put(tblpr, el("w:tblW", {"w:w": str(width), "w:type": "dxa"}))
        put(tblpr, el("w:tblInd", {"w:w": "0", "w:type": "dxa"}))
        borders = put(tblpr, el("w:tblBorders"))
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            if fill is None and side not in ("insideH", "insideV"):
                borders.append(border(f"w:{side}", RULE, 8, 0))
            elif left is not None and side == "left":
                borders.append(border("w:left", left[0], left[1], 0))
            else:
                borders.append(el(f"w:{side}", {"w:val": "nil"}))
        put(tblpr, el("w:tblLayout", {"w:type": "fixed"}))
        margins = put(tblpr, el("w:tblCellMar"))
        pad_lr = str(round((6 if fill else 4) * TWIPS_PER_MM))
        margins.append(el("w:top", {"w:w": str(round((1 if fill else 2) * TWIPS_PER_MM)), "w:type": "dxa"}))
        margins.append(el("w:left", {"w:w": pad_lr, "w:type": "dxa"}))
        margins.append(el("w:bottom", {"w:w": str(round(2 * TWIPS_PER_MM)), "w:type": "dxa"}))
        margins.append(el("w:right", {"w:w": pad_lr, "w:type": "dxa"}))
        for grid_col in tbl.iter(qn("w:gridCol")):
            grid_col.set(qn("w:w"), str(width))
        row = tbl.find(qn("w:tr"))
        put(props_of(row, "w:trPr"), el("w:cantSplit"))
        cell = table.cell(0, 0)
        tcpr = props_of(cell._tc, "w:tcPr")
        put(tcpr, el("w:tcW", {"w:w": str(width), "w:type": "dxa"}))
        if fill:
            put(tcpr, el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": fill}))
        label = node.attrs.get("aria-label")
        if label:
            put(tblpr, el("w:tblDescription", {"w:val": plain(label)[:255]}))
        placeholder = cell.paragraphs[0]._p
        made = self.flow(node, cell, ctx)
        if made:
            cell._tc.remove(placeholder)
            for para in made[:-1]:
                para.paragraph_format.keep_with_next = True
            first = made[0]
            if first.style is not None and first.style.name.startswith("Heading"):
                first.paragraph_format.space_before = self.w.twips((0.3 if ctx.legend else 0.8) * self.m.body)
            made[-1].paragraph_format.space_after = self.w.twips(0.3 * self.m.body)
        # A spacer after the table: the gap below the box, and never a table at the very end.
        spacer = container.add_paragraph()
        self.w.last = spacer
        spacer.paragraph_format.space_before = 0
        spacer.paragraph_format.space_after = Twips(round(after_mm * TWIPS_PER_MM))
        spacer.paragraph_format.line_spacing = 1.0
        rpr = put(spacer._p.get_or_add_pPr(), el("w:rPr"))
        rpr.append(el("w:sz", {"w:val": "4"}))
        rpr.append(el("w:szCs", {"w:val": "4"}))
        return made

    # ---- header and footer

    def running(self, root: Node) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        section = self.w.doc.sections[0]
        draft = root.find("div", "running-draft")
        if draft is not None and plain(draft.text()):
            header = section.header
            header.is_linked_to_previous = False
            para = header.paragraphs[0]
            para.style = self.w.doc.styles["Header"]
            para.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT  # letter.css: @top-right
            para._p.append(text_run(plain(draft.text()), Fmt(bold=True, color=ACCENT)))
        footer = section.footer
        footer.is_linked_to_previous = False
        para = footer.paragraphs[0]
        para.style = self.w.doc.styles["Footer"]
        text_node = root.find("div", "running-footer")
        p = para._p
        if text_node is not None and plain(text_node.text()):
            p.append(text_run(plain(text_node.text()), Fmt()))
        tab = el("w:r")
        tab.append(el("w:tab"))
        p.append(tab)
        p.append(text_run("Page ", Fmt()))
        complex_field(p, "PAGE", "1")
        p.append(text_run(" of ", Fmt()))
        complex_field(p, "NUMPAGES", "1")


# --------------------------------------------------------------------------- whitespace


def _normalise(segments: Sequence[Segment]) -> list[Segment]:
    """HTML whitespace rules: runs of spaces collapse, none at a line's start or end."""
    out: list[Segment] = []
    after_space = True
    for text, fmt in segments:
        if text is BR:
            _trim_end(out)
            out.append((BR, fmt))
            after_space = True
            continue
        assert text is not None
        text = clean(HTML_SPACE.sub(" ", text))
        if after_space and text.startswith(" "):
            text = text[1:]
        if text:
            out.append((text, fmt))
            after_space = text.endswith(" ")
    _trim_end(out)
    return out


def _trim_end(out: list[Segment]) -> None:
    while out and out[-1][0] is not BR:
        text, fmt = out[-1]
        assert text is not None
        stripped = text.rstrip(" ")
        if stripped:
            out[-1] = (stripped, fmt)
            return
        out.pop()
