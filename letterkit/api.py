"""The façade: one typed function per thing a user does, owning the whole workflow.

The command line and embedding systems (a web app, a patient record) call these and nothing
else: each opens what it needs (a letter file or a saved draft, ``FILE@N``), the service's
settings, renders, and writes atomically. Each returns a typed result; none prints.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import letterkit.compose as compose
import letterkit.model.loading as loading
from letterkit import writers
from letterkit.errors import (
    ConflictError,
    LetterFileError,
    LetterkitError,
    LetterNotFoundError,
    LetterValidationError,
    MarkdownCopyError,
    OptionsError,
    Problem,
    UnknownBaseError,
    UnsavedChangesError,
)
from letterkit.files import ensure_dir, read_bytes, write_atomic
from letterkit.model import kinds
from letterkit.model.schema import LetterBase
from letterkit.model.settings import Settings, settings_for
from letterkit.rendering import Rendered, Renderer, shared_renderer
from letterkit.resources import templates_dir
from letterkit.writers.document import DEFAULT_OPTIONS, Marks, RenderOptions

if TYPE_CHECKING:
    import datetime as dt

    from letterkit.diffs.core import Change, Diff
    from letterkit.diffs.places import Places
    from letterkit.diffs.views import Styler
    from letterkit.drafts.attribution import Contributions
    from letterkit.drafts.importing import ImportResult
    from letterkit.drafts.store import Draft, Revision, SaveResult
    from letterkit.review.check import Finding
    from letterkit.review.redact import Redaction

log = logging.getLogger(__name__)

Letter = LetterBase
"""A validated letter of any kind (``letterkit.kinds`` lists them)."""

FORMATS: tuple[str, ...] = tuple(writers.FORMATS)
"""The output formats' names."""

LETTER_SUFFIXES = (".yaml", ".yml", ".json")
MARKDOWN_SUFFIXES = (".md", ".markdown")

PathLike = str | os.PathLike[str]


# --------------------------------------------------------------------------- letters


def load(source: PathLike | Mapping[str, object]) -> LetterBase:
    """A validated letter from a file path, or from a dict (e.g. a web form's JSON)."""
    if isinstance(source, Mapping):
        return loading.load_data(source)
    return loading.load_file(source)


def validate(paths: Sequence[PathLike]) -> list[Problem]:
    """Every problem in every file (or saved draft, FILE@N), in order; empty if all are valid."""
    from letterkit.errors import HistoryError

    problems: list[Problem] = []
    for path in paths:
        try:
            open_letter(path)
        except HistoryError as error:
            problems.append(Problem(os.fspath(path), None, "", str(error).split(": ", 1)[-1]))
        except LetterValidationError as error:
            problems.extend(error.problems)
        except LetterFileError as error:
            problems.append(error.problem)
    return problems


def schema(kind: str) -> str:
    """The JSON Schema of one kind of letter, as indented JSON text."""
    return json.dumps(kinds.json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def scaffold(kind: str) -> str:
    """A commented YAML letter to start from, explaining each section."""
    name = kinds.get(kind).scaffold_name
    return (templates_dir() / "scaffolds" / name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Written:
    """Text made for the user: written to ``output``, or (``output`` None) to be shown."""

    content: str | bytes
    output: str | None = None


def new_letter(kind: str, out: PathLike | None = None) -> Written:
    """A new letter from the kind's scaffold, written to ``out`` (never replacing a file)."""
    text = scaffold(kind)
    if out is not None:
        write_atomic(out, text, replace=False)
    return Written(text, os.fspath(out) if out is not None else None)


@dataclass(frozen=True)
class Opened:
    """A letter read from a file or a saved draft (``FILE@N``)."""

    letter: LetterBase
    revision: Revision
    content: bytes

    @property
    def label(self) -> str:
        return str(self.revision.label)

    @property
    def file(self) -> str:
        """The letter file (for a saved draft, the file it is a draft of)."""
        return self.revision.file


def open_letter(spec: PathLike, *, allow_placeholders: bool = False) -> Opened:
    """Read ``FILE``, ``FILE@N``, ``FILE@latest`` or ``FILE@<hash>`` as a validated letter.

    A letter still holding a scaffold's example text (``[Full name]``) is refused unless
    ``allow_placeholders``: history, diffs and imports work on unfinished drafts too; what is
    rendered or validated for a patient must be finished.
    """
    from letterkit.drafts.store import resolve

    revision = resolve(os.fspath(spec))
    content = revision.content()
    try:
        text = loading.decode(content, revision.label)
        letter = loading.load_text(text, revision.label, allow_placeholders=allow_placeholders)
        return Opened(letter, revision, content)
    except (LetterFileError, LetterValidationError):
        if Path(revision.file).suffix.lower() in MARKDOWN_SUFFIXES:
            raise MarkdownCopyError(
                revision.label,
                "is a Markdown copy of a letter, not a letter file — letterkit reads the letter's "
                "YAML file; an edited copy goes back into that file as its next draft",
            ) from None
        raise


def draft_label(opened: Opened) -> str | None:
    """'Draft 2 · 14 March 2026' for a saved draft of a letter still in draft; else None."""
    draft = opened.revision.draft
    if draft is None or opened.letter.status != "draft":
        return None
    return f"Draft {draft.number} · {compose.long_date(draft.date)}"


def reference(opened: Opened) -> str | None:
    """The short hash that ties a printed letter to its saved history, if it has one."""
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


# --------------------------------------------------------------------------- rendering


def render_letter(
    letter: LetterBase,
    options: RenderOptions = DEFAULT_OPTIONS,
    *,
    settings: Settings | None = None,
    draft_label: str | None = None,
    reference: str | None = None,
    source: bytes | None = None,
    source_name: str = "letter.yaml",
    renderer: Renderer | None = None,
) -> Rendered:
    """Render a letter in ``options.format``, with any warnings (e.g. a refused fetch)."""
    return (renderer or shared_renderer()).render(
        letter,
        options,
        settings=settings,
        draft_label=draft_label,
        reference=reference,
        source=source,
        source_name=source_name,
    )


def render(
    letter: LetterBase,
    format: str = writers.DEFAULT_FORMAT,
    *,
    settings: Settings | None = None,
    template_dir: str | None = None,
    css: Sequence[str] = (),
) -> str | bytes:
    """Render a letter; returns text for text formats (md, html) and bytes for the others."""
    options = RenderOptions(format=format, template_dir=template_dir, css=tuple(css))
    return render_letter(letter, options, settings=settings).content


@dataclass(frozen=True)
class RenderedFile:
    """One letter file rendered: where it went (``output``), or why it failed (``error``)."""

    source: str
    output: str | None
    error: str | None = None
    warnings: tuple[str, ...] = ()
    rendered: Rendered | None = None
    """The rendering itself (None after a failure); ``output`` None means nothing was written."""


BatchItem = RenderedFile
"""The name earlier versions used for one letter of a batch."""


def render_file(
    spec: PathLike,
    options: RenderOptions = DEFAULT_OPTIONS,
    out: PathLike | None = None,
    *,
    settings_file: str | None = None,
    renderer: Renderer | None = None,
) -> RenderedFile:
    """Open ``FILE`` or ``FILE@REV``, render it with the service's settings, and write it.

    ``out`` is the file to write, atomically. Without it, text formats are only returned
    (``result.rendered``) and the others are written beside the letter, as ``peter.pdf`` (or
    ``peter-draft2.pdf`` for a saved draft). The letter file itself is never overwritten.
    """
    options = options.for_output(out)
    opened = open_letter(spec)
    source = opened.file
    output = options.output_format
    rendered = (renderer or shared_renderer()).render(
        opened.letter,
        options,
        settings=settings_for(source, settings_file),
        draft_label=draft_label(opened),
        reference=reference(opened),
        source=opened.content,
        source_name=Path(source).name,
    )
    target: str | None = None if out is None or os.fspath(out) == "-" else os.fspath(out)
    if out is None and output.binary:
        draft = opened.revision.draft
        target = (
            str(Path(source).with_suffix("")) + (f"-draft{draft.number}" if draft else "") + output.suffix
        )
    if target is not None:
        _refuse_overwriting_letter(target, source, chosen=out is not None)
        write_atomic(target, rendered.data)
    return RenderedFile(os.fspath(spec), target, None, tuple(rendered.warnings), rendered)


def _refuse_overwriting_letter(target: str, source: str, *, chosen: bool = True) -> None:
    """Never write an output over the letter file it was made from (by any name for it)."""
    same = os.path.abspath(target) == os.path.abspath(source)
    try:
        same = same or os.path.samefile(target, source)
    except OSError:
        pass
    if not same:
        return
    if chosen:
        raise OptionsError(f"{target}: is the letter itself; choose another name for the output", "output")
    from letterkit.errors import OutputError

    raise OutputError(
        f"{target}: is the letter file itself, so the output is not written over it; "
        "choose another name for the output, or rename the letter file (e.g. to .yaml)"
    )


@dataclass(frozen=True)
class RenderReport:
    """Letters rendered: one item each, in the order given; ``folder`` for a batch."""

    items: tuple[RenderedFile, ...]
    folder: str | None = None

    @property
    def failed(self) -> tuple[RenderedFile, ...]:
        return tuple(item for item in self.items if item.error)

    @property
    def warnings(self) -> tuple[tuple[str, str], ...]:
        """(file, warning) for every warning, in order."""
        return tuple((item.source, w) for item in self.items for w in item.warnings)


def render_files(
    inputs: Sequence[PathLike],
    options: RenderOptions = DEFAULT_OPTIONS,
    out: PathLike | None = None,
    *,
    settings_file: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, RenderedFile | None], None] | None = None,
) -> RenderReport:
    """Render one letter (as ``render_file``), or many, or a folder of them, into folder ``out``.

    Several letters render in parallel into ``out`` as ``<name>.<suffix>``; a bad letter
    never stops the batch (its item carries the error). ``progress(total, item)`` is called
    once with the total before starting (``item`` None), then with each finished item.
    """
    batch = len(inputs) > 1 or any(Path(p).is_dir() for p in inputs) or bool(out and Path(out).is_dir())
    if not batch:
        return RenderReport((render_file(inputs[0], options, out, settings_file=settings_file),))
    if not out:
        raise OptionsError("several letters (or a folder) need an output folder", "output")
    files = expand_inputs(inputs)
    if not files:
        raise OptionsError(f"no letter files ({', '.join(LETTER_SUFFIXES)}) found")
    if progress:
        progress(len(files), None)
    items = render_batch(files, out, options, settings_file=settings_file, workers=workers, progress=progress)
    return RenderReport(tuple(items), os.fspath(out))


def expand_inputs(inputs: Sequence[PathLike]) -> list[str]:
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
    inputs: Sequence[PathLike],
    out_dir: PathLike,
    options: RenderOptions = DEFAULT_OPTIONS,
    *,
    settings_file: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, RenderedFile | None], None] | None = None,
) -> list[RenderedFile]:
    """Render many letters into ``out_dir`` (created if missing) as ``<stem><suffix>``.

    Letters are rendered in parallel, one process per core, each process holding one
    ``Renderer``. A bad letter never stops the batch: its item carries the error, and every
    good output is kept.
    """
    import concurrent.futures
    import multiprocessing

    files = expand_inputs(inputs)
    folder = ensure_dir(out_dir)
    options = options.for_output(None)
    suffix = options.output_format.suffix
    jobs = [(f, str(folder / f"{Path(f).stem}{suffix}")) for f in files]
    seen: dict[str, str] = {}
    results: dict[str, RenderedFile] = {}
    for source, output in jobs:
        if output in seen:
            results[source] = RenderedFile(
                source, None, f"{source}: has the same name as {seen[output]}; rename one"
            )
        seen.setdefault(output, source)
    todo = [(s, o) for s, o in jobs if s not in results]

    def finished(item: RenderedFile) -> None:
        results[item.source] = item
        if progress:
            progress(len(files), item)

    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(todo) <= 1:
        renderer = Renderer()
        for source, output in todo:
            finished(_render_one(source, output, options, settings_file, renderer))
    else:
        # forkserver: safe however many threads the caller runs (plain fork is not); its
        # preload list is left alone, as it is shared with anything else in the process.
        context = multiprocessing.get_context("forkserver")
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {pool.submit(_render_in_worker, s, o, options, settings_file): s for s, o in todo}
            for future in concurrent.futures.as_completed(futures):
                source = futures[future]
                try:
                    finished(future.result())
                except Exception as error:  # a worker that died: report it, keep going
                    finished(RenderedFile(source, None, f"{source}: the render process failed ({error})"))
    return [results[f] for f in files]


_worker_renderer: Renderer | None = None


def _render_in_worker(
    source: str, output: str, options: RenderOptions, settings_file: str | None
) -> RenderedFile:
    """In a batch worker process: render with the process's one renderer (made on its first letter)."""
    global _worker_renderer
    if _worker_renderer is None:
        _worker_renderer = Renderer()
    item = _render_one(source, output, options, settings_file, _worker_renderer)
    return dc_replace(item, rendered=None)  # the bytes are on disk; do not ship them back


def _render_one(
    source: str, output: str, options: RenderOptions, settings_file: str | None, renderer: Renderer
) -> RenderedFile:
    try:
        return render_file(source, options, output, settings_file=settings_file, renderer=renderer)
    except LetterkitError as error:
        return RenderedFile(source, None, str(error))
    except Exception as error:  # one letter's failure must not stop the caseload
        log.debug("unexpected failure rendering %s", source, exc_info=True)
        return RenderedFile(source, None, f"{source}: unexpected error: {type(error).__name__}: {error}")


# --------------------------------------------------------------------------- drafts


def history(path: PathLike) -> list[Draft]:
    """The saved drafts of a letter, oldest first (empty if none are saved yet)."""
    from letterkit.drafts.store import drafts

    saved = drafts(path)
    if not saved and not Path(path).exists():
        raise LetterNotFoundError(os.fspath(path), "no such file — check the name and folder")
    return saved


def save_draft(
    path: PathLike, role: str, name: str = "", note: str = "", *, keyed: bool = False
) -> SaveResult:
    """Save the letter file as its next draft (nothing is saved if nothing changed).

    ``keyed`` keeps the history with a secret key from this draft on, so that rewriting it
    needs the key (see the README's "Security and privacy"); a keyed history stays keyed.
    """
    from letterkit.drafts.store import save

    return save(path, role, name, note, keyed=keyed)


def verify_history(path: PathLike) -> list[str]:
    """Problems with a letter's draft history; empty when it is intact."""
    from letterkit.drafts.store import verify

    return verify(path)


@dataclass(frozen=True)
class Verification:
    """A history checked: its drafts, and every problem found (none when intact)."""

    file: str
    drafts: tuple[Draft, ...]
    problems: tuple[str, ...]
    notices: tuple[str, ...] = ()
    """Worth knowing but not damage: an interrupted save, a key signature that could not be checked."""
    keyed: str = "no"
    """Whether the history is kept with a key: no, checked (with your key) or unchecked (no key here)."""


def verify(path: PathLike) -> Verification:
    """Check that no saved draft or record of a letter was changed or lost."""
    from letterkit.drafts.store import check_history

    checked = check_history(path)
    return Verification(os.fspath(path), checked.drafts, checked.problems, checked.notices, checked.keyed)


@dataclass(frozen=True)
class Imported:
    """An edited copy brought back: the fields changed, text kept as comments, the draft saved."""

    changed: tuple[str, ...]
    unplaced: tuple[str, ...]
    saved: SaveResult | None


def import_edits(
    edited: PathLike, into: PathLike, role: str, name: str = "", note: str = "", *, base: str | None = None
) -> Imported:
    """Map an edited Markdown copy of a letter back onto its fields and save the next draft.

    Each edit goes back to its field; text that fits no field is kept in ``patient_comments``.
    The letter's current file must be saved as a draft first, so nothing unsaved is overwritten.
    The copy is compared with the draft its "Ref:" line names, or with ``base`` (a draft
    number, ``latest`` or a hash prefix) when given; without either it is refused.
    """
    result, saved = import_edited(edited, into, role, name, note, base=base)
    return Imported(tuple(result.changed), tuple(result.unplaced), saved)


def import_edited(
    edited: PathLike, into: PathLike, role: str, name: str = "", note: str = "", *, base: str | None = None
) -> tuple[ImportResult, SaveResult | None]:
    """As ``import_edits``, returning the import result and the draft saved (None if no change)."""
    from letterkit.compose.context import composed_passages
    from letterkit.compose.styling import STANDARD
    from letterkit.drafts.importing import import_markdown, merge, reference_in, to_letter_file
    from letterkit.drafts.store import drafts, save

    target = os.fspath(into)
    saved = drafts(target)
    current = open_letter(target, allow_placeholders=True)
    if not saved or hashlib.sha256(current.content).hexdigest() != saved[-1].content_sha256:
        raise UnsavedChangesError(f"{target}: has changes that are not saved as a draft; save a draft first")
    edited_text = loading.read_text(edited)
    # The copy was made from the draft its "Ref:" line names (or the one the caller names);
    # edits are taken against that draft and merged section by section onto the latest, so
    # later drafts are not undone. A copy whose draft is unknown is refused: comparing it with
    # the latest would undo every change made since the copy and credit it to its author.
    if base is not None:
        base_draft = _base_draft(target, base)
    else:
        base_draft = _referenced_draft(edited, target, saved, reference_in(edited_text))
    opened_base = open_letter(f"{target}@{base_draft.number}", allow_placeholders=True)
    # The copy the patient edited was rendered in the letter's own print style (easy read
    # puts every sentence on a line of its own): compare with the same.
    access = opened_base.letter.accessibility
    context = compose.RenderContext(
        opened_base.letter, settings_for(target), style=access.format if access else STANDARD
    )
    original = compose.to_markdown(context)
    base_data = loading.parse(loading.decode(opened_base.content, target), target).data
    result = import_markdown(base_data, original, edited_text, composed_passages(context))
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
    loading.load_text(text, os.fspath(edited), allow_placeholders=True)  # still a valid letter
    write_atomic(target, text)
    return result, save(target, role, name, note or f"Imported from {os.path.basename(os.fspath(edited))}")


def _base_draft(target: str, base: str) -> Draft:
    from letterkit.drafts.store import resolve

    draft = resolve(f"{target}@{base}").draft
    if draft is None:  # a file named like FILE@REV exists: not a draft
        raise UnknownBaseError(
            f"{target}: {base!r} is not a saved draft; give its number or the start of its hash"
        )
    return draft


def _referenced_draft(
    edited: PathLike, target: str, saved: Sequence[Draft], ref: tuple[str, bool] | None
) -> Draft:
    """The draft an edited copy's "Ref:" line names; UnknownBaseError if it names none."""
    saved_now = (
        f"drafts {saved[0].number} to {saved[-1].number} are saved"
        if len(saved) > 1
        else f"draft {saved[0].number} is saved"
    )
    how = f"name the draft the copy was made from as its base ({saved_now})"
    if ref is None:
        raise UnknownBaseError(
            f'{edited}: has no "Ref:" line, so letterkit cannot tell which draft it was made from and '
            f"will not guess (comparing it with the latest draft could undo later changes); {how}"
        )
    short, changed_since = ref
    found = [d for d in saved if d.short == short]
    if not found:
        raise UnknownBaseError(
            f'{edited}: its "Ref: {short}" names no saved draft of {target} (a copy of another letter, '
            f"or a history restored from elsewhere?), so letterkit will not guess; {how}"
        )
    if changed_since:
        raise UnknownBaseError(
            f"{edited}: was made from changes to draft {found[0].number} that were not saved at the time "
            f'(its Ref says "changed since"), so letterkit cannot tell which version it was; if those '
            f"changes were saved later, {how}"
        )
    return found[0]


# --------------------------------------------------------------------------- diffs and contributions


def diff(a: PathLike | LetterBase, b: PathLike | LetterBase) -> Diff:
    """The section-aware difference between two letters or revisions (``FILE@N``).

    Between two drafts of one letter, each change is credited to the draft that made it.
    """
    from letterkit.diffs.core import diff_data, letter_data

    if isinstance(a, LetterBase) and isinstance(b, LetterBase):
        return diff_data(letter_data(a), letter_data(b))
    if isinstance(a, LetterBase) or isinstance(b, LetterBase):
        raise OptionsError("diff takes two letters or two file names, not one of each")
    first, second = open_letter(a, allow_placeholders=True), open_letter(b, allow_placeholders=True)
    result = diff_data(letter_data(first.letter), letter_data(second.letter), first.label, second.label)
    return _credit_changes(result, first, second)


@dataclass(frozen=True)
class Comparison:
    """Two letters compared: the diff as data, and the view asked for (written, or to show)."""

    diff: Diff
    content: str | bytes
    output: str | None = None


def compare(
    a: PathLike,
    b: PathLike,
    format: str = "text",
    out: PathLike | None = None,
    *,
    styler: Styler | None = None,
    reader: str = "therapist",
) -> Comparison:
    """Compare two letters or drafts and make the view asked for.

    ``text`` (word-diff style; ``styler`` may colour it), ``md`` (CriticMarkup) and ``json``
    are views of the changes, by field path; the letter formats that can show marks (html,
    pdf, docx) give the whole letter as a redline, its changes named by the sections the
    letter prints, for ``reader`` (``therapist``, or ``patient`` for the patient's copy). Without ``out``, a file format is written beside ``b``'s
    letter as ``<name>.redline<suffix>``.
    """
    from letterkit.diffs.views import to_json, to_markdown, to_text

    changes = diff(a, b)
    if format == "json":
        content: str | bytes = to_json(changes)
    elif format == writers.DEFAULT_FORMAT:
        content = to_markdown(changes)
    elif format == "text":
        content = to_text(changes, styler)
    elif format in writers.names(marked=True):
        content = render_redline(a, b, format, reader=reader).content
        out = out or _beside(b, "redline", format)
    else:
        raise OptionsError(f"unknown view {format!r}: choose one of {', '.join(diff_formats())}")
    return Comparison(changes, content, _write_output(out, content, (a, b)))


def diff_formats() -> tuple[str, ...]:
    """The formats ``compare`` can make: text, md, json and the letter formats that show marks."""
    return (*writers.REPORT_FORMATS, writers.DEFAULT_FORMAT, *writers.names(marked=True))


def _beside(spec: PathLike, what: str, format: str) -> str | None:
    """``peter.redline.pdf`` beside ``peter.yaml`` for a file format; None for a text format."""
    output = writers.get(format)
    if not output.binary:
        return None
    file = os.fspath(spec)
    from letterkit.drafts.store import resolve

    file = resolve(file).file
    return str(Path(file).with_suffix("")) + f".{what}{output.suffix}"


def _write_output(out: PathLike | None, content: str | bytes, inputs: Sequence[PathLike] = ()) -> str | None:
    if out is None or os.fspath(out) == "-":
        return None
    from letterkit.drafts.store import resolve

    for spec in inputs:  # never over a letter the output was made from
        _refuse_overwriting_letter(os.fspath(out), resolve(os.fspath(spec)).file)
    write_atomic(out, content)
    return os.fspath(out)


def _credit_changes(result: Diff, first: Opened, second: Opened) -> Diff:
    """Credit each change between two saved drafts of one letter to the draft that made it.

    A text field's change goes to the last draft in between that changed that field; a list
    item goes to the first draft that had it (added) or lacked it (removed), found by content,
    so that items shifting position keep their author. Unsaved edits are credited to no one.
    """
    from letterkit.diffs.core import diff_data, letter_data
    from letterkit.drafts.store import drafts

    da, db = first.revision.draft, second.revision.draft
    if da is None or db is None or first.revision.file != second.revision.file:
        return result
    history = drafts(second.revision.file)
    lo, hi = sorted((da.number, db.number))
    versions = [
        (d, letter_data(open_letter(f"{second.revision.file}@{d.number}", allow_placeholders=True).letter))
        for d in history
        if lo <= d.number <= hi
    ]
    touched: dict[str, Draft] = {}
    for (_, before), (draft, after) in zip(versions, versions[1:], strict=False):
        for change in diff_data(before, after).changes:
            touched[change.path] = draft
    credited = []
    for change in result.changes:
        draft = _list_credit(change, versions) or touched.get(change.path) or db
        credited.append(dc_replace(change, author=f"{draft.role} {draft.name}".strip(), draft=draft.number))
    return dc_replace(result, changes=tuple(credited))


def _list_credit(change: Change, versions: Sequence[tuple[Draft, dict[str, Any]]]) -> Draft | None:
    """For a list item: the first later draft whose list has it (or, if removed, lacks it)."""
    match = re.fullmatch(r"(\w+)\[\d+\]", change.path)
    if not match or change.op not in ("added", "removed", "moved", "changed"):
        return None
    name = match.group(1)
    wanted = change.old if change.op == "removed" else change.new
    for draft, data in versions[1:]:
        present = wanted in (data.get(name) or [])
        if present != (change.op == "removed"):
            return draft
    return None


def contributions(path: PathLike) -> Contributions:
    """Who wrote which words of the latest draft, and what the patient changed."""
    from letterkit.diffs.core import letter_data
    from letterkit.drafts.attribution import DraftInfo
    from letterkit.drafts.attribution import contributions as credit
    from letterkit.drafts.store import drafts

    saved = drafts(path)
    if not saved:
        raise LetterkitError(f"{os.fspath(path)}: has no saved drafts yet; save a draft first")
    versions = []
    for draft in saved:
        info = DraftInfo(draft.number, draft.role, draft.name, draft.short, draft.time)
        opened = open_letter(f"{os.fspath(path)}@{draft.number}", allow_placeholders=True)
        versions.append((info, letter_data(opened.letter)))
    return credit(os.fspath(path), versions)


@dataclass(frozen=True)
class ContributionsReport:
    """Who wrote what: the credit as data, and the report asked for (written, or to show)."""

    contributions: Contributions
    content: str | bytes
    output: str | None = None


def contributions_report(
    path: PathLike, format: str = "text", out: PathLike | None = None, *, reader: str = "therapist"
) -> ContributionsReport:
    """The contributions report: ``text``, ``json``, or the letter with the patient's words
    marked and what they took out struck through (html, pdf, docx; ``reader`` as ``compare``). Without ``out``, a file format is written beside the letter
    as ``<name>.contributions<suffix>``."""
    credit = contributions(path)
    if format == "json":
        content: str | bytes = json.dumps(credit.to_json(), indent=2, ensure_ascii=False) + "\n"
    elif format == "text":
        content = credit.to_text()
    elif format in writers.names(marked=True):
        content = render_contributions(path, format, reader=reader).content
        out = out or _beside(path, "contributions", format)
    else:
        raise OptionsError(f"unknown view {format!r}: choose one of {', '.join(contributions_formats())}")
    return ContributionsReport(credit, content, _write_output(out, content, (path,)))


def contributions_formats() -> tuple[str, ...]:
    """The formats ``contributions_report`` can make."""
    return (*writers.REPORT_FORMATS, *writers.names(marked=True))


def render_redline(
    a: PathLike,
    b: PathLike,
    format: str = writers.PDF,
    *,
    settings: Settings | None = None,
    reader: str = "therapist",
) -> Rendered:
    """The whole letter ``b`` with every change from ``a`` marked, and a legend of who made each.

    The legend names each change as the letter prints it (its section heading, list items
    counted from 1). ``reader="patient"`` makes the patient's copy: their own changes are
    "you …"; the therapist's copy names every author and role.
    """
    from letterkit.diffs.core import letter_data
    from letterkit.diffs.places import describe
    from letterkit.diffs.redline import redline_marks
    from letterkit.model.fields import dotted

    reader = _reader(reader)
    first, second = open_letter(a), open_letter(b)
    changes = diff(a, b)
    data_a, data_b = letter_data(first.letter), letter_data(second.letter)
    marks, lists = redline_marks(data_a, data_b)
    # Tag each marked field with the draft that changed it, so Word can name the author.
    by_path = {c.path: c for c in changes.changes if c.draft is not None}
    marks = {path: _tag_spans(spans, _change_for(dotted(path), by_path)) for path, spans in marks.items()}
    lists = {
        name: [_tag_spans(item, _change_for(name, by_path)) for item in items]
        for name, items in lists.items()
    }
    authors = {f"d{c.draft}": (c.author or "", _draft_time(second, c.draft)) for c in by_path.values()}
    places = _places((second, data_b), (first, data_a), settings=settings)
    roles = _draft_roles(second)
    lines = [
        describe(
            c.path,
            c.op,
            places,
            reader,
            role=roles.get(c.draft or 0, (None, ""))[0],
            name=roles.get(c.draft or 0, (None, ""))[1],
            draft=c.draft,
            value=c.new if c.op != "removed" else c.old,
            moved_from=c.moved_from,
        )
        for c in changes.changes
    ]
    if reader == "patient":
        title = f"What changed from {_draft_name(first)} to {_draft_name(second)}"
        key = ["<ins>Words added are bold, in a box.</ins>", "<del>Words taken out are struck through.</del>"]
    else:
        title = f"Changes from {first.label} to {second.label}"
        key = [
            "<ins>Inserted words are bold, in a box.</ins>",
            "<del>Deleted words are struck through.</del>",
        ]
    legend = compose.legend_html(title, lines or ["No changes."], key)
    return _render_marked(second, format, Marks(marks, lists, legend, authors), settings)


def _reader(reader: str) -> str:
    from letterkit.diffs.places import READERS

    if reader not in READERS:
        raise OptionsError(f"unknown reader {reader!r}: choose one of {', '.join(READERS)}", "for")
    return reader


def _places(*letters: tuple[Opened, Mapping[str, Any]], settings: Settings | None = None) -> Places:
    """The section headings each field is printed under, read from the letters as rendered."""
    from letterkit.diffs.places import Places

    renderings = []
    for opened, data in letters:
        context = compose.RenderContext(opened.letter, settings or settings_for(opened.file))
        renderings.append((compose.to_markdown(context), data))
    return Places.of(*renderings)


def _draft_roles(opened: Opened) -> dict[int, tuple[str, str]]:
    """Each saved draft's (role, name), by number."""
    from letterkit.drafts.store import drafts

    return {d.number: (d.role, d.name) for d in drafts(opened.revision.file)}


def _draft_name(opened: Opened) -> str:
    draft = opened.revision.draft
    return f"draft {draft.number}" if draft is not None else "the letter as it is now"


def _change_for(path: str, by_path: Mapping[str, Change]) -> Change | None:
    """The credited change at ``path``, or the latest one inside it (for whole lists)."""
    if path in by_path:
        return by_path[path]
    inside = [c for p, c in by_path.items() if p.startswith(path + "[") or p.startswith(path + ".")]
    return max(inside, key=lambda c: c.draft or 0) if inside else None


def _tag_spans(
    spans: Sequence[tuple[str, str | None]], change: Change | None
) -> list[tuple[str, str | None]]:
    if change is None:
        return list(spans)
    return [(text, f"{tag}.d{change.draft}" if tag else None) for text, tag in spans]


def _draft_time(opened: Opened, number: int | None) -> dt.datetime:
    import datetime as dt

    from letterkit.drafts.store import drafts

    for draft in drafts(opened.revision.file):
        if draft.number == number:
            return dt.datetime.fromisoformat(draft.time)
    return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


_OP_WORDS = {"added": "added", "removed": "took out", "changed": "changed", "moved": "moved"}


def render_contributions(
    path: PathLike, format: str = "html", *, settings: Settings | None = None, reader: str = "therapist"
) -> Rendered:
    """The latest draft with the patient's own words marked as insertions, and what they took
    out struck through where it was; the legend lists their changes section by section, as
    the letter prints them. ``reader="patient"`` speaks to the patient ("your words")."""
    from letterkit.diffs.core import letter_data
    from letterkit.diffs.places import parse_path, plain_list

    reader = _reader(reader)
    credit = contributions(path)
    latest = open_letter(f"{os.fspath(path)}@latest")
    places = _places((latest, letter_data(latest.letter)), settings=settings)
    fields, lists = credit.view_marks("patient")
    patient = latest.letter.patient
    called = patient.preferred_name or patient.name
    lines = []
    for change in credit.patient_changes:
        where = places.place(parse_path(change["path"]))
        added = [t for t in change["added"] if t.strip()]
        removed = [t for t in change["removed"] if t.strip()]
        who = "you" if reader == "patient" else called
        parts = []
        if added:
            parts.append(f"{who} added {plain_list(added)}")
        if removed:
            parts.append(f"{who} took out {plain_list(removed)}")
        said = "; ".join(parts) or f"{who} {_OP_WORDS.get(change['op'], change['op'])} this"
        lines.append(f"{where}: {said} (draft {change['draft']})")
    patient_drafts = [str(d.number) for d in credit.drafts if d.role == "patient"]
    when = ""
    if patient_drafts:
        numbers = compose.join_words(patient_drafts)
        when = f" in draft{'s' if len(patient_drafts) > 1 else ''} {numbers}"
    if reader == "patient":
        title = "Your words in this letter"
        key = [
            f"<ins>Words you wrote{when} are bold, in a box.</ins>",
            "<del>Words you took out are struck through.</del>",
        ]
    else:
        title = f"{called}'s words in this letter"
        key = [
            f"<ins>Words {called} wrote{when} are bold, in a box.</ins>",
            f"<del>Words {called} took out are struck through.</del>",
        ]
    if not patient_drafts:
        lines = ["No changes yet."]
    legend = compose.legend_html(title, lines, key)
    authors = {
        f"d{d.number}": (f"{d.role} {d.name}".strip(), _draft_time(latest, d.number))
        for d in credit.drafts
        if d.role == "patient"
    }
    return _render_marked(latest, format, Marks(fields, lists, legend, authors), settings)


def _render_marked(opened: Opened, format: str, marks: Marks, settings: Settings | None) -> Rendered:
    return shared_renderer().render(
        opened.letter,
        RenderOptions(format=format),
        settings=settings or settings_for(opened.file),
        draft_label=draft_label(opened),
        reference=reference(opened),
        marks=marks,
    )


# --------------------------------------------------------------------------- review


@dataclass(frozen=True)
class CheckReport:
    """How letters read: every finding, and the report as text or JSON."""

    findings: tuple[Finding, ...]
    content: str

    @property
    def has_errors(self) -> bool:
        """True when a section is missing or empty (the rest are warnings)."""
        return any(f.severity == "error" for f in self.findings)


def check(
    files: Sequence[PathLike],
    jargon: Sequence[PathLike] = (),
    format: str = "text",
    *,
    style: str | None = None,
    settings_file: str | None = None,
) -> CheckReport:
    """Check how letters read: reading age, long sentences, jargon, "you" not "he/she",
    missing sections, the patient's own words, notes typed where sentences are needed, a
    double sign-off, and a way to contact the service. ``style`` (else each letter's
    ``accessibility.format``) easy-read checks for easy read; the settings are
    ``settings_file``, else the letterkit.toml beside each letter."""
    from letterkit.review.check import check_file, report_json, report_text

    if format not in writers.REPORT_FORMATS:
        raise OptionsError(
            f"unknown report format {format!r}: choose one of {', '.join(writers.REPORT_FORMATS)}"
        )
    if style is not None:
        from letterkit.compose.styling import STYLES
        from letterkit.errors import UnknownStyleError

        if style not in STYLES:
            raise UnknownStyleError(style, STYLES)
    settings = settings_for(None, settings_file) if settings_file else None
    findings = [
        f
        for file in files
        for f in check_file(file, [os.fspath(j) for j in jargon], style=style, settings=settings)
    ]
    content = report_json(findings) if format == "json" else report_text(findings)
    return CheckReport(tuple(findings), content if content.endswith("\n") else content + "\n")


def redact(path: PathLike, names: Sequence[str] = ()) -> Redaction:
    """A pseudonymised copy of a letter for supervision: the redaction (``data``,
    ``replaced`` counts by category, the ``names`` mapping, what was ``kept`` though it looked
    like an identifier, and ``report()``), checked to be a valid letter."""
    from letterkit.review.redact import load_key, redact_data

    opened = open_letter(path)
    source = loading.parse(loading.decode(opened.content, opened.label), opened.label)
    result = redact_data(source.data, load_key(), names)
    loading.load_data(result.data, f"{opened.label} (pseudonymised)")
    return result


@dataclass(frozen=True)
class RedactedFile:
    """A pseudonymised copy: its text (in the letter's own format), where it went, what was
    replaced (by kind), and the redaction report (what was replaced, and what was kept though
    it looked like an identifier; it quotes the original letter)."""

    text: str
    output: str | None
    replaced: tuple[str, ...] = field(default_factory=tuple)
    report: str = ""


def redact_file(spec: PathLike, out: PathLike | None = None, names: Sequence[str] = ()) -> RedactedFile:
    """Write (or return) a pseudonymised copy of a letter, in the letter's own format."""
    from letterkit.drafts.importing import to_letter_file

    result = redact(spec, names)
    text = to_letter_file(result.data, os.fspath(out) if out else os.fspath(spec).split("@")[0])
    if out is not None:
        _refuse_overwriting_letter(os.fspath(out), os.fspath(spec).split("@")[0])
    return RedactedFile(text, _write_output(out, text), tuple(result.summary()), result.report())


# --------------------------------------------------------------------------- archival copies


def extract(pdf: PathLike) -> tuple[str, bytes]:
    """The letter file attached to an archival PDF: its name and exact bytes."""
    from letterkit.writers.pdf import extract_attachment

    name = os.fspath(pdf)
    try:
        data = read_bytes(name, what="PDF", max_bytes=64 * 1024 * 1024)
    except FileNotFoundError:
        raise LetterNotFoundError(name, "no such file — check the name and folder") from None
    except OSError as error:
        raise LetterFileError(name, f"cannot be read: {error.strerror or error}") from None
    return extract_attachment(data, name)


@dataclass(frozen=True)
class Extracted:
    """The letter file taken out of an archival PDF."""

    name: str
    data: bytes
    output: str | None = None


def extract_file(pdf: PathLike, out: PathLike | None = None) -> Extracted:
    """Take the letter file out of an archival PDF, writing it to ``out`` if given."""
    name, data = extract(pdf)
    return Extracted(name, data, _write_output(out, data))


# --------------------------------------------------------------------------- work in progress


@dataclass(frozen=True)
class Work:
    """A letter file as it is being written: its data (maybe incomplete), its version, its problems.

    ``version`` changes whenever the file or its history does; pass it back to ``save_work``
    so that a save never overwrites changes made elsewhere since.
    """

    file: str
    data: dict[str, Any]
    version: str
    problems: tuple[Problem, ...]

    @property
    def complete(self) -> bool:
        """True when the letter is valid, so that it can be saved as a draft."""
        return not self.problems


def letter_version(path: PathLike) -> str:
    """The version of a letter file: its content and its history's latest record."""
    from letterkit.drafts.store import drafts
    from letterkit.model.editing import version

    name = os.fspath(path)
    try:
        content = Path(name).read_bytes()
    except FileNotFoundError:
        content = b""
    except OSError as error:
        raise LetterFileError(name, f"cannot be read: {error.strerror or error}") from None
    saved = drafts(name)
    return version(content, saved[-1].hash if saved else None)


def read_work(path: PathLike) -> Work:
    """A letter file as data for an editor, with every problem ``validate`` would report."""
    from letterkit.model.editing import to_data

    name = os.fspath(path)
    text = loading.read_text(name)
    data = to_data(text, name)
    return Work(name, data, letter_version(name), tuple(_problems_in(text, name)))


def _problems_in(text: str, name: str) -> list[Problem]:
    try:
        loading.load_text(text, name)
    except LetterValidationError as error:
        return list(error.problems)
    except LetterFileError as error:
        return [error.problem]
    return []


def save_work(path: PathLike, data: Mapping[str, object], version: str | None = None) -> Work:
    """Write a letter being written (incomplete is fine) back to its file, atomically.

    YAML keeps its comments and key order; JSON stays JSON. ``data`` must have the shape of a
    letter (``LetterValidationError`` lists what does not: wrong types, unknown fields). With
    ``version``, a file or history changed since it was read is left alone (``ConflictError``).
    The result lists what is still missing or wrong.
    """
    from letterkit.model.editing import file_text, shape_problems

    name = os.fspath(path)
    wrong = shape_problems(data, name)
    if wrong:
        raise LetterValidationError(wrong)
    if version is not None and version != letter_version(name):
        raise ConflictError(
            f"{name}: was changed somewhere else (another tab, or the command line) since you "
            "opened it; nothing was saved — copy your changes, reload, and make them again"
        )
    old = loading.read_text(name) if Path(name).exists() else None
    text = file_text(name, old, data)
    loading.decode(text.encode("utf-8"), name)  # the size and character limits of any letter file
    write_atomic(name, text)
    return read_work(name)


def preview(
    data: Mapping[str, object],
    style: str | None = None,
    *,
    settings: Settings | None = None,
    renderer: Renderer | None = None,
) -> Rendered:
    """The HTML of a letter being written, with '…' where a section is not written yet."""
    from letterkit.model.editing import preview_letter

    letter = preview_letter(data)
    return (renderer or shared_renderer()).render(
        letter, RenderOptions(format="html", style=style), settings=settings or Settings()
    )


def serve(
    folder: PathLike = ".",
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_remote: bool = False,
    token: str | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the letters in ``folder`` in the browser, and the HTTP API, until interrupted.

    ``on_ready(url)`` is called once the server listens, with the link that signs in (it
    carries the token: ``token``, else ``LETTERKIT_TOKEN``, else a fresh random one).
    Any host but this machine's needs ``allow_remote``.
    """
    from letterkit.web.server import run

    run(folder, host=host, port=port, allow_remote=allow_remote, token=token, on_ready=on_ready)


# --------------------------------------------------------------------------- for embedders


def letter_kinds() -> tuple[str, ...]:
    """The kinds of letter, by name."""
    return kinds.names()


def roles() -> tuple[str, ...]:
    """Who can author a draft."""
    from letterkit.drafts.store import ROLES

    return ROLES


def readers() -> tuple[str, ...]:
    """Who a revision view (``compare``, ``contributions_report`` as html, pdf or docx) is for."""
    from letterkit.diffs.places import READERS

    return READERS


def styles() -> tuple[str, ...]:
    """The print styles."""
    from letterkit.compose.styling import STYLES

    return STYLES
