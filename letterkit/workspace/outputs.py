"""Rendering letters: one letter object, one letter in the store, or many into a folder."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import replace as dc_replace
from pathlib import Path
from typing import TYPE_CHECKING

from letterkit import writers
from letterkit.errors import LetterkitError, OptionsError, OutputError
from letterkit.files import ensure_dir, write_atomic
from letterkit.model.schema import LetterBase
from letterkit.model.settings import Settings
from letterkit.rendering import Rendered, Renderer
from letterkit.review.unseen import refuse_unseen
from letterkit.workspace.base import PathLike
from letterkit.workspace.results import Opened, RenderedFile, RenderReport
from letterkit.workspace.signoff import SignOffs, sign_offs
from letterkit.writers.document import DEFAULT_OPTIONS, Marks, RenderOptions

if TYPE_CHECKING:
    from letterkit.writers.history import DraftHistory

log = logging.getLogger(__name__)

LETTER_SUFFIXES = (".yaml", ".yml", ".json")


def options_for(format: str | RenderOptions) -> RenderOptions:
    """Options from a format's name, or the options themselves."""
    return format if isinstance(format, RenderOptions) else RenderOptions(format=format)


class Outputs(SignOffs):
    def render(
        self,
        letter: LetterBase,
        format: str | RenderOptions = writers.DEFAULT_FORMAT,
        *,
        settings: Settings | None = None,
        draft_label: str | None = None,
        reference: str | None = None,
        source: bytes | None = None,
        source_name: str = "letter.yaml",
    ) -> Rendered:
        """Render a letter object in a format (or with full ``RenderOptions``), with any
        warnings (e.g. a refused fetch); text for md and html, bytes for the others."""
        return self.renderer.render(
            letter,
            options_for(format),
            settings=settings or self.settings(),
            draft_label=draft_label,
            reference=reference,
            source=source,
            source_name=source_name,
        )

    def render_file(
        self, spec: PathLike, options: RenderOptions = DEFAULT_OPTIONS, out: PathLike | None = None
    ) -> RenderedFile:
        """Open ``NAME`` or ``NAME@REV``, render it with the service's settings, and write it.

        A field that reads as notes or speaks about the patient is a warning (``file:line:
        field: …``); in an agreed or final letter it is refused (``UnseenNotesError``) unless
        the letter lists it under ``reviewed:``. A final letter that needs a supervisor's
        sign-off is refused (``SignOffNeededError``) unless it is signed off as it is.

        ``out`` is the file to write, atomically (``-``: only returned). Without it, text
        formats are only returned (``result.rendered``) and the others are written beside the
        letter, as ``peter.pdf`` (or ``peter-draft2.pdf`` for a saved draft). The letter file
        itself is never overwritten.
        """
        options = options.for_output(out)
        opened = self.open(spec)
        self._require_sign_off_to_print(opened)
        source = opened.file
        output = options.output_format
        # notes never reach a patient unseen: warned about in a draft, refused once agreed
        unseen, own = self.unseen(opened)
        refuse_unseen(unseen, opened.letter.status, opened.label)
        rendered = self.renderer.render(
            opened.letter,
            options,
            settings=self.settings(source),
            draft_label=self.draft_label(opened),
            reference=self.reference(opened),
            source=opened.content,
            source_name=Path(source).name,
            patients_own=own,
            history=self._draft_history(opened) if output.history else None,
        )
        target: str | None = None if out is None or os.fspath(out) == "-" else os.fspath(out)
        if out is None and output.binary:
            draft = opened.revision.draft
            file = self._file(source) or source
            target = (
                str(Path(file).with_suffix("")) + (f"-draft{draft.number}" if draft else "") + output.suffix
            )
        if target is not None:
            self._refuse_overwriting_letter(target, source, chosen=out is not None)
            write_atomic(target, rendered.data)
        warnings = (*(str(u) for u in unseen), *rendered.warnings)
        return RenderedFile(os.fspath(spec), target, None, warnings, rendered)

    def render_files(
        self,
        inputs: Sequence[PathLike],
        options: RenderOptions = DEFAULT_OPTIONS,
        out: PathLike | None = None,
        *,
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
            return RenderReport((self.render_file(inputs[0], options, out),))
        if not out:
            raise OptionsError("several letters (or a folder) need an output folder", "output")
        files = expand_inputs(inputs)
        if not files:
            raise OptionsError(f"no letter files ({', '.join(LETTER_SUFFIXES)}) found")
        if progress:
            progress(len(files), None)
        items = self._render_batch(files, out, options, workers=workers, progress=progress)
        return RenderReport(tuple(items), os.fspath(out))

    def _render_batch(
        self,
        files: Sequence[str],
        out_dir: PathLike,
        options: RenderOptions,
        *,
        workers: int | None = None,
        progress: Callable[[int, RenderedFile | None], None] | None = None,
    ) -> list[RenderedFile]:
        """Render letter files into ``out_dir`` (created if missing), in parallel, one process
        per core, each holding one renderer. A bad letter never stops the batch."""
        import concurrent.futures
        import multiprocessing

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
            for source, output in todo:
                finished(self._render_one(source, output, options))
        else:
            # forkserver: safe however many threads the caller runs (plain fork is not).
            context = multiprocessing.get_context("forkserver")
            with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = {
                    pool.submit(_render_in_worker, s, o, options, self.settings_file): s for s, o in todo
                }
                for future in concurrent.futures.as_completed(futures):
                    source = futures[future]
                    try:
                        finished(future.result())
                    except Exception as error:  # a worker that died: report it, keep going
                        finished(RenderedFile(source, None, f"{source}: the render process failed ({error})"))
        return [results[f] for f in files]

    def _render_one(self, source: str, output: str, options: RenderOptions) -> RenderedFile:
        try:
            return self.render_file(source, options, output)
        except LetterkitError as error:
            return RenderedFile(source, None, str(error))
        except Exception as error:  # one letter's failure must not stop the caseload
            log.debug("unexpected failure rendering %s", source, exc_info=True)
            return RenderedFile(source, None, f"{source}: unexpected error: {type(error).__name__}: {error}")

    # ----------------------------------------------------------------- shared by the views

    def _draft_history(self, opened: Opened) -> DraftHistory | None:
        """The saved drafts up to the version ``opened`` is, each with who signed it off, and
        the sign-offs that hold for that version (None when the letter has no saved draft)."""
        from letterkit.writers.history import DraftHistory, SavedDraft, SignedBy

        key = opened.file
        saved = self.store.drafts(key)
        if not saved:
            return None
        rendered = opened.revision.draft
        if rendered is None and hashlib.sha256(opened.content).hexdigest() == saved[-1].content_sha256:
            rendered = saved[-1]
        upto = [d for d in saved if rendered is None or d.number <= rendered.number]
        records = self.store.attestations(key)
        signed: dict[int, list[SignedBy]] = {}
        for record in records:
            if any(d.number == record.draft and d.hash == record.draft_hash for d in upto):
                signed.setdefault(record.draft, []).append(
                    SignedBy(record.supervisor, record.time, record.note)
                )
        holding = sign_offs(self.store, key, upto) if rendered is not None else []
        return DraftHistory(
            tuple(
                SavedDraft(
                    d.number,
                    d.hash,
                    d.time,
                    d.role,
                    d.name,
                    d.status,
                    d.event,
                    tuple(signed.get(d.number, ())),
                )
                for d in upto
            ),
            rendered.number if rendered is not None else None,
            tuple(SignedBy(s.supervisor, s.time, s.note) for s in holding if s.holds),
        )

    def _render_marked(
        self, opened: Opened, format: str, marks: Marks, settings: Settings | None
    ) -> Rendered:
        return self.renderer.render(
            opened.letter,
            RenderOptions(format=format),
            settings=settings or self.settings(opened.file),
            draft_label=self.draft_label(opened),
            reference=self.reference(opened),
            marks=marks,
        )

    def _beside(self, spec: PathLike, what: str, format: str) -> str | None:
        """``peter.redline.pdf`` beside ``peter.yaml`` for a file format; None for a text format."""
        output = writers.get(format)
        if not output.binary:
            return None
        file = self.store.resolve(os.fspath(spec)).file
        return str(Path(self._file(file) or file).with_suffix("")) + f".{what}{output.suffix}"

    def _write_output(
        self, out: PathLike | None, content: str | bytes, inputs: Sequence[PathLike] = ()
    ) -> str | None:
        if out is None or os.fspath(out) == "-":
            return None
        for spec in inputs:  # never over a letter the output was made from
            self._refuse_overwriting_letter(os.fspath(out), self.store.resolve(os.fspath(spec)).file)
        write_atomic(out, content)
        return os.fspath(out)

    def _refuse_overwriting_letter(self, target: str, source: str, *, chosen: bool = True) -> None:
        """Never write an output over the letter file it was made from (by any name for it)."""
        source = self._file(source) or source
        same = os.path.abspath(target) == os.path.abspath(source)
        try:
            same = same or os.path.samefile(target, source)
        except OSError:
            pass
        if not same:
            return
        if chosen:
            raise OptionsError(
                f"{target}: is the letter itself; choose another name for the output", "output"
            )
        raise OutputError(
            f"{target}: is the letter file itself, so the output is not written over it; "
            "choose another name for the output, or rename the letter file (e.g. to .yaml)"
        )


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


_worker_renderer: Renderer | None = None


def _render_in_worker(
    source: str, output: str, options: RenderOptions, settings_file: str | None
) -> RenderedFile:
    """In a batch worker process: render with the process's one renderer (made on its first letter)."""
    global _worker_renderer
    if _worker_renderer is None:
        _worker_renderer = Renderer()
    item = Outputs(settings_file=settings_file, renderer=_worker_renderer)._render_one(
        source, output, options
    )
    return dc_replace(item, rendered=None)  # the bytes are on disk; do not ship them back
