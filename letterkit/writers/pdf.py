"""HTML to PDF bytes with WeasyPrint: the only module that imports it.

WeasyPrint's default fetcher would read any local file or URL a document names. Letters hold
text typed by people and pasted from other systems, so rendering goes through
``LockedFetcher``: it serves the bundled fonts and the files a service named in its settings,
by exact name, and refuses everything else. Each refusal is reported back as a warning.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import logging
import os
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from letterkit.errors import LetterkitError, RenderError
from letterkit.files import read_bytes
from letterkit.model.loading import MAX_BYTES, decode, load_text
from letterkit.resources import styles_dir
from letterkit.writers.worker import shared_pool

if TYPE_CHECKING:
    from letterkit.writers.document import Document
    from letterkit.writers.worker import WorkerPool

log = logging.getLogger(__name__)

ASSET_SCHEME = "letterkit-asset"
"""URLs ``letterkit-asset:NAME`` name a bundled font or a service's file; nothing else loads."""

_FONT_FACES = """
@font-face { font-family: "Open Sans"; font-weight: 400;
  src: url("letterkit-asset:fonts/OpenSans-Regular.ttf"); }
@font-face { font-family: "Open Sans"; font-weight: 600;
  src: url("letterkit-asset:fonts/OpenSans-Semibold.ttf"); }
@font-face { font-family: "Open Sans"; font-weight: 700;
  src: url("letterkit-asset:fonts/OpenSans-Bold.ttf"); }
"""

_BUNDLED_FONTS = ("OpenSans-Regular.ttf", "OpenSans-Semibold.ttf", "OpenSans-Bold.ttf")


def bundled_assets() -> dict[str, Path]:
    """The files every letter may use: letterkit's own fonts."""
    fonts = styles_dir() / "fonts"
    return {f"fonts/{name}": fonts / name for name in _BUNDLED_FONTS}


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LockedFetcher(URLFetcher):  # type: ignore[misc]
        """Serves named assets by exact name; refuses every other URL and records it."""

        def __init__(self, assets: Mapping[str, Path]) -> None:
            super().__init__(allowed_protocols={ASSET_SCHEME}, allow_redirects=False)
            self.assets = dict(assets)
            self.refused: list[str] = []
            self.served: list[str] = []
            self.failed: list[str] = []
            """Files named in the settings that could not be read: these fail the render."""
            self._lock = threading.Lock()

        def fetch(self, url: str, headers: Any = None) -> Any:
            prefix = ASSET_SCHEME + ":"
            name = url[len(prefix) :] if url.startswith(prefix) else None
            path = self.assets.get(name) if name is not None else None
            if path is None:
                with self._lock:
                    self.refused.append(url)
                raise ValueError(f"letterkit refuses to fetch {url!r}")
            try:
                body = read_bytes(path, what="file a letter uses")  # bounded: no device or FIFO
            except OSError as error:
                with self._lock:
                    self.failed.append(f"{path}: cannot be used: {error.strerror or error}")
                raise ValueError(f"letterkit cannot read {url!r}") from None
            with self._lock:
                self.served.append(url)
            return URLFetcherResponse(url, body=body, headers={"Content-Type": _mime(path)})

    return LockedFetcher


def _mime(path: Path) -> str:
    return {
        ".ttf": "font/ttf",
        ".otf": "font/otf",
        ".woff": "font/woff",
        ".woff2": "font/woff2",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".svg": "image/svg+xml",
        ".css": "text/css",
    }.get(path.suffix.lower(), "application/octet-stream")


def make_fetcher(extra_assets: Mapping[str, str | os.PathLike[str]] | None = None) -> Any:
    """A fetcher serving the bundled fonts and, by exact name, the service's own files."""
    assets: dict[str, Path] = bundled_assets()
    for name, path in (extra_assets or {}).items():
        assets[name] = Path(path)
    return _fetcher_class()(assets)


DEFAULT_TIMEOUT = 60.0
"""Seconds a PDF may take to lay out before it is stopped (a letter takes well under one)."""


def html_to_pdf(
    html: str,
    *,
    assets: Mapping[str, str | os.PathLike[str]] | None = None,
    fetcher: Any = None,
    tagged: bool = True,
    variant: str | None = "pdf/ua-1",
    attachments: Sequence[tuple[str, bytes]] = (),
    timeout: float | None = DEFAULT_TIMEOUT,
    attachment_time: Any = None,
    fonts: FontPool | None = None,
    alternatives: Callable[[], Sequence[str]] | None = None,
    workers: WorkerPool | None = None,
) -> tuple[bytes, list[str]]:
    """Lay out ``html`` as a PDF. Returns the bytes and a warning for each refused fetch.

    When the layout leaves the diagram off page 1, ``alternatives`` gives other versions of
    the letter (the diagram shrunk, or moved): the first that puts it on page 1 is used, else
    the one with the fewest pages (the last of them on a tie).

    With a ``timeout``, the layout runs in a worker process (``workers``, else the shared pool)
    that is stopped, with a RenderError, if it runs past ``timeout`` seconds: WeasyPrint's
    layout cannot check a clock, and no thread is ever interrupted. Without one (or with a
    ``fetcher`` of the caller's, which cannot cross into a process), it runs in this thread
    with ``fonts``.
    """
    if timeout and fetcher is None:
        result: tuple[bytes, list[str]] = (workers or shared_pool()).run(
            f"{__name__}:layout_job",
            html,
            {name: os.fspath(path) for name, path in (assets or {}).items()},
            tagged,
            variant,
            list(attachments),
            attachment_time,
            prepare=__name__,
            timeout=timeout,
            error=lambda: RenderError(_too_long(timeout)),
            answers={"alternatives": lambda: list(alternatives()) if alternatives else []},
        )
        return result
    _import_weasyprint()
    pool = fonts or FontPool()
    with pool.borrow() as loaded:
        return _layout(
            html, assets, fetcher, tagged, variant, attachments, attachment_time, loaded, alternatives
        )


_WORKER_FONTS: FontPool | None = None
"""In a worker process: its fonts, loaded once (``prepare_worker``)."""


def prepare_worker() -> None:
    """In a worker process, before its first job: import WeasyPrint and load the fonts."""
    global _WORKER_FONTS
    _import_weasyprint()
    if _WORKER_FONTS is None:
        _WORKER_FONTS = FontPool()
        with _WORKER_FONTS.borrow():
            pass


def layout_job(
    html: str,
    assets: Mapping[str, str],
    tagged: bool,
    variant: str | None,
    attachments: Sequence[tuple[str, bytes]],
    attachment_time: Any,
    *,
    ask: Callable[[str], Any],
) -> tuple[bytes, list[str]]:
    """In a worker process: ``html_to_pdf``'s layout; other versions of the letter are asked for
    only if the first leaves its diagram off page 1."""
    prepare_worker()
    assert _WORKER_FONTS is not None
    with _WORKER_FONTS.borrow() as loaded:
        return _layout(
            html,
            assets,
            None,
            tagged,
            variant,
            attachments,
            attachment_time,
            loaded,
            lambda: ask("alternatives"),
        )


class FontPool:
    """WeasyPrint font configurations with letterkit's fonts loaded, kept between renders.

    Loading the bundled fonts into a ``FontConfiguration`` is a good part of a short letter's
    render time, so a renderer keeps them. A configuration is not shared by two renders at once:
    each render borrows one (making one if all are busy) and gives it back, so a pool serves
    any number of threads. One whose render failed is dropped, not reused.
    """

    def __init__(self) -> None:
        self._free: list[tuple[Any, Any]] = []
        self._lock = threading.Lock()
        _POOLS.add(self)

    def clear(self) -> None:
        """Drop the loaded fonts (the next render loads them again)."""
        with self._lock:
            self._free.clear()

    @contextlib.contextmanager
    def borrow(self) -> Iterator[tuple[Any, Any]]:
        with self._lock:
            loaded = self._free.pop() if self._free else None
        if loaded is None:
            loaded = _load_fonts()
        yield loaded  # an exception leaves it out of the pool
        with self._lock:
            self._free.append(loaded)


_POOLS: weakref.WeakSet[FontPool] = weakref.WeakSet()


@atexit.register
def _clear_pools() -> None:
    # A pool kept to the end (the shared renderer's) lets its fonts go while WeasyPrint is still
    # whole: its finaliser, run during the interpreter's teardown, prints a traceback.
    for pool in list(_POOLS):
        pool.clear()


def _load_fonts() -> tuple[Any, Any]:
    weasyprint = _import_weasyprint()
    fonts = weasyprint.text.fonts.FontConfiguration()
    stylesheet = weasyprint.CSS(string=_FONT_FACES, url_fetcher=make_fetcher(), font_config=fonts)
    return fonts, stylesheet


def _import_weasyprint() -> Any:
    try:
        import weasyprint
        import weasyprint.text.fonts
    except (ImportError, OSError) as error:
        raise RenderError(
            f"PDF output needs WeasyPrint and the Pango library ({error}); "
            "run the install command in the README"
        ) from None
    return weasyprint


def _too_long(timeout: float) -> str:
    return f"the PDF took longer than {timeout:g} seconds to lay out and was stopped — is the letter unusually long?"


def _layout(
    html: str,
    assets: Mapping[str, str | os.PathLike[str]] | None,
    fetcher: Any,
    tagged: bool,
    variant: str | None,
    attachments: Sequence[tuple[str, bytes]],
    attachment_time: Any,
    loaded: tuple[Any, Any],
    alternatives: Callable[[], Sequence[str]] | None = None,
) -> tuple[bytes, list[str]]:
    weasyprint = _import_weasyprint()
    fetcher = fetcher or make_fetcher(assets)
    fonts, stylesheet = loaded
    options = {
        "stylesheets": [stylesheet],
        "pdf_tags": tagged,
        "pdf_variant": variant,
        "presentational_hints": False,
    }
    try:

        def lay_out(source: str) -> Any:
            page = weasyprint.HTML(string=source, base_url=None, url_fetcher=fetcher)
            return page.render(font_config=fonts, **options)

        document = lay_out(html)
        if alternatives is not None and _diagram_page(document) not in (None, 0):
            tried = [document]
            for source in alternatives():
                tried.append(lay_out(source))
                if _diagram_page(tried[-1]) == 0:
                    break
            on_first = [d for d in tried if _diagram_page(d) == 0]
            document = on_first[0] if on_first else min(reversed(tried), key=lambda d: len(d.pages))
        files = [
            weasyprint.Attachment(
                file_obj=io.BytesIO(data),
                name=name,
                description="The letter's source data (letterkit)",
                relationship="Source",
                url_fetcher=fetcher,
                # Dated like the letter, so the same letter always gives the same bytes.
                created=attachment_time,
                modified=attachment_time,
            )
            for name, data in attachments
        ]
        pdf = document.write_pdf(**options, attachments=files or None)
    except RecursionError:
        raise RenderError("the letter is nested too deeply to lay out") from None
    except Exception as error:  # WeasyPrint raises many kinds; the caller needs one.
        log.debug("WeasyPrint failed", exc_info=True)
        raise RenderError(f"the PDF could not be laid out: {error}") from None
    failed = getattr(fetcher, "failed", None)
    if failed:
        raise RenderError(f"{failed[0]} (a file named in the settings' [files])")
    warnings = [
        f"refused to fetch {url!r}: a letter can only use letterkit's fonts and the files named in the settings"
        for url in fetcher.refused
    ]
    return bytes(pdf), warnings


def _diagram_page(document: Any) -> int | None:
    """The page (from 0) the letter's diagram is laid out on, or None when it has none."""

    def boxes(box: Any) -> Iterator[Any]:
        yield box
        for child in getattr(box, "children", None) or ():
            yield from boxes(child)

    for number, page in enumerate(document.pages):
        for box in boxes(page._page_box):
            if getattr(box, "element_tag", None) == "figure" and "diagram" in (
                (box.element.get("class") or "").split() if box.element is not None else []
            ):
                return number
    return None


def write(document: Document) -> bytes:
    """The letter as an A4 PDF: tagged for screen readers, or PDF/A-3a with its source attached."""
    options = document.options
    attachments = []
    if options.archive:
        source, name = document.source, document.source_name
        if source is None:
            source = json.dumps(document.letter.model_dump(mode="json", by_alias=True), indent=2).encode()
            name = "letter.json"
        attachments.append((name, source))
    marked = bool(document.marks.fields or document.marks.lists)
    pdf, warnings = html_to_pdf(
        document.html(),
        alternatives=document.diagram_alternatives,
        assets=document.settings.files,
        tagged=options.tagged,
        variant="pdf/a-3a" if options.archive else ("pdf/ua-1" if options.tagged else None),
        attachments=attachments,
        timeout=options.timeout,
        attachment_time=None if marked else document.letter_time(),
        fonts=document.fonts,
        workers=document.workers,
    )
    document.warnings.extend(warnings)
    return pdf


LETTER_SUFFIXES = (".yaml", ".yml", ".json")
MAX_ATTACHMENTS = 16
"""Most attachments ``extract`` looks at; letterkit's archival PDFs carry one."""
LETTER_MEDIA_TYPES = {
    "application/octet-stream",  # what WeasyPrint records
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    "text/x-yaml",
    "application/json",
    "text/plain",
}


def extract_attachment(pdf: bytes, name: str = "PDF") -> tuple[str, bytes]:
    """The letter source attached to an archival PDF: its file name and exact bytes.

    Only an attachment that letterkit would have made is taken: named like a letter file
    (.yaml, .yml, .json), with a letter's media type, inflating to no more than a letter's
    size limit (checked while inflating), and parsing as a valid letter. Any other attachment
    is passed over, never returned.
    """
    from pypdf import PdfReader

    problems: list[str] = []
    try:
        for count, item in enumerate(PdfReader(io.BytesIO(pdf)).attachment_list, 1):
            if count > MAX_ATTACHMENTS:  # each may be parsed as a letter: the work is bounded
                raise RenderError(
                    f"{name}: has more than {MAX_ATTACHMENTS} attachments, so it is not an archival PDF "
                    "from letterkit (those carry one, the letter); nothing was extracted"
                )
            filename = str(item.name)
            if not filename.lower().endswith(LETTER_SUFFIXES):
                problems.append(f"{filename!r} is not named like a letter file")
                continue
            media = str(item.subtype or "/application/octet-stream").lstrip("/").replace("#2F", "/").lower()
            if media not in LETTER_MEDIA_TYPES:
                problems.append(f"{filename!r} is {media}, not a letter file")
                continue
            data = _inflate(item._embedded_file, MAX_BYTES)
            if data is None:
                problems.append(f"{filename!r} is larger than a letter can be, or compressed oddly")
                continue
            try:
                load_text(decode(data, filename), filename)
            except LetterkitError:
                problems.append(f"{filename!r} is not a valid letter")
                continue
            return filename, data
    except RenderError:
        raise
    except Exception as error:  # pypdf raises many kinds on a damaged file
        raise RenderError(f"{name}: is not a readable PDF, or its attachment is damaged ({error})") from None
    if problems:
        raise RenderError(f"{name}: has no attached letter from letterkit ({'; '.join(problems)})")
    raise RenderError(f"{name}: has no attached letter; only archival PDFs do")


def _inflate(stream: Any, limit: int) -> bytes | None:
    """An embedded file's bytes, or None if they would be over ``limit`` (checked while
    inflating, so a small PDF cannot unpack gigabytes) or use another compression."""
    import zlib

    raw = bytes(stream._data)
    filters = stream.get("/Filter")
    if isinstance(filters, list) and len(filters) == 1:
        filters = filters[0]
    if filters is None:
        return raw if len(raw) <= limit else None
    if str(filters) != "/FlateDecode" or stream.get("/DecodeParms"):
        return None
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(raw, limit + 1)
    except zlib.error:
        return None
    return data if len(data) <= limit else None
