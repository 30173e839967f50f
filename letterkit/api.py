"""The façade the CLI and embedding systems call: load, validate, render, schema, scaffold."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from . import compose, loading
from .errors import LetterFileError, LetterkitError, Problem, RenderError, TemplateError
from .models import KINDS, Formulation, GoodbyeLetter, json_schema
from .settings import Settings, settings_for

log = logging.getLogger(__name__)

Letter = GoodbyeLetter | Formulation
Format = Literal["md", "html", "pdf"]
FORMATS: tuple[str, ...] = ("md", "html", "pdf")
TEXT_FORMATS = frozenset({"md", "html"})


class RenderOptions(BaseModel):
    """How to render a letter. The CLI's defaults come from here."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Format = Field("md", description="md, html or pdf.")
    template_dir: str | None = Field(None, description="A service's own templates, tried first.")
    css: tuple[str, ...] = Field((), description="CSS files layered over the built-in style.")
    tagged: bool = Field(True, description="Tag the PDF for screen readers (PDF/UA structure).")


DEFAULT_OPTIONS = RenderOptions()


@dataclass(frozen=True)
class Rendered:
    """A rendered letter: ``content`` is text for md/html and bytes for pdf."""

    content: str | bytes
    format: str
    warnings: list[str] = field(default_factory=list)

    @property
    def data(self) -> bytes:
        return self.content if isinstance(self.content, bytes) else self.content.encode("utf-8")


def load(source: str | os.PathLike[str] | Mapping[str, Any]) -> Letter:
    """A validated letter from a file path, or from a dict (e.g. a web form's JSON)."""
    if isinstance(source, Mapping):
        return loading.load_data(source)
    return loading.load_file(source)


def validate(paths: Sequence[str | os.PathLike[str]]) -> list[Problem]:
    """Every problem in every file, in order; an empty list means all are valid."""
    from .errors import LetterValidationError

    problems: list[Problem] = []
    for path in paths:
        try:
            loading.load_file(path)
        except LetterValidationError as error:
            problems.extend(error.problems)
        except LetterFileError as error:
            problems.append(error.problem)
    return problems


def render_letter(
    letter: Letter,
    options: RenderOptions = DEFAULT_OPTIONS,
    *,
    settings: Settings | None = None,
    draft_label: str | None = None,
    reference: str | None = None,
) -> Rendered:
    """Render a letter to Markdown, HTML or PDF, with any warnings (e.g. a refused fetch)."""
    settings = settings or Settings()
    ctx = compose.RenderContext(letter, settings, draft_label=draft_label, reference=reference)
    template_dir = options.template_dir
    if template_dir is not None and not Path(template_dir).is_dir():
        raise TemplateError(f"{template_dir}: the template folder does not exist")
    if options.format == "md":
        return Rendered(compose.to_markdown(ctx, template_dir), "md")
    css = [_read_css(path) for path in options.css]
    html = compose.to_html(ctx, template_dir, css, for_print=options.format == "pdf")
    if options.format == "html":
        return Rendered(html, "html")
    from .pdf import html_to_pdf

    pdf, warnings = html_to_pdf(html, assets=settings.files, tagged=options.tagged)
    for warning in warnings:
        log.warning(warning)
    return Rendered(pdf, "pdf", warnings)


def render(
    letter: Letter,
    format: Format = "md",
    *,
    settings: Settings | None = None,
    template_dir: str | None = None,
    css: Sequence[str] = (),
) -> str | bytes:
    """Render a letter; returns text for md and html, bytes for pdf."""
    options = RenderOptions(format=format, template_dir=template_dir, css=tuple(css))
    return render_letter(letter, options, settings=settings).content


def _read_css(path: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RenderError(
            f"{path}: cannot read the CSS file: {getattr(error, 'strerror', None) or error}"
        ) from None
    # The CSS sits inside <style>: it must not be able to close that element.
    return text.replace("</", "<\\/")


def schema(kind: str) -> str:
    """The JSON Schema of one document kind, as indented JSON text."""
    if kind not in KINDS:
        raise LetterkitError(f"unknown kind {kind!r}: choose goodbye-letter or formulation")
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def scaffold(kind: str) -> str:
    """A commented YAML letter to start from, explaining each section."""
    if kind not in KINDS:
        raise LetterkitError(f"unknown kind {kind!r}: choose goodbye-letter or formulation")
    return (compose.templates_dir() / "scaffolds" / f"{kind}.yaml").read_text(encoding="utf-8")


__all__ = [
    "DEFAULT_OPTIONS",
    "FORMATS",
    "Letter",
    "RenderOptions",
    "Rendered",
    "load",
    "render",
    "render_letter",
    "scaffold",
    "schema",
    "settings_for",
    "validate",
]
