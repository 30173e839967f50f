"""A letter's history: its drafts, what changed between two, who wrote which words."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from letterkit.web.pages.common import letter_view, show, style_of, title
from letterkit.web.site import Site


def router(site: Site) -> APIRouter:
    r = APIRouter(default_response_class=HTMLResponse)
    ws = site.workspace

    @r.get("/letters/{name}/history")
    def history(
        name: str, a: str = "", b: str = "", view: str = "", reader: str = "therapist"
    ) -> HTMLResponse:
        letter = site.name(name)
        saved, check, work = ws.history(letter), ws.verify(letter), ws.read_work(letter)
        style = style_of(work.data)
        shown = heading = ""
        if view == "contributions" and saved:
            shown = letter_view(site, ws.contributions_report(letter, "html", reader=reader).content, style)
            heading = "Who wrote which words"
        elif a and b and saved:
            shown = letter_view(
                site, ws.compare(site.spec(name, a), site.spec(name, b), "html", reader=reader).content, style
            )
            heading = f"What changed from draft {a} to {b}"
        return show(
            "history.html",
            name=name,
            title=title(work.data, name),
            drafts=list(reversed(saved)),
            problems=[site.relative(p) for p in check.problems],
            shown=shown,
            heading=heading,
            a=a or (str(saved[-2].number) if len(saved) > 1 else ""),
            b=b or (str(saved[-1].number) if saved else ""),
        )

    return r
