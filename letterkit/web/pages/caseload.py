"""The caseload: every letter in the folder, starting a new one (asking first when the patient
has one of that kind), the goodbye letter from a formulation, and the archive."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from letterkit import registries
from letterkit.errors import SamePatientError
from letterkit.model import kinds
from letterkit.web.pages.common import posted, show
from letterkit.web.site import Site


class CaseloadPage:
    """The caseload for one site: each method does one request's work, off the event loop."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.ws = site.workspace

    def page(
        self, status: int = 200, error: str = "", asked: Mapping[str, str] | None = None
    ) -> HTMLResponse:
        return show(
            "caseload.html",
            status,
            letters=self.ws.summaries(),
            archived=self.ws.summaries(archived=True),
            kinds=registries.letter_kinds(),
            follow_on={k: kinds.get(k).followed_by for k in registries.letter_kinds()},
            error=error,
            asked=asked,
            folder=self.site.folder.name,
        )

    def start(self, form: Mapping[str, str]) -> Response:
        kind, patient = form.get("kind", ""), form.get("patient", "").strip()
        if kind not in registries.letter_kinds() or not patient:
            return self.page(400, "Choose the kind of letter and write the patient's name.")
        try:
            name = self.ws.create(kind, patient, another=form.get("another") == "yes")
        except SamePatientError as same:
            asked = {"question": str(same), "existing": same.existing, "kind": kind, "patient": patient}
            return self.page(asked={**asked, "action": "/letters"})
        return RedirectResponse(f"/letters/{quote(name)}", status_code=303)

    def goodbye(self, name: str, form: Mapping[str, str]) -> Response:
        letter = self.site.name(name)
        try:
            made = self.ws.goodbye_from(letter, another=form.get("another") == "yes")
        except SamePatientError as same:
            asked = {"question": str(same), "existing": same.existing}
            return self.page(asked={**asked, "action": f"/letters/{quote(name)}/goodbye"})
        return RedirectResponse(f"/letters/{quote(made)}", status_code=303)

    def archive(self, name: str, form: Mapping[str, str]) -> Response:
        self.ws.archive(self.site.name(name), form.get("archived", "yes") != "no")
        return RedirectResponse("/#archived" if form.get("archived") != "no" else "/", status_code=303)


def router(site: Site) -> APIRouter:
    r = APIRouter(default_response_class=HTMLResponse)
    pages = CaseloadPage(site)

    @r.get("/")
    def caseload(error: str = "") -> HTMLResponse:
        return pages.page(error=error)

    @r.post("/letters")
    async def new_letter(request: Request) -> Response:
        form = await posted(request)
        return await run_in_threadpool(pages.start, form)

    @r.post("/letters/{name}/goodbye")
    async def goodbye(name: str, request: Request) -> Response:
        form = await posted(request)
        return await run_in_threadpool(pages.goodbye, name, form)

    @r.post("/letters/{name}/archive")
    async def archive(name: str, request: Request) -> Response:
        form = await posted(request)
        return await run_in_threadpool(pages.archive, name, form)

    return r
