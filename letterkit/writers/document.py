"""What a writer is given: the letter composed once, in whichever forms the writer asks for."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from letterkit import writers
from letterkit.compose import RenderContext, Templates, to_html, to_markdown
from letterkit.compose.escaping import Span
from letterkit.compose.styling import STYLES, clamp_css, get_style, remove_urls
from letterkit.errors import LetterkitError, OptionsError, RenderError, UnknownStyleError
from letterkit.files import read_bytes
from letterkit.model import kinds
from letterkit.model.fields import FieldPath
from letterkit.model.settings import Settings

if TYPE_CHECKING:
    from letterkit.writers.history import DraftHistory
    from letterkit.writers.pdf import FontPool
    from letterkit.writers.worker import WorkerPool


class RenderOptions(BaseModel):
    """How to render a letter. The command line's defaults come from here."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str | None = Field(
        None,
        description="The output format: "
        + ", ".join(writers.FORMATS)
        + "; by default the one the output file's name means, else "
        + writers.DEFAULT_FORMAT
        + ".",
    )
    template_dir: str | None = Field(None, description="A service's own templates, tried first.")
    css: tuple[str, ...] = Field((), description="CSS files layered over the built-in style.")
    style: str | None = Field(
        None, description="standard, large-print or easy-read; default: the letter's accessibility.format."
    )
    tagged: bool = Field(True, description="Tag the PDF for screen readers (PDF/UA-1).")
    archive: bool = Field(
        False, description="PDF/A-3a for the record, with the letter's source file attached."
    )
    timeout: float | None = Field(
        60.0,
        description="Seconds a PDF or Word document may take to lay out before it is stopped "
        "(it is laid out in a worker process); None for no limit (laid out in this thread).",
    )

    def __init__(self, **options: Any) -> None:
        """Options checked as they are made: a contradiction (an archive that is not a PDF)
        or a wrong value is letterkit's own error (``OptionsError``, exit 2 at the command
        line, 400 from the server), never pydantic's."""
        try:
            super().__init__(**options)
        except ValidationError as error:
            raise _options_error(error) from None

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str | None) -> str | None:
        return None if value is None else writers.get(value).name

    @field_validator("style")
    @classmethod
    def _known_style(cls, value: str | None) -> str | None:
        if value is not None and value not in STYLES:
            raise UnknownStyleError(value, STYLES)
        return value

    @model_validator(mode="after")
    def _archive_is_a_pdf(self) -> RenderOptions:
        if self.archive and self.format not in (None, writers.PDF):
            raise OptionsError(f"an archival copy is a PDF: choose the {writers.PDF} format")
        return self

    @property
    def output_format(self) -> writers.OutputFormat:
        """The format to write: ``format``, else the default."""
        return writers.get(self.format or writers.DEFAULT_FORMAT)

    def for_output(self, output: str | os.PathLike[str] | None) -> RenderOptions:
        """These options with the format settled: ``format``, else the one ``output``'s name
        means, else the default. An output named for another format than ``format`` is
        refused (``OptionsError``), so a PDF is never written under a .docx name."""
        named = os.fspath(output) if output is not None and os.fspath(output) != "-" else None
        by_suffix = writers.for_path(named) if named else None
        if self.format is None:
            if named and PurePath(named).suffix and by_suffix is None:
                raise OptionsError(
                    f"cannot tell the format from {named!r}: choose one of {', '.join(writers.FORMATS)}",
                    "format",
                )
            chosen = by_suffix.name if by_suffix else writers.DEFAULT_FORMAT
            if self.archive and chosen != writers.PDF:
                raise OptionsError(f"an archival copy is a PDF: choose the {writers.PDF} format", "format")
            return self.model_copy(update={"format": chosen})
        if by_suffix is not None and by_suffix.name != self.format:
            wanted = writers.get(self.format)
            raise OptionsError(
                f"{named!r} is named like a {by_suffix.name} file, but the format asked for is "
                f"{wanted.name}: end the name in {wanted.suffix}, or choose the {by_suffix.name} format",
                "output",
            )
        return self


def _options_error(error: ValidationError) -> LetterkitError:
    """The first thing wrong with some render options, as letterkit's error: the error a
    validator raised itself, else an ``OptionsError`` naming the option."""
    first = error.errors()[0]
    raised = (first.get("ctx") or {}).get("error")
    if isinstance(raised, LetterkitError):
        return raised
    where = ".".join(str(part) for part in first["loc"]) or None
    return OptionsError(f"{where}: {first['msg']}" if where else first["msg"], where)


DEFAULT_OPTIONS = RenderOptions()


@dataclass(frozen=True)
class Marks:
    """A letter shown marked up: a redline, or the patient's words highlighted."""

    fields: Mapping[FieldPath, Sequence[Span]] = field(default_factory=dict)
    lists: Mapping[str, Sequence[Sequence[Span]]] = field(default_factory=dict)
    legend_html: str = ""
    authors: Mapping[str, tuple[str, dt.datetime]] | None = None
    """Word's tracked changes: each mark's class → (author, when)."""


@dataclass
class Document:
    """One render in progress. Each form (Markdown, HTML) is composed at most once."""

    context: RenderContext
    options: RenderOptions
    templates: Templates
    fonts: FontPool | None = None
    workers: WorkerPool | None = None
    """Where long work runs under a time limit (None: the shared pool)."""
    source: bytes | None = None
    source_name: str = "letter.yaml"
    marks: Marks = field(default_factory=Marks)
    history: DraftHistory | None = None
    """The saved drafts and sign-offs, for a format that records them (``OutputFormat.history``)."""
    warnings: list[str] = field(default_factory=list)
    _html: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def letter(self) -> Any:
        return self.context.letter

    @property
    def settings(self) -> Settings:
        return self.context.settings

    @property
    def style(self) -> str:
        return self.context.style

    @property
    def format(self) -> writers.OutputFormat:
        return writers.get(self.options.format or writers.DEFAULT_FORMAT)

    def markdown(self) -> str:
        return to_markdown(self.context, self.options.template_dir, self.templates)

    def html(self) -> str:
        """The whole letter as HTML: for print when the format is printed."""
        with self._lock:
            if self._html is None:
                css = self._css(self.warnings)
                self._html = to_html(
                    self.context,
                    self.options.template_dir,
                    css,
                    for_print=self.format.for_print,
                    legend_html=self.marks.legend_html,
                    warnings=self.warnings,
                    templates=self.templates,
                    break_words=self.format.name == writers.PDF,
                )
            return self._html

    def _css(self, warnings: list[str] | None = None) -> list[str]:
        css = []
        for path in self.options.css:
            clamped = clamp_css(_read_css(path), self.style, path)
            if warnings is not None:
                warnings.extend(clamped.warnings)
            if self.format.name == writers.HTML:  # a browser would fetch what PDF refuses
                clamped = remove_urls(clamped.css, path)
                if warnings is not None:
                    warnings.extend(clamped.warnings)
            css.append(clamped.css.replace("</", "<\\/"))
        return css

    def diagram_alternatives(self) -> list[str]:
        """Other ways to lay out the letter when its diagram will not sit on page 1: the
        diagram shrunk to the style's smallest text, then at the top of the pattern section.
        Empty when the letter draws no diagram (or is marked up, which never draws one)."""
        from dataclasses import replace

        from letterkit.compose.diagram import MIN_TEXT_PT  # its SVG layout loads only for a diagram

        letter = self.letter
        drawn = letter.diagram if letter.diagram is not None else kinds.get(letter.kind).diagram
        if not drawn or self.marks.fields or self.marks.lists:
            return []
        style = get_style(self.style)
        smallest = style.min_pt / MIN_TEXT_PT
        contexts = []
        if smallest < style.diagram_scale:
            contexts.append(replace(self.context, diagram_scale=smallest))
        contexts.append(replace(self.context, diagram_first=False))
        return [self._compose_html(context) for context in contexts]

    def _compose_html(self, context: RenderContext) -> str:
        return to_html(
            context,
            self.options.template_dir,
            self._css(),
            for_print=self.format.for_print,
            legend_html=self.marks.legend_html,
            warnings=[],
            templates=self.templates,
        )

    def letter_time(self) -> dt.datetime:
        """Midnight UTC on the letter's date (the first of its month for a month), else a fixed date."""
        when = self.letter.date
        if isinstance(when, str):
            when = dt.date(int(when[:4]), int(when[5:7]), 1)
        when = when or dt.date(2000, 1, 1)
        return dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)


def _read_css(path: str) -> str:
    try:
        return read_bytes(Path(path), what="CSS file").decode("utf-8")
    except UnicodeDecodeError:
        raise RenderError(f"{path}: cannot read the CSS file: it is not UTF-8 text") from None
    except OSError as error:
        raise RenderError(
            f"{path}: cannot read the CSS file: {getattr(error, 'strerror', None) or error}"
        ) from None
