"""The letter page: the form, its live preview with problems at each field, downloads."""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from letterkit import RenderOptions, registries, writers
from letterkit.errors import (
    ConflictError,
    LetterkitError,
    LetterValidationError,
    SignOffNeededError,
    VersionRequiredError,
)
from letterkit.web import forms
from letterkit.web.pages.common import ARCHIVE, kind_of, posted, show, style_of, title, with_css
from letterkit.web.preview import body_of
from letterkit.web.site import RENDER_TIMEOUT, Site

LIST_ACTIONS = ("add:", "remove:", "up:", "down:")
ACCEPT = "accept:"
"""The action of a suggestion's button: ``accept:PATH`` puts ``_suggestion.PATH`` in the field."""


class LetterPage:
    """The letter page for one site: each method does one request's work, off the event loop."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.ws = site.workspace

    def page(
        self,
        name: str,
        data: dict[str, Any],
        version: str,
        problems: list[Any],
        *,
        status: int = 200,
        message: str = "",
        error: str = "",
        style: str | None = None,
        focus: str = "",
    ) -> HTMLResponse:
        kind = str(data.get("kind") or registries.letter_kinds()[0])
        style = style or style_of(data)
        return show(
            "letter.html",
            status,
            name=name,
            kind=kind,
            data=data,
            fields=forms.build(kind, data, forms.problems_by_field(problems)),
            notes=self.notes(name, data),
            version=version,
            problems=problems,
            message=message,
            error=error,
            style=style,
            preview=self.preview_html(data, style),
            findings=self.findings(name) if not problems else None,
            focus=focus,
            title=title(data, name),
        )

    def open(self, name: str) -> HTMLResponse:
        work = self.ws.read_work(self.site.name(name))
        return self.page(name, work.data, work.version, list(work.problems))

    def save(self, name: str, form: Mapping[str, str]) -> HTMLResponse:
        """A posted form: a list button (add, remove, move: nothing saved), or a save."""
        letter = self.site.name(name)
        data = forms.to_data(form, kind_of(self.site, letter, form))
        version, style, action = form.get("_version", ""), form.get("_style") or None, form.get("action", "")
        if action.startswith(ACCEPT):
            path = action.removeprefix(ACCEPT)
            wanted = form.get("_suggestion." + path, "")
            if wanted and path in form:
                data = forms.to_data({**form, path: wanted}, str(data["kind"]))
            return self.page(
                name,
                data,
                version,
                self.ws.problems(data),
                message="Not saved yet: the suggested sentence is in the field. Read it, change "
                "it if you like, then save.",
                style=style,
                focus=path,
            )
        if action.startswith(LIST_ACTIONS):
            data = forms.apply_action(data, action, str(data["kind"]))
            focus = action.partition(":")[2]
            return self.page(
                name,
                data,
                version,
                self.ws.problems(data),
                message="Not saved yet.",
                style=style,
                focus=focus,
            )
        author = (form.get("_author", "therapist"), form.get("_author_name", ""), form.get("_note", ""))
        try:
            work = self.ws.save_work(
                letter,
                data,
                version or None,
                version_required=True,
                draft_as=author if action == "draft" else None,
            )
        except VersionRequiredError:
            error = (
                "Nothing was saved: this page did not say which version of the letter it was "
                "opened at. Copy your changes, reload the page, and make them again."
            )
            return self.page(
                name, data, version, self.ws.problems(data), status=428, error=error, style=style
            )
        except (ConflictError, SignOffNeededError) as conflict:  # nothing saved; the form keeps its text
            error = str(conflict).split(": ", 1)[-1]
            return self.page(
                name, data, version, self.ws.problems(data), status=409, error=error, style=style
            )
        except LetterValidationError as wrong:
            error = "Nothing was saved: fix what is marked below."
            return self.page(name, data, version, list(wrong.problems), status=422, error=error, style=style)
        return self.page(
            name, work.data, work.version, list(work.problems), message=work.message, style=style
        )

    def live_preview(self, name: str, form: Mapping[str, str]) -> HTMLResponse:
        data = forms.to_data(form, kind_of(self.site, self.site.name(name), form))
        problems = self.ws.problems(data)
        by_field = forms.problems_by_field(problems)
        fields = _all_fields(forms.build(str(data["kind"]), data, {}))
        style = form.get("_style") or style_of(data)
        return show(
            "preview.html",
            preview=self.preview_html(data, style),
            by_field=by_field,
            slots=[(f.slot, by_field.get(f.path, [])) for f in fields],
            problems=problems,
            style=style,
        )

    def download(self, name: str, what: str, style: str) -> Response:
        fmt = writers.PDF if what == ARCHIVE else what
        options = RenderOptions(
            format=fmt, style=style or None, archive=what == ARCHIVE, timeout=RENDER_TIMEOUT
        )
        rendered = self.ws.render_file(self.site.name(name), options, "-").rendered
        assert rendered is not None
        filename = Path(name).stem + ("-archive" if what == ARCHIVE else "") + rendered.suffix
        return Response(
            rendered.data,
            media_type=rendered.media_type,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    def preview_html(self, data: Mapping[str, Any], style: str) -> str:
        if self.ws.shape_problems(data):
            return '<p class="notice">The preview comes back once the marked fields are fixed.</p>'
        try:
            rendered = self.ws.preview(data, style)
        except LetterkitError as error:
            return f'<p class="notice">No preview: {html.escape(str(error))}</p>'
        return with_css(body_of(str(rendered.content)), style)

    def notes(self, name: str, data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        """What reads as notes or about the patient, by form path, with letterkit's sentence."""
        try:
            found = self.ws.field_notes(name, data)
        except LetterkitError:
            return {}
        return {
            forms.form_path(n.section): {"messages": n.messages, "suggestion": n.suggestion} for n in found
        }

    def findings(self, name: str) -> list[dict[str, Any]] | None:
        try:
            report = self.ws.check([name], format="json")
        except LetterkitError:
            return None
        return [
            {**f.to_json(), "field": forms.Field(forms.form_path(f.section), "").id} for f in report.findings
        ]


def router(site: Site) -> APIRouter:
    r = APIRouter(default_response_class=HTMLResponse)
    pages = LetterPage(site)

    @r.get("/letters/{name}")
    def letter(name: str) -> HTMLResponse:
        return pages.open(name)

    @r.post("/letters/{name}")
    async def save_letter(name: str, request: Request) -> HTMLResponse:
        form = await posted(request)
        return await run_in_threadpool(pages.save, name, form)

    @r.post("/letters/{name}/preview")
    async def live_preview(name: str, request: Request) -> HTMLResponse:
        form = await posted(request)
        return await run_in_threadpool(pages.live_preview, name, form)

    @r.get("/letters/{name}/download")
    def download(name: str, what: str = Query(writers.PDF), style: str = Query("")) -> Response:
        return pages.download(name, what, style)

    @r.get("/preview/{style}.css")
    def preview_css(style: str) -> Response:
        if style not in registries.styles():
            return Response("", media_type="text/css", status_code=404)
        return Response(site.workspace.preview_css(style), media_type="text/css")

    return r


def _all_fields(fields: list[forms.Field]) -> list[forms.Field]:
    out: list[forms.Field] = []
    for f in fields:
        out.append(f)
        out.extend(_all_fields(f.children))
        out.extend(_all_fields(f.items))
    return out
