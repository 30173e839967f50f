"""Reading the letter together: the letter as it prints, each paragraph editable in place, the
patient's changes saved as their draft; and what anyone types into a page, kept as they type."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse

from letterkit.errors import LetterkitError, LetterValidationError, UnsavedChangesError
from letterkit.web.pages.common import posted, show, style_of, title
from letterkit.web.site import Site, visitor
from letterkit.workspace.reports import Imported, Reading

NOT_SAVED = "Nothing was saved yet, but what you typed is kept here."
EMPTIED = (
    f"{NOT_SAVED} A part of the letter that needs some words is now empty. Please put some words "
    "back in it, or ask your therapist."
)
CHANGED_ELSEWHERE = (
    f"{NOT_SAVED} Your therapist changed the same part of the letter since you opened it. Please "
    "ask them to look at it with you."
)
ROLES = {"patient": "The patient's suggestions", "joint": "Ours, made together"}


def when(iso: str | None) -> str:
    """'5 December at 18:40' (this computer's time) for an ISO time; empty for none."""
    if not iso:
        return ""
    try:
        moment = dt.datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return ""
    return f"{moment.day} {moment:%B} at {moment:%H:%M}"


def layout(reading: Reading) -> list[dict[str, Any]]:
    """Each paragraph for the template, named for a screen reader by the part it is in."""
    out = []
    heading, count = "The start of the letter", 0
    for p in reading.passages:
        if p.kind in ("heading", "subheading"):
            heading, count = p.text, 0
        elif p.editable:
            count += 1
        out.append(
            {
                "n": p.number,
                "kind": p.kind,
                "part": p.part,
                "text": p.text,
                "value": p.typed if p.typed is not None else p.text,
                "editable": p.editable,
                "label": f"{heading}, paragraph {count}",
                "rows": max(1, len(p.text) // 58 + 1),
                "look": _look(p.text) if p.part == "letterhead" else "",
            }
        )
    return out


def _look(text: str) -> str:
    """The letter's own class for a line of its letterhead, as the printed letter has it."""
    if re.fullmatch(r"\d{1,2} \w+ \d{4}", text):
        return "date"
    if text.lower().startswith("draft"):
        return "draft-note"
    return "confidential" if "confidential" in text.lower() else ""


def saved_message(result: Imported, role: str, person: str) -> str:
    """'Saved as Nora's suggestions, draft 3.' — whose draft it was, in plain words."""
    if result.saved is None:
        return "Nothing has changed yet, so there was nothing to save."
    number = result.saved.draft.number
    if role == "joint":
        return f"Saved as the changes you made together, draft {number}."
    return (
        f"Saved as {person}'s suggestions, draft {number}."
        if person
        else f"Saved as your suggestions, draft {number}."
    )


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
        typed: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        reading = self.ws.reading(self.site.name(name), typed)
        return show(
            "read.html",
            status,
            name=name,
            title=title(reading.data, name),
            reading=reading,
            paragraphs=layout(reading),
            style=style_of(reading.data),
            kind=str(reading.data.get("kind", "")),
            kept=when(reading.kept),
            message=message,
            error=error,
        )

    def save(self, name: str, form: Mapping[str, str]) -> HTMLResponse:
        fields = {k: v for k, v in form.items() if not k.startswith("_")}
        role, person = form.get("_author", "patient"), form.get("_author_name", "").strip()
        if (who := visitor()) is not None and who.patient:
            role = "patient"  # through a patient link, only ever the patient's own suggestions
        draft = form.get("_draft", "")
        try:
            result = self.ws.save_reading(
                self.site.name(name), fields, int(draft) if draft.isdigit() else None, role, person
            )
        except (UnsavedChangesError, LetterValidationError, LetterkitError) as refused:
            self.ws.keep_typed(self.site.name(name), "read", fields)
            error = _plain(refused)
            if isinstance(refused, LetterValidationError):
                error = _emptied(self.ws.reading(self.site.name(name), fields)) or error
            return self.page(name, status=409, error=error, typed=fields)
        return self.page(name, message=saved_message(result, role, person))

    def keep(self, name: str, form: Mapping[str, str]) -> JSONResponse:
        page = form.get("_page", "read")
        fields = {k: v for k, v in form.items() if not k.startswith("_")}
        kept = self.ws.keep_typed(self.site.name(name), page, fields)
        return JSONResponse({"kept": when(kept.time) if kept else ""})

    def typed(self, name: str, page: str) -> JSONResponse:
        kept = self.ws.typed(self.site.name(name), page)
        if kept is None:
            return JSONResponse({"kept": "", "fields": {}})
        return JSONResponse({"kept": when(kept.time), "fields": kept.fields, "over": kept.over})

    def forget(self, name: str, page: str) -> JSONResponse:
        self.ws.forget_typed(self.site.name(name), page)
        return JSONResponse({"kept": ""})


def _emptied(reading: Reading) -> str:
    """Where the patient took out every word of a part the letter needs, in their words."""
    where = [
        p["label"].rsplit(", paragraph", 1)[0]
        for p in layout(reading)
        if p["editable"] and not p["value"].strip()
    ]
    if not where:
        return ""
    places = " and ".join(dict.fromkeys(f"“{w}”" for w in where))
    return (
        f"{NOT_SAVED} A part of the letter that needs some words is now empty (under {places}). "
        "Please put some words back in it, or ask your therapist."
    )


def _plain(refused: LetterkitError) -> str:
    """Why the patient's changes were not saved, in words for the patient."""
    if isinstance(refused, UnsavedChangesError):
        return (
            f"{NOT_SAVED} Your therapist has changes to this letter that are not saved yet: please ask "
            "them to save the letter, then save your changes."
        )
    if isinstance(refused, LetterValidationError):
        return EMPTIED
    return CHANGED_ELSEWHERE


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

    @r.post("/letters/{name}/typed")
    async def keep(name: str, request: Request) -> JSONResponse:
        form = await posted(request)
        return await run_in_threadpool(pages.keep, name, form)

    @r.get("/letters/{name}/typed")
    def typed(name: str, page: str = "letter") -> JSONResponse:
        return pages.typed(name, page)

    @r.post("/letters/{name}/typed/forget")
    def forget(name: str, page: str = "letter") -> JSONResponse:
        return pages.forget(name, page)

    return r
