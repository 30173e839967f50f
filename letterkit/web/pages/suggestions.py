"""Suggestions, as in Word: the patient's changes, each accepted or rejected by the therapist.

One form, a button per change and "Accept all" / "Reject all": it works the same with
JavaScript on or off. A decision made, the page is shown again (a redirect, so reloading
never decides twice) with what was done.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from letterkit.errors import ConflictError, HistoryError, LetterkitError
from letterkit.web.pages.common import posted, show, title
from letterkit.web.site import Site

VERDICTS = {"accept": True, "reject": False}


class SuggestionsPage:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.ws = site.workspace

    def page(
        self, name: str, *, status: int = 200, message: str = "", error: str = "", by: str = ""
    ) -> HTMLResponse:
        letter = self.site.name(name)
        found = self.ws.suggestions(letter)
        work = self.ws.read_work(letter)
        titles = self.ws.draft_titles(letter) if found.draft is not None else {}
        return show(
            "suggestions.html",
            status,
            name=name,
            title=title(work.data, name),
            found=found,
            draft_title=titles.get(found.draft.number, "") if found.draft else "",
            base_title=titles.get(found.base.number, "") if found.base else "",
            by=by or found.decider,
            message=message,
            error=error,
        )

    def decide(self, name: str, form: Mapping[str, str]) -> Response:
        verdict, _, which = form.get("decide", "").partition(":")
        by = form.get("_by", "").strip()
        if verdict not in VERDICTS or not which:
            return self.page(name, status=400, error="Choose Accept or Reject for a change.", by=by)
        if not by:
            return self.page(name, status=422, error="Enter your name, so that the history says who decided.")
        ids = None if which == "all" else [which]
        try:
            made = self.ws.decide(
                self.site.name(name), ids, VERDICTS[verdict], by, version=form.get("_version") or None
            )
        except (ConflictError, HistoryError, LetterkitError) as refused:
            return self.page(name, status=409, error=str(refused).split(": ", 1)[-1], by=by)
        done = "accepted" if VERDICTS[verdict] else "rejected"
        query = urlencode({"done": done, "n": len(made), "by": by})
        return RedirectResponse(f"/letters/{quote(name)}/suggestions?{query}#message", status_code=303)


def said(done: str, count: int) -> str:
    """What a decision did, for the page's message."""
    if done not in ("accepted", "rejected") or count < 1:
        return ""
    changes = "1 change" if count == 1 else f"{count} changes"
    kept = (
        "kept in the letter" if done == "accepted" else "taken back out, and the letter saved as a new draft"
    )
    return f"{changes} {done}: {kept}. The history records the decision."


def router(site: Site) -> APIRouter:
    r = APIRouter(default_response_class=HTMLResponse)
    pages = SuggestionsPage(site)

    @r.get("/letters/{name}/suggestions")
    def suggestions(name: str, done: str = "", n: int = 0, by: str = "") -> HTMLResponse:
        return pages.page(name, message=said(done, n), by=by)

    @r.post("/letters/{name}/suggestions")
    async def decide(name: str, request: Request) -> Response:
        form = await posted(request)
        return await run_in_threadpool(pages.decide, name, form)

    return r
