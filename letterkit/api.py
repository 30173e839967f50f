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

import letterkit.compose.letter as compose
import letterkit.model.loading as loading
from letterkit.errors import (
    LetterFileError,
    LetterkitError,
    LetterNotFoundError,
    Problem,
    RenderError,
    TemplateError,
)
from letterkit.model.schema import KINDS, Formulation, GoodbyeLetter, json_schema
from letterkit.model.settings import Settings, settings_for
from letterkit.resources import templates_dir

log = logging.getLogger(__name__)

Letter = GoodbyeLetter | Formulation
Format = Literal["md", "html", "pdf", "docx"]
Style = Literal["standard", "large-print", "easy-read"]
FORMATS: tuple[str, ...] = ("md", "html", "pdf", "docx")
TEXT_FORMATS = frozenset({"md", "html"})


class RenderOptions(BaseModel):
    """How to render a letter. The CLI's defaults come from here."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Format = Field("md", description="md, html or pdf.")
    template_dir: str | None = Field(None, description="A service's own templates, tried first.")
    css: tuple[str, ...] = Field((), description="CSS files layered over the built-in style.")
    style: Style | None = Field(
        None, description="standard, large-print or easy-read; default: the letter's accessibility.format."
    )
    tagged: bool = Field(True, description="Tag the PDF for screen readers (PDF/UA-1).")
    archive: bool = Field(
        False, description="PDF/A-3a for the record, with the letter's source file attached."
    )
    timeout: float | None = Field(
        60.0, description="Seconds a PDF may take to lay out before it is stopped; None for no limit."
    )


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
    """Every problem in every file (or saved draft, FILE@N), in order; empty if all are valid."""
    from letterkit.drafts.store import HistoryError
    from letterkit.errors import LetterValidationError

    problems: list[Problem] = []
    for path in paths:
        try:
            open_letter(path)  # FILE, or a saved draft FILE@N
        except HistoryError as error:
            problems.append(Problem(os.fspath(path), None, "", str(error).split(": ", 1)[-1]))
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
    source: bytes | None = None,
    source_name: str = "letter.yaml",
) -> Rendered:
    """Render a letter to Markdown, HTML or PDF, with any warnings (e.g. a refused fetch).

    ``source`` is the letter file's bytes, attached to an archival PDF (``options.archive``);
    without it the letter's data is attached as JSON.
    """
    from letterkit.compose.styling import clamp_css

    settings = settings or Settings()
    style = options.style or (letter.accessibility.format if letter.accessibility else "standard")
    ctx = compose.RenderContext(letter, settings, draft_label=draft_label, reference=reference, style=style)
    template_dir = options.template_dir
    if template_dir is not None and not Path(template_dir).is_dir():
        raise TemplateError(f"{template_dir}: the template folder does not exist")
    if options.format == "md":
        return Rendered(compose.to_markdown(ctx, template_dir), "md")
    warnings: list[str] = []
    css = []
    for path in options.css:
        clamped = clamp_css(_read_css(path), style, path)
        warnings.extend(clamped.warnings)
        css.append(clamped.css.replace("</", "<\\/"))
    html = compose.to_html(
        ctx, template_dir, css, for_print=options.format in ("pdf", "docx"), warnings=warnings
    )
    if options.format == "html":
        return Rendered(html, "html", warnings)
    if options.format == "docx":
        from letterkit.writers.docx import html_to_docx

        return Rendered(html_to_docx(html, style=style), "docx", warnings)
    from letterkit.writers.pdf import html_to_pdf

    attachments = []
    if options.archive:
        if source is None:
            source = json.dumps(letter.model_dump(mode="json", by_alias=True), indent=2).encode()
            source_name = "letter.json"
        attachments.append((source_name, source))
    pdf, pdf_warnings = html_to_pdf(
        html,
        assets=settings.files,
        tagged=options.tagged,
        variant="pdf/a-3a" if options.archive else ("pdf/ua-1" if options.tagged else None),
        attachments=attachments,
        timeout=options.timeout,
        attachment_time=_letter_time(letter),
    )
    warnings.extend(pdf_warnings)
    for warning in warnings:
        log.warning(warning)
    return Rendered(pdf, "pdf", warnings)


def _letter_time(letter: Letter) -> Any:
    """Midnight UTC on the letter's date (the first of its month for a month), else a fixed date."""
    import datetime as dt

    when = letter.date
    if isinstance(when, str):
        when = dt.date(int(when[:4]), int(when[5:7]), 1)
    when = when or dt.date(2000, 1, 1)
    return dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)


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
    return text


def schema(kind: str) -> str:
    """The JSON Schema of one document kind, as indented JSON text."""
    if kind not in KINDS:
        raise LetterkitError(f"unknown kind {kind!r}: choose goodbye-letter or formulation")
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def scaffold(kind: str) -> str:
    """A commented YAML letter to start from, explaining each section."""
    if kind not in KINDS:
        raise LetterkitError(f"unknown kind {kind!r}: choose goodbye-letter or formulation")
    return (templates_dir() / "scaffolds" / f"{kind}.yaml").read_text(encoding="utf-8")


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


# --------------------------------------------------------------------------- drafts, diffs, contributions


@dataclass(frozen=True)
class Opened:
    """A letter read from a file or a saved draft (``FILE@N``)."""

    letter: Letter
    revision: Any
    content: bytes

    @property
    def label(self) -> str:
        return str(self.revision.label)


def open_letter(spec: str | os.PathLike[str]) -> Opened:
    """Read ``FILE``, ``FILE@N``, ``FILE@latest`` or ``FILE@<hash>`` as a validated letter."""
    from letterkit.drafts.store import resolve

    revision = resolve(os.fspath(spec))
    content = revision.content()
    text = loading.decode(content, revision.label)
    return Opened(loading.load_text(text, revision.label), revision, content)


def draft_label(opened: Opened) -> str | None:
    """'Draft 2 · 14 March 2026' for a saved draft of a letter still in draft; else None."""
    draft = opened.revision.draft
    if draft is None or opened.letter.status != "draft":
        return None
    return f"Draft {draft.number} · {compose.long_date(draft.date)}"


def reference(opened: Opened) -> str | None:
    """The short hash that ties a printed letter to its saved history, if it has one."""
    import hashlib

    from letterkit.drafts.store import drafts

    if opened.revision.draft is not None:
        return str(opened.revision.draft.short)
    history = drafts(opened.revision.file)
    if not history:
        return None
    latest = history[-1]
    if hashlib.sha256(opened.content).hexdigest() == latest.content_sha256:
        return latest.short
    return f"{latest.short}, changed since"


def history(path: str | os.PathLike[str]) -> list[Any]:
    """The saved drafts of a letter, oldest first."""
    from letterkit.drafts.store import drafts

    return drafts(path)


def save_draft(path: str | os.PathLike[str], role: str, name: str = "", note: str = "") -> Any:
    """Save the letter file as its next draft (a no-op if nothing changed)."""
    from letterkit.drafts.store import save

    return save(path, role, name, note)


def verify_history(path: str | os.PathLike[str]) -> list[str]:
    """Problems with a letter's draft history; empty when it is intact."""
    from letterkit.drafts.store import verify

    return verify(path)


def diff(a: str | os.PathLike[str] | Letter, b: str | os.PathLike[str] | Letter) -> Any:
    """The section-aware difference between two letters or revisions (``FILE@N``).

    Between two drafts of one letter, each change is credited to the draft that made it.
    """
    from letterkit.diffs.core import diff_data, letter_data

    if isinstance(a, (GoodbyeLetter, Formulation)) and isinstance(b, (GoodbyeLetter, Formulation)):
        return diff_data(letter_data(a), letter_data(b))
    if isinstance(a, (GoodbyeLetter, Formulation)) or isinstance(b, (GoodbyeLetter, Formulation)):
        raise LetterkitError("diff takes two letters or two file names, not one of each")
    first, second = open_letter(a), open_letter(b)
    result = diff_data(letter_data(first.letter), letter_data(second.letter), first.label, second.label)
    return _credit_changes(result, first, second)


def _credit_changes(result: Any, first: Opened, second: Opened) -> Any:
    """Credit each change between two saved drafts of one letter to the draft that made it.

    A text field's change goes to the last draft in between that changed that field; a list
    item goes to the first draft that had it (added) or lacked it (removed), found by content,
    so that items shifting position keep their author. Unsaved edits are credited to no one.
    """
    from dataclasses import replace as dc_replace

    from letterkit.diffs.core import diff_data, letter_data
    from letterkit.drafts.store import drafts

    da, db = first.revision.draft, second.revision.draft
    if da is None or db is None or first.revision.file != second.revision.file:
        return result
    history = drafts(second.revision.file)
    lo, hi = sorted((da.number, db.number))
    versions = [
        (d, letter_data(open_letter(f"{second.revision.file}@{d.number}").letter))
        for d in history[lo - 1 : hi]
    ]
    touched: dict[str, Any] = {}
    for (_, before), (draft, after) in zip(versions, versions[1:], strict=False):
        for change in diff_data(before, after).changes:
            touched[change.path] = draft
    credited = []
    for change in result.changes:
        draft = _list_credit(change, versions) or touched.get(change.path) or db
        credited.append(dc_replace(change, author=f"{draft.role} {draft.name}".strip(), draft=draft.number))
    return dc_replace(result, changes=tuple(credited))


def _list_credit(change: Any, versions: Sequence[tuple[Any, dict[str, Any]]]) -> Any:
    """For a list item: the first later draft whose list has it (or, if removed, lacks it)."""
    import re

    match = re.fullmatch(r"(\w+)\[\d+\]", change.path)
    if not match or change.op not in ("added", "removed", "moved", "changed"):
        return None
    field = match.group(1)
    wanted = change.old if change.op == "removed" else change.new
    for draft, data in versions[1:]:
        present = wanted in (data.get(field) or [])
        if present != (change.op == "removed"):
            return draft
    return None


def contributions(path: str | os.PathLike[str]) -> Any:
    """Who wrote which words of the latest draft, and what the patient changed."""
    from letterkit.diffs.core import letter_data
    from letterkit.drafts.attribution import DraftInfo
    from letterkit.drafts.attribution import contributions as credit
    from letterkit.drafts.store import drafts
    from letterkit.errors import LetterkitError as _Error

    saved = drafts(path)
    if not saved:
        raise _Error(f"{os.fspath(path)}: has no saved drafts yet (save one with `letterkit draft save`)")
    history = []
    for draft in saved:
        info = DraftInfo(draft.number, draft.role, draft.name, draft.short, draft.time)
        history.append((info, letter_data(open_letter(f"{os.fspath(path)}@{draft.number}").letter)))
    return credit(os.fspath(path), history)


def render_redline(
    a: str | os.PathLike[str],
    b: str | os.PathLike[str],
    format: Format = "pdf",
    *,
    settings: Settings | None = None,
) -> Rendered:
    """The whole letter ``b`` with every change from ``a`` marked, and a legend of who made each."""
    from letterkit.diffs.core import dotted, letter_data, redline_marks

    first, second = open_letter(a), open_letter(b)
    changes = diff(a, b)
    marks, lists = redline_marks(letter_data(first.letter), letter_data(second.letter))
    # Tag each marked field with the draft that changed it, so Word can name the author.
    by_path = {c.path: c for c in changes.changes if c.draft is not None}
    marks = {path: _tag_spans(spans, _change_for(dotted(path), by_path)) for path, spans in marks.items()}
    lists = {
        name: [_tag_spans(item, _change_for(name, by_path)) for item in items]
        for name, items in lists.items()
    }
    authors = {f"d{c.draft}": (c.author or "", _draft_time(second, c.draft)) for c in by_path.values()}
    lines = [
        f"{c.path}: {c.op}" + (f" by {c.author} in draft {c.draft}" if c.author else "")
        for c in changes.changes
    ]
    legend = compose.legend_html(
        f"Changes from {first.label} to {second.label}",
        lines or ["No changes."],
        ["<ins>Inserted words are bold, in a box.</ins>", "<del>Deleted words are struck through.</del>"],
    )
    return _render_marked(
        second, format, marks, lists, legend, settings or settings_for(second.revision.file), authors
    )


def _change_for(path: str, by_path: Mapping[str, Any]) -> Any:
    """The credited change at ``path``, or the latest one inside it (for whole lists)."""
    if path in by_path:
        return by_path[path]
    inside = [c for p, c in by_path.items() if p.startswith(path + "[") or p.startswith(path + ".")]
    return max(inside, key=lambda c: c.draft) if inside else None


def _tag_spans(spans: Sequence[tuple[str, str | None]], change: Any) -> list[tuple[str, str | None]]:
    if change is None:
        return list(spans)
    return [(text, f"{tag}.d{change.draft}" if tag else None) for text, tag in spans]


def _draft_time(opened: Opened, number: int | None) -> Any:
    import datetime as dt

    from letterkit.drafts.store import drafts

    for draft in drafts(opened.revision.file):
        if draft.number == number:
            return dt.datetime.fromisoformat(draft.time)
    return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def render_contributions(
    path: str | os.PathLike[str], format: Format = "html", *, settings: Settings | None = None
) -> Rendered:
    """The latest draft with the patient's own words highlighted."""
    credit = contributions(path)
    latest = open_letter(f"{os.fspath(path)}@latest")
    patient_drafts = [f"draft {d.number} ({d.name or d.role})" for d in credit.drafts if d.role == "patient"]
    legend = compose.legend_html(
        "Your words in this letter",
        [],
        [
            "<mark>Words marked like this were written by the patient</mark>"
            + (f" in {', '.join(patient_drafts)}." if patient_drafts else ": none yet."),
        ],
    )
    return _render_marked(latest, format, credit.marks("patient"), {}, legend, settings or settings_for(path))


def _render_marked(
    opened: Opened,
    format: Format,
    marks: Mapping[tuple[str | int, ...], Sequence[tuple[str, str | None]]],
    lists: Mapping[str, Sequence[Sequence[tuple[str, str | None]]]],
    legend_html: str,
    settings: Settings,
    authors: Mapping[str, tuple[str, Any]] | None = None,
) -> Rendered:
    if format not in ("html", "pdf", "docx"):
        raise LetterkitError(f"a marked-up letter can be html, pdf or docx, not {format}")
    ctx = compose.RenderContext(
        opened.letter,
        settings,
        draft_label=draft_label(opened),
        reference=reference(opened),
        marks=marks,
        list_marks=lists,
    )
    html = compose.to_html(ctx, for_print=format in ("pdf", "docx"), legend_html=legend_html)
    if format == "html":
        return Rendered(html, "html")
    if format == "docx":
        from letterkit.writers.docx import html_to_docx

        return Rendered(html_to_docx(html, changes=authors), "docx")
    from letterkit.writers.pdf import html_to_pdf

    pdf, warnings = html_to_pdf(html, assets=settings.files)
    return Rendered(pdf, "pdf", warnings)


def import_edited(
    edited: str | os.PathLike[str], into: str | os.PathLike[str], role: str, name: str = "", note: str = ""
) -> tuple[Any, Any]:
    """Map an edited Markdown copy of a letter back onto its fields and save the next draft.

    Returns the import result (what changed, what could not be placed and was kept in
    ``patient_comments``) and the draft saved. The letter's current file must be saved as a
    draft first, so that nothing unsaved is overwritten.
    """
    import hashlib

    from letterkit.drafts.importing import import_markdown, merge, reference_in, to_letter_file
    from letterkit.drafts.store import drafts, save
    from letterkit.files import write_atomic

    target = os.fspath(into)
    saved = drafts(target)
    current = open_letter(target)
    if not saved or hashlib.sha256(current.content).hexdigest() != saved[-1].content_sha256:
        raise LetterkitError(
            f"{target}: has changes that are not saved as a draft; run `letterkit draft save {target}` first"
        )
    edited_text = loading.read_text(edited)
    # The copy was made from the draft its "Ref:" line names; edits are taken against that
    # draft and merged section by section onto the latest, so later drafts are not undone.
    base_draft = saved[-1]
    ref = reference_in(edited_text)
    if ref and not ref[1]:
        base_draft = next((d for d in saved if d.short == ref[0]), saved[-1])
    base = open_letter(f"{target}@{base_draft.number}")
    original = compose.to_markdown(compose.RenderContext(base.letter, settings_for(target)))
    base_data = loading.parse(loading.decode(base.content, target), target).data
    result = import_markdown(base_data, original, edited_text)
    if not result.changed and not result.unplaced:
        return result, None
    merged = result.data
    if base_draft.number != saved[-1].number:
        latest_data = loading.parse(loading.decode(current.content, target), target).data
        merged, conflicts = merge(base_data, result.data, latest_data)
        if conflicts:
            raise LetterkitError(
                f"{edited}: was made from draft {base_draft.number}, and later drafts changed "
                f"the same sections ({', '.join(conflicts)}); render the latest draft for the "
                "patient, or copy their words in by hand"
            )
    text = to_letter_file(merged, target)
    loading.load_text(text, os.fspath(edited))  # the mapped letter must still be valid
    write_atomic(target, text)
    return result, save(target, role, name, note or f"Imported from {os.path.basename(os.fspath(edited))}")


def extract(pdf: str | os.PathLike[str]) -> tuple[str, bytes]:
    """The letter file attached to an archival PDF (``render --archive``): name and bytes."""
    from letterkit.writers.pdf import extract_attachment

    name = os.fspath(pdf)
    try:
        data = Path(name).read_bytes()
    except FileNotFoundError:
        raise LetterNotFoundError(name, "no such file — check the name and folder") from None
    except OSError as error:
        raise LetterFileError(name, f"cannot be read: {error.strerror or error}") from None
    return extract_attachment(data, name)


def redact(path: str | os.PathLike[str], names: Sequence[str] = ()) -> Any:
    """A pseudonymised copy of a letter for supervision: returns the redaction (``data``,
    ``replaced`` counts by category, the ``names`` mapping) after checking the copy is valid."""
    from letterkit.review.redact import load_key, redact_data

    opened = open_letter(path)
    source = loading.parse(loading.decode(opened.content, opened.label), opened.label)
    result = redact_data(source.data, load_key(), names)
    loading.load_data(result.data, f"{opened.label} (pseudonymised)")
    return result


# --------------------------------------------------------------------------- batch


LETTER_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class BatchItem:
    """One letter of a batch: where it was written, or why it failed."""

    source: str
    output: str | None
    error: str | None = None
    warnings: tuple[str, ...] = ()


def expand_inputs(inputs: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Files as given, and the letter files (.yaml, .yml, .json) directly inside each folder."""
    files: list[str] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files.extend(
                str(p) for p in sorted(path.iterdir()) if p.suffix.lower() in LETTER_SUFFIXES and p.is_file()
            )
        else:
            files.append(os.fspath(item))
    return files


def render_batch(
    inputs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    options: RenderOptions = DEFAULT_OPTIONS,
    *,
    settings_file: str | None = None,
    workers: int | None = None,
    progress: Any = None,
) -> list[BatchItem]:
    """Render many letters into ``out_dir`` (created if missing) as ``<stem>.<format>``.

    Letters are rendered in parallel, one process per core. A bad letter never stops the
    batch: its item carries the error, and every good output is kept. ``progress``, if given,
    is called with each finished item.
    """
    import concurrent.futures
    import multiprocessing

    from letterkit.files import ensure_dir

    files = expand_inputs(inputs)
    folder = ensure_dir(out_dir)
    jobs = [(f, str(folder / f"{Path(f).stem}.{options.format}")) for f in files]
    seen: dict[str, str] = {}
    results: dict[str, BatchItem] = {}
    for source, output in jobs:
        if output in seen:
            results[source] = BatchItem(
                source, None, f"{source}: has the same name as {seen[output]}; rename one"
            )
        seen.setdefault(output, source)
    todo = [(s, o) for s, o in jobs if s not in results]
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(todo) <= 1:
        for source, output in todo:
            results[source] = _render_file(source, output, options, settings_file)
            if progress:
                progress(results[source])
    else:
        # forkserver: safe however many threads the caller runs (plain fork is not); its
        # preload list is left alone, as it is shared with anything else in the process.
        context = multiprocessing.get_context("forkserver")
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {pool.submit(_render_file, s, o, options, settings_file): s for s, o in todo}
            for future in concurrent.futures.as_completed(futures):
                source = futures[future]
                try:
                    results[source] = future.result()
                except Exception as error:  # a worker that died: report it, keep going
                    results[source] = BatchItem(
                        source, None, f"{source}: the render process failed ({error})"
                    )
                if progress:
                    progress(results[source])
    return [results[f] for f in files]


def _render_file(source: str, output: str, options: RenderOptions, settings_file: str | None) -> BatchItem:
    from letterkit.files import write_atomic

    try:
        opened = open_letter(source)
        result = render_letter(
            opened.letter,
            options,
            settings=settings_for(opened.revision.file, settings_file),
            draft_label=draft_label(opened),
            reference=reference(opened),
            source=opened.content,
            source_name=Path(opened.revision.file).name,
        )
        write_atomic(output, result.data)
        return BatchItem(source, output, None, tuple(result.warnings))
    except LetterkitError as error:
        return BatchItem(source, None, str(error))
    except Exception as error:  # one letter's failure must not stop the caseload
        log.debug("unexpected failure rendering %s", source, exc_info=True)
        return BatchItem(source, None, f"{source}: unexpected error: {type(error).__name__}: {error}")
