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

The work is in three modules: ``docx_html`` reads the HTML into a tree, ``docx_layout`` walks it
and decides what goes where, ``docx_word`` writes the Word document with python-docx.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from letterkit.errors import RenderError
from letterkit.writers.worker import shared_pool

if TYPE_CHECKING:
    from letterkit.writers.document import Document

from letterkit.writers.docx_html import meta_date, parse, plain, read_meta
from letterkit.writers.docx_layout import Layout
from letterkit.writers.docx_word import (
    DEFAULT_CHANGE_AUTHOR,
    DEFAULT_CHANGE_DATE,
    Ctx,
    Writer,
    deterministic,
    qn,
)

__all__ = ["DEFAULT_CHANGE_AUTHOR", "DEFAULT_CHANGE_DATE", "DOCX_MEDIA_TYPE", "html_to_docx"]

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
    root = parse(html)
    writer = Writer(style, changes)
    writer.setup()
    layout = Layout(writer)

    meta = read_meta(root)
    props = writer.doc.core_properties
    props.title = plain(meta.get("title", ""))[:255]
    props.author = plain(meta.get("author", ""))[:255]
    props.last_modified_by = DEFAULT_CHANGE_AUTHOR
    props.comments = ""
    props.language = "en-GB"
    props.revision = 1
    created = meta_date(meta.get("dcterms.created", ""))
    if created is not None:
        props.created = created
        props.modified = meta_date(meta.get("dcterms.modified", "")) or created
    else:  # no date in the letter: say nothing rather than keep the template's 2013 dates
        core: Any = props._element
        for tag in ("dcterms:created", "dcterms:modified"):
            for element in core.findall(qn(tag)):
                core.remove(element)

    body = root.find("body") or root
    layout.flow(body, writer.doc, Ctx())
    layout.running(root)
    if writer.has_changes:
        writer.track_revisions()

    out = io.BytesIO()
    writer.doc.save(out)
    return deterministic(out.getvalue())


def write(document: Document) -> bytes:
    """The letter as a Word document; a redline's marks become tracked changes by author.

    With a time limit (``options.timeout``) the document is written in a worker process that is
    stopped when the limit is reached, as a PDF's layout is (a redline of 40,000 changes takes
    python-docx over a minute)."""
    html = document.html()
    authors = dict(document.marks.authors) if document.marks.authors is not None else None
    timeout = document.options.timeout
    if not timeout:
        return html_to_docx(html, style=document.style, changes=authors)

    data: bytes = (document.workers or shared_pool()).run(
        f"{__name__}:docx_job",
        html,
        prepare=__name__,
        timeout=timeout,
        error=lambda: RenderError(
            f"the Word document took longer than {timeout:g} seconds to write and was stopped "
            "— is the letter unusually long?"
        ),
        style=document.style,
        changes=authors,
    )
    return data


def prepare_worker() -> None:
    """In a worker process, before its first job: import python-docx."""
    import docx  # noqa: F401


def docx_job(
    html: str,
    *,
    ask: Any,
    style: str,
    changes: Mapping[str, tuple[str, dt.datetime]] | None,
) -> bytes:
    """In a worker process: ``html_to_docx``."""
    return html_to_docx(html, style=style, changes=changes)
