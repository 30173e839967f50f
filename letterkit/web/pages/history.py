"""A letter's history: its drafts, their sign-offs and the decisions on suggestions; what changed between two
drafts and who wrote which words, for the therapist or as the patient's copy, with PDF and
Word downloads of both."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from letterkit import registries, writers
from letterkit.web.pages.common import letter_view, show, style_of, title
from letterkit.web.site import NameError_, Site

MARKED = sorted(
    (f for f in writers.FORMATS.values() if f.marked and f.binary), key=lambda f: f.name != writers.PDF
)
CHANGE_DOWNLOADS = tuple((f.name, f.label or f.name) for f in MARKED)
"""What a comparison can be downloaded as (a PDF; a Word document, its changes tracked), PDF
first: the default."""
MEDIA = {f.name: f.media_type for f in MARKED}


def _reader(reader: str) -> str:
    return reader if reader in registries.readers() else registries.readers()[0]


class HistoryPage:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.ws = site.workspace

    def history(self, name: str) -> HTMLResponse:
        letter = self.site.name(name)
        saved, check, work = self.ws.history(letter), self.ws.verify(letter), self.ws.read_work(letter)
        return show(
            "history.html",
            name=name,
            title=title(work.data, name),
            drafts=list(reversed(saved)),
            titles=self.ws.draft_titles(letter),
            decisions=self.ws.decision_notes(letter),
            sign_offs=list(reversed(self.ws.attestations(letter))),
            problems=[self.site.relative(p) for p in check.problems],
            a=str(saved[-2].number) if len(saved) > 1 else "",
            b=str(saved[-1].number) if saved else "",
        )

    def changes(self, name: str, a: str, b: str, reader: str) -> HTMLResponse:
        """What changed from draft ``a`` to ``b`` (both empty: who wrote which words)."""
        letter, reader = self.site.name(name), _reader(reader)
        work = self.ws.read_work(letter)
        titles = self.ws.draft_titles(letter, reader=reader)
        if a and b:
            made = self.ws.compare(self.site.spec(name, a), self.site.spec(name, b), "html", reader=reader)
            shown = made.content
        else:
            shown = self.ws.contributions_report(letter, "html", reader=reader).content
        return show(
            "compare.html",
            name=name,
            title=title(work.data, name),
            a=a,
            b=b,
            reader=reader,
            from_title=titles.get(int(a), f"Draft {a}") if a.isdigit() else a,
            to_title=titles.get(int(b), f"Draft {b}") if b.isdigit() else b,
            shown=letter_view(self.site, shown, style_of(work.data)),
            downloads=CHANGE_DOWNLOADS,
            damaged=bool(self.ws.verify(letter).problems),
        )

    def download(self, name: str, a: str, b: str, reader: str, what: str) -> Response:
        letter, reader = self.site.name(name), _reader(reader)
        if what not in MEDIA:
            raise NameError_(
                f"{what!r} is not a download: choose {' or '.join(label for _, label in CHANGE_DOWNLOADS)}"
            )
        if a and b:
            content = self.ws.compare(
                self.site.spec(name, a), self.site.spec(name, b), what, "-", reader=reader
            ).content
            stem = f"{Path(name).stem}-changes-{a}-to-{b}"
        else:
            content = self.ws.contributions_report(letter, what, "-", reader=reader).content
            stem = f"{Path(name).stem}-whose-words"
        filename = f"{stem}{'-for-patient' if reader == 'patient' else ''}.{what}"
        return Response(
            content,
            media_type=MEDIA[what],
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


def router(site: Site) -> APIRouter:
    r = APIRouter(default_response_class=HTMLResponse)
    pages = HistoryPage(site)

    @r.get("/letters/{name}/history")
    def history(
        name: str, a: str = "", b: str = "", view: str = "", reader: str = "therapist"
    ) -> HTMLResponse:
        if view == "contributions":
            return pages.changes(name, "", "", reader)
        if a and b:
            return pages.changes(name, a, b, reader)
        return pages.history(name)

    @r.get("/letters/{name}/history/download")
    def download(
        name: str,
        a: str = "",
        b: str = "",
        reader: str = "therapist",
        what: str = Query(CHANGE_DOWNLOADS[0][0]),
    ) -> Response:
        return pages.download(name, a, b, reader, what)

    return r
