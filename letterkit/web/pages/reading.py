"""Reading the letter together: each text the patient reads, their changes saved as their draft."""

from __future__ import annotations

import html
from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from letterkit.errors import ConflictError, HistoryError, LetterValidationError
from letterkit.web import forms
from letterkit.web.pages.common import posted, show, title
from letterkit.web.site import Site
from letterkit.workspace.results import Passage


def heading(passage: Passage) -> str:
    """A passage's heading in the words of the form: its section, its part, its number."""
    text = forms.HEADINGS.get(passage.section, passage.section)
    if passage.leaf is not None:
        text = f"{text}: {forms.LABELS.get(passage.leaf, passage.leaf).lower()}"
    return f"{text} ({passage.number})" if passage.number is not None else text


def marked(changes: tuple[tuple[str, str], ...]) -> str:
    """The words new since the therapist's draft in <mark>, as escaped HTML."""
    return "".join(
        f"<mark>{html.escape(words)}</mark>" if op == "+" else html.escape(words) for op, words in changes
    )


def texts_of(form: Mapping[str, str]) -> dict[str, str]:
    return {k: v.replace("\r\n", "\n") for k, v in form.items() if not k.startswith("_")}


class ReadingPage:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.ws = site.workspace

    def page(
        self,
        name: str,
        *,
        status: int = 200,
        message: str = "",
        error: str = "",
        texts: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        reading = self.ws.reading(self.site.name(name), texts)
        sections = [
            {
                "path": p.path,
                "heading": heading(p),
                "text": p.text,
                "marked": marked(p.changes),
                "rows": max(3, min(16, len(p.text) // 60 + p.text.count("\n") + 2)),
            }
            for p in reading.passages
        ]
        return show(
            "read.html",
            status,
            name=name,
            title=title(reading.data, name),
            sections=sections,
            version=reading.version,
            message=message,
            error=error,
            has_base=reading.has_base,
        )

    def save(self, name: str, form: Mapping[str, str]) -> HTMLResponse:
        texts = texts_of(form)
        author = (form.get("_author", "patient"), form.get("_author_name", ""), form.get("_note", ""))
        try:
            result = self.ws.save_reading(self.site.name(name), texts, form.get("_version"), *author)
        except (ConflictError, HistoryError) as refused:
            return self.page(name, status=409, error=str(refused).split(": ", 1)[-1], texts=texts)
        except LetterValidationError as wrong:
            detail = "; ".join(f"{forms.plain_label(p.path)}: {p.message}" for p in wrong.problems)
            return self.page(name, status=422, error=f"Nothing was saved: {detail}", texts=texts)
        return self.page(name, message=result.message)

    def words(self, name: str, form: Mapping[str, str]) -> HTMLResponse:
        changes = self.ws.word_changes(self.site.name(name), texts_of(form))
        return HTMLResponse("".join(marked(c) for c in changes.values()))


def router(site: Site) -> APIRouter:
    r = APIRouter(default_response_class=HTMLResponse)
    pages = ReadingPage(site)

    @r.get("/letters/{name}/read")
    def read(name: str) -> HTMLResponse:
        return pages.page(name)

    @r.post("/letters/{name}/read")
    async def read_save(name: str, request: Request) -> HTMLResponse:
        form = await posted(request)
        return await run_in_threadpool(pages.save, name, form)

    @r.post("/letters/{name}/words")
    async def words(name: str, request: Request) -> HTMLResponse:
        form = await posted(request)
        return await run_in_threadpool(pages.words, name, form)

    return r
