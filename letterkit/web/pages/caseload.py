"""The caseload: every letter in the folder, and starting a new one."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from letterkit import registries
from letterkit.web.pages.common import posted, show
from letterkit.web.site import Site


def router(site: Site) -> APIRouter:
    r = APIRouter(default_response_class=HTMLResponse)
    ws = site.workspace

    def page(status: int = 200, error: str = "") -> HTMLResponse:
        return show(
            "caseload.html",
            status,
            letters=ws.summaries(),
            kinds=registries.letter_kinds(),
            error=error,
            folder=site.folder.name,
        )

    @r.get("/")
    def caseload(error: str = "") -> HTMLResponse:
        return page(error=error)

    @r.post("/letters")
    async def new_letter(request: Request) -> Response:
        form = await posted(request)
        kind, patient = form.get("kind", ""), form.get("patient", "").strip()
        if kind not in registries.letter_kinds() or not patient:
            error = "Choose the kind of letter and write the patient's name."
            return await run_in_threadpool(page, 400, error)
        name = await run_in_threadpool(ws.create, kind, patient)
        return RedirectResponse(f"/letters/{quote(name)}", status_code=303)

    return r
