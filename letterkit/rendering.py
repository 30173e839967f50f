"""The renderer: a letter, through compose, to one of the output formats.

A ``Renderer`` keeps what is expensive to build between renders: compiled templates and
WeasyPrint's font configurations, and the worker processes that lay out a PDF or a Word
document under a time limit (``letterkit.writers.worker``: the shared pool unless it is given
its own). The caller holds it (the command line for one command, each batch worker, a web server
for its lifetime); the module-level functions of the API use ``shared_renderer()``. It is safe
to share between threads.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from letterkit import writers
from letterkit.compose import RenderContext, Templates
from letterkit.compose.styling import STANDARD, get_style
from letterkit.errors import OptionsError, TemplateError
from letterkit.model.schema import LetterBase
from letterkit.model.settings import Settings
from letterkit.writers.document import DEFAULT_OPTIONS, Document, Marks, RenderOptions

if TYPE_CHECKING:
    from letterkit.writers.history import DraftHistory
    from letterkit.writers.pdf import FontPool
    from letterkit.writers.worker import WorkerPool

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    """A rendered letter: ``content`` is text for text formats and bytes for the others."""

    content: str | bytes
    format: str
    warnings: list[str] = field(default_factory=list)

    @property
    def data(self) -> bytes:
        return self.content if isinstance(self.content, bytes) else self.content.encode("utf-8")

    @property
    def media_type(self) -> str:
        return writers.get(self.format).media_type

    @property
    def suffix(self) -> str:
        return writers.get(self.format).suffix


class Renderer:
    """Renders letters, reusing compiled templates and loaded fonts. Thread-safe."""

    def __init__(self, *, workers: WorkerPool | None = None) -> None:
        self.templates = Templates()
        self._fonts: FontPool | None = None
        self._workers = workers
        self._lock = threading.Lock()

    @property
    def workers(self) -> WorkerPool:
        """Where a PDF or Word document with a time limit is laid out: its own pool, else the shared one."""
        if self._workers is not None:
            return self._workers
        from letterkit.writers.worker import shared_pool

        return shared_pool()

    @property
    def fonts(self) -> FontPool:
        """WeasyPrint's font configurations, made on the first PDF (so other formats never import it)."""
        with self._lock:
            if self._fonts is None:
                from letterkit.writers.pdf import FontPool

                self._fonts = FontPool()
            return self._fonts

    def render(
        self,
        letter: LetterBase,
        options: RenderOptions = DEFAULT_OPTIONS,
        *,
        settings: Settings | None = None,
        draft_label: str | None = None,
        reference: str | None = None,
        source: bytes | None = None,
        source_name: str = "letter.yaml",
        marks: Marks | None = None,
        patients_own: frozenset[tuple[str | int, ...]] = frozenset(),
        history: DraftHistory | None = None,
    ) -> Rendered:
        """Render a letter in ``options.format``, with any warnings (e.g. a refused fetch).

        ``source`` is the letter file's bytes, attached to an archival PDF (``options.archive``);
        without it the letter's data is attached as JSON. ``marks`` shows the letter marked up
        (a redline, the patient's words), in a format that can show marks. ``patients_own``
        are the fields holding words the patient wrote: never changed to fit a frame.
        ``history``: the letter's saved drafts and sign-offs, for a format that records them.
        """

        output = options.output_format
        marks = marks or Marks()
        if (marks.fields or marks.lists) and not output.marked:
            raise OptionsError(
                f"a marked-up letter can be {', '.join(writers.names(marked=True))}, not {output.name}"
            )
        if options.template_dir is not None and not Path(options.template_dir).is_dir():
            raise TemplateError(f"{options.template_dir}: the template folder does not exist")
        if output.worker and options.timeout:
            self.workers.prestart(output.worker)  # its start-up overlaps composing the letter
        settings = settings or Settings()
        style = options.style or (letter.accessibility.format if letter.accessibility else STANDARD)
        context = RenderContext(
            letter,
            settings,
            draft_label=draft_label,
            reference=reference,
            style=style,
            marks=marks.fields,
            list_marks=marks.lists,
            patients_own=patients_own,
        )
        document = Document(
            context,
            options,
            self.templates,
            fonts=self.fonts if (output.binary or output.for_print) and not options.timeout else None,
            workers=self.workers if output.worker and options.timeout else None,
            source=source,
            source_name=source_name,
            marks=marks,
            history=history,
        )
        content = output.writer()(document)
        if get_style(style).sentence_per_line:
            from letterkit.compose.easy_read import easy_read_texts, sections_needing_text
            from letterkit.review.easy_read import easy_read_warnings

            needing = sections_needing_text(letter.model_dump(by_alias=True))
            document.warnings.extend(easy_read_warnings(easy_read_texts(letter), needing))
        for warning in document.warnings:
            log.warning(warning)
        return Rendered(content, output.name, list(document.warnings))


_shared: Renderer | None = None
_shared_lock = threading.Lock()


def shared_renderer() -> Renderer:
    """The process's default renderer, for the module-level functions: made on first use and
    then reused, so a loop of ``letterkit.render(...)`` costs what a held ``Renderer`` does."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Renderer()
        return _shared
