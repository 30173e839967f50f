"""The HTML pages: the caseload, the letter, reading it together, its history.

Every page works with JavaScript off (forms post normally); with it, htmx updates the
preview and the problems at each field as you type.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import letterkit.api as api
from letterkit import writers
from letterkit.errors import ConflictError, LetterkitError, LetterValidationError
from letterkit.web import forms
from letterkit.web.api_v1 import summary
from letterkit.web.preview import body_of, scoped_css
from letterkit.web.site import Site

HERE = Path(__file__).parent
_STYLE_NAMES = {"standard": "Standard (clear print)", "large-print": "Large print", "easy-read": "Easy read"}
ARCHIVE = "archive"
"""The download menu's name for the archival PDF (a PDF rendered with ``archive``)."""


def _downloads() -> list[tuple[str, str]]:
    """The download menu: every format in the registry, the archival PDF after the PDF."""
    out = []
    for output in writers.FORMATS.values():
        out.append((output.name, output.label or output.name))
        if output.name == writers.PDF:
            out.append((ARCHIVE, "Archival PDF (for the record)"))
    return out


def _templates() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(style_names=_STYLE_NAMES, roles=api.roles(), downloads=_downloads(), quote=quote)
    env.filters["anchor"] = lambda path: forms.Field(forms.form_path(str(path)), "").id
    return env


def router(site: Site) -> APIRouter:
    r = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
    env = _templates()

    def show(template: str, status: int = 200, **values: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(template).render(**values), status_code=status)

    # ------------------------------------------------------------------ caseload

    @r.get("/")
    def caseload(error: str = "") -> HTMLResponse:
        letters = [summary(site, p) for p in site.letters()]
        return show(
            "caseload.html", letters=letters, kinds=api.letter_kinds(), error=error, folder=site.folder.name
        )

    @r.post("/letters")
    async def new_letter(request: Request) -> Response:
        form = await request.form()
        kind = str(form.get("kind", ""))
        patient = str(form.get("patient", "")).strip()
        if kind not in api.letter_kinds() or not patient:
            letters = [summary(site, p) for p in site.letters()]
            return show(
                "caseload.html",
                400,
                letters=letters,
                kinds=api.letter_kinds(),
                error="Choose the kind of letter and write the patient's name.",
                folder=site.folder.name,
            )
        name = _free_name(site, patient, kind)
        path = site.path(name)
        api.new_letter(kind, path)
        work = api.read_work(path)
        data = dict(work.data)
        data["patient"] = {**(data.get("patient") or {}), "name": patient}
        data["patient"].pop("preferred_name", None)
        api.save_work(path, data, work.version)
        return RedirectResponse(f"/letters/{quote(name)}", status_code=303)

    # ------------------------------------------------------------------ the letter

    def letter_page(
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
        kind = str(data.get("kind") or api.letter_kinds()[0])
        by_field = forms.problems_by_field(problems)
        fields = forms.build(kind, data, by_field)
        style = style or _style_of(data)
        preview = _preview_html(site, data, style)
        findings = _findings(site, name) if not problems else None
        return show(
            "letter.html",
            status,
            name=name,
            kind=kind,
            data=data,
            fields=fields,
            version=version,
            problems=problems,
            message=message,
            error=error,
            style=style,
            preview=preview,
            findings=findings,
            focus=focus,
            title=_title(data, name),
        )

    @r.get("/letters/{name}")
    def letter(name: str) -> HTMLResponse:
        work = api.read_work(site.path(name))
        return letter_page(name, work.data, work.version, list(work.problems))

    @r.post("/letters/{name}")
    async def save_letter(name: str, request: Request) -> HTMLResponse:
        path = site.path(name)
        form = {k: str(v) for k, v in (await request.form()).items()}
        kind = _kind_of(path, form)
        data = forms.to_data(form, kind)
        version = form.get("_version", "")
        style = form.get("_style") or None
        action = form.get("action", "")
        if action.startswith(("add:", "remove:", "up:", "down:")):
            data = forms.apply_action(data, action, kind)
            problems = _problems(data)
            focus = action.partition(":")[2]
            return letter_page(
                name, data, version, problems, message="Not saved yet.", style=style, focus=focus
            )
        try:
            with site.lock(name):
                work = api.save_work(path, data, version or None)
                message = "Saved."
                if action == "draft":
                    if work.problems:
                        message = (
                            "Saved as work in progress. It is not recorded as a draft yet: "
                            "first finish what is listed below."
                        )
                    else:
                        result = api.save_draft(
                            path,
                            form.get("_author", "therapist"),
                            form.get("_author_name", ""),
                            form.get("_note", ""),
                        )
                        message = result.message
                        work = api.read_work(path)
        except ConflictError as conflict:
            return letter_page(
                name,
                data,
                version,
                _problems(data),
                status=409,
                error=str(conflict).split(": ", 1)[-1],
                style=style,
            )
        except LetterValidationError as wrong:
            return letter_page(
                name,
                data,
                version,
                wrong.problems,
                status=422,
                error="Nothing was saved: fix what is marked below.",
                style=style,
            )
        return letter_page(name, work.data, work.version, list(work.problems), message=message, style=style)

    @r.post("/letters/{name}/preview")
    async def live_preview(name: str, request: Request) -> HTMLResponse:
        path = site.path(name)
        form = {k: str(v) for k, v in (await request.form()).items()}
        data = forms.to_data(form, _kind_of(path, form))
        problems = _problems(data)
        by_field = forms.problems_by_field(problems)
        slots = [
            (f.slot, by_field.get(f.path, [])) for f in _all_fields(forms.build(str(data["kind"]), data, {}))
        ]
        style = form.get("_style") or _style_of(data)
        return show(
            "preview.html",
            preview=_preview_html(site, data, style),
            by_field=by_field,
            slots=slots,
            problems=problems,
            style=style,
        )

    @r.get("/letters/{name}/download")
    def download(name: str, what: str = Query(writers.PDF), style: str = Query("")) -> Response:
        from letterkit.web.site import RENDER_TIMEOUT
        from letterkit.writers.document import RenderOptions

        fmt = writers.PDF if what == ARCHIVE else what
        options = RenderOptions(
            format=fmt, style=style or None, archive=what == ARCHIVE, timeout=RENDER_TIMEOUT
        )
        result = api.render_file(site.path(name), options, "-", renderer=site.renderer)
        assert result.rendered is not None
        rendered = result.rendered
        stem = Path(name).stem + ("-archive" if what == ARCHIVE else "")
        filename = stem + rendered.suffix
        return Response(
            rendered.data,
            media_type=rendered.media_type,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @r.get("/preview/{style}.css")
    def preview_css(style: str) -> Response:
        if style not in api.styles():
            return Response("", media_type="text/css", status_code=404)
        return Response(scoped_css(style), media_type="text/css")

    # ------------------------------------------------------------------ reading together

    @r.get("/letters/{name}/read")
    def read(name: str) -> HTMLResponse:
        return reading_page(name)

    def reading_page(
        name: str,
        *,
        status: int = 200,
        message: str = "",
        error: str = "",
        texts: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        path = site.path(name)
        work = api.read_work(path)
        base = _therapist_text(path)
        sections = []
        for section_path, heading, value in _sections(work.data):
            text = texts.get(section_path, value) if texts else value
            sections.append(
                {
                    "path": section_path,
                    "heading": heading,
                    "text": text,
                    "marked": _marked(base.get(section_path, ""), text) if base else "",
                    "rows": max(3, min(16, len(text) // 60 + text.count("\n") + 2)),
                }
            )
        return show(
            "read.html",
            status,
            name=name,
            title=_title(work.data, name),
            sections=sections,
            version=work.version,
            message=message,
            error=error,
            has_base=bool(base),
        )

    @r.post("/letters/{name}/read")
    async def read_save(name: str, request: Request) -> HTMLResponse:
        path = site.path(name)
        form = {k: str(v) for k, v in (await request.form()).items()}
        texts = {k: v.replace("\r\n", "\n") for k, v in form.items() if not k.startswith("_")}
        role = form.get("_author", "patient")
        if role not in ("patient", "joint"):
            role = "patient"
        try:
            with site.lock(name):
                if form.get("_version") != api.letter_version(path):
                    raise ConflictError("the letter was changed somewhere else since this page was opened")
                saved = api.history(path)
                work = api.read_work(path)
                if not saved or saved[-1].content_sha256 != _sha(path):
                    raise ConflictError(
                        "the letter has changes that are not saved as a draft yet; save the therapist's "
                        "draft on the letter page first"
                    )
                data = _with_texts(work.data, texts)
                wrong = _problems(data)
                if wrong:
                    raise LetterValidationError(wrong)
                api.save_work(path, data, work.version)
                result = api.save_draft(path, role, form.get("_author_name", ""), form.get("_note", ""))
        except ConflictError as conflict:
            return reading_page(name, status=409, error=str(conflict).split(": ", 1)[-1], texts=texts)
        except LetterValidationError as wrong:
            detail = "; ".join(f"{p.path}: {p.message}" for p in wrong.problems)
            return reading_page(name, status=422, error=f"Nothing was saved: {detail}", texts=texts)
        return reading_page(name, message=result.message)

    @r.post("/letters/{name}/words")
    async def words(name: str, request: Request) -> HTMLResponse:
        path = site.path(name)
        form = {k: str(v) for k, v in (await request.form()).items()}
        base = _therapist_text(path)
        out = "".join(
            f"{_marked(base.get(key, ''), value.replace(chr(13) + chr(10), chr(10)))}"
            for key, value in form.items()
            if not key.startswith("_")
        )
        return HTMLResponse(out)

    # ------------------------------------------------------------------ history

    @r.get("/letters/{name}/history")
    def history(name: str, a: str = "", b: str = "", view: str = "") -> HTMLResponse:
        path = site.path(name)
        saved = api.history(path)
        check = api.verify(path)
        work = api.read_work(path)
        style = _style_of(work.data)
        shown = ""
        heading = ""
        if view == "contributions" and saved:
            rendered = api.contributions_report(path, "html").content
            shown, heading = _with_css(body_of(site.relative(str(rendered))), style), "Who wrote which words"
        elif a and b and saved:
            first, second = site.spec(name, a), site.spec(name, b)
            rendered = api.compare(first, second, "html").content
            shown, heading = (
                _with_css(body_of(site.relative(str(rendered))), style),
                f"What changed from draft {a} to {b}",
            )
        return show(
            "history.html",
            name=name,
            title=_title(work.data, name),
            drafts=list(reversed(saved)),
            problems=check.problems,
            shown=shown,
            heading=heading,
            a=a or (str(saved[-2].number) if len(saved) > 1 else ""),
            b=b or (str(saved[-1].number) if saved else ""),
        )

    return r


# ---------------------------------------------------------------------- helpers


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _free_name(site: Site, patient: str, kind: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", patient.lower()).strip("-")[:40] or "letter"
    base = f"{slug}-{kind}"
    name = f"{base}.yaml"
    n = 2
    while (site.folder / name).exists():
        name = f"{base}-{n}.yaml"
        n += 1
    return name


def _kind_of(path: Path, form: Mapping[str, str]) -> str:
    kind = form.get("kind", "")
    if kind in api.letter_kinds():
        return kind
    try:
        found = api.read_work(path).data.get("kind")
    except LetterkitError:
        found = None
    return str(found) if found in api.letter_kinds() else api.letter_kinds()[0]


def _style_of(data: Mapping[str, Any]) -> str:
    access = data.get("accessibility")
    wanted = access.get("format") if isinstance(access, Mapping) else None
    return str(wanted) if wanted in api.styles() else "standard"


def _title(data: Mapping[str, Any], name: str) -> str:
    patient = data.get("patient")
    who = patient.get("name") if isinstance(patient, Mapping) else None
    kind = str(data.get("kind", "")).replace("-", " ")
    return f"{who}: {kind}" if who else name


def _problems(data: Mapping[str, Any]) -> list[Any]:
    from letterkit.model.editing import problems, shape_problems

    return shape_problems(data, "letter") or problems(data, "letter")


def _preview_html(site: Site, data: Mapping[str, Any], style: str) -> str:
    from letterkit.model.editing import shape_problems

    if shape_problems(data, "letter"):
        return '<p class="notice">The preview comes back once the marked fields are fixed.</p>'
    try:
        rendered = api.preview(data, style, renderer=site.renderer)
    except LetterkitError as error:
        return f'<p class="notice">No preview: {html.escape(str(error))}</p>'
    return _with_css(body_of(str(rendered.content)), style)


def _with_css(body: str, style: str) -> str:
    return f'<link rel="stylesheet" href="/preview/{html.escape(style)}.css">' + body


def _findings(site: Site, name: str) -> list[dict[str, Any]] | None:
    try:
        report = api.check([site.path(name)], format="json")
    except LetterkitError:
        return None
    return [{**f.to_json(), "field": forms.Field(forms.form_path(f.section), "").id} for f in report.findings]


def _all_fields(fields: list[forms.Field]) -> list[forms.Field]:
    out: list[forms.Field] = []
    for f in fields:
        out.append(f)
        out.extend(_all_fields(f.children))
        out.extend(_all_fields(f.items))
    return out


def _sections(data: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(form path, heading, text) for each text the patient reads, in letter order."""
    from letterkit.model.fields import text_paths

    out = []
    counts: dict[str, int] = {}
    for path in text_paths(data):
        value: Any = data
        for part in path:
            if isinstance(value, dict):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                value = None
        if isinstance(value, dict):
            value = value.get("feeling")
        if not isinstance(value, str):
            continue
        top = str(path[0])
        heading = forms.HEADINGS.get(top, top)
        if len(path) > 1 and isinstance(path[-1], str):
            heading = f"{heading}: {forms.LABELS.get(str(path[-1]), str(path[-1])).lower()}"
        counts[top] = counts.get(top, 0) + 1
        if isinstance(path[-1], int) or (len(path) > 2 and isinstance(path[1], int)):
            heading = f"{heading} ({int(path[1]) + 1})" if isinstance(path[1], int) else heading
        out.append((".".join(str(p) for p in path), heading, value))
    return out


def _with_texts(data: Mapping[str, Any], texts: Mapping[str, str]) -> dict[str, Any]:
    import copy

    out = copy.deepcopy(dict(data))
    known = {p for p, _, _ in _sections(out)}
    for key, text in texts.items():
        if key not in known:
            continue
        parts: list[Any] = [int(p) if p.isdigit() else p for p in key.split(".")]
        node: Any = out
        for part in parts[:-1]:
            node = node[part]
        node[parts[-1]] = text
    return out


def _therapist_text(path: Path) -> dict[str, str]:
    """Each section's text in the therapist's latest draft (empty if there is none)."""
    saved = api.history(path)
    therapist = [d for d in saved if d.role == "therapist"]
    if not therapist:
        return {}
    opened = api.open_letter(f"{path}@{therapist[-1].number}")
    from letterkit.diffs.core import letter_data

    return {p: t for p, _, t in _sections(letter_data(opened.letter))}


def _marked(base: str, text: str) -> str:
    """``text`` with the words not in ``base`` in <mark>, as escaped HTML."""
    from letterkit.diffs.core import word_diff

    out = []
    segments = word_diff(base, text)
    if not any(op == "+" and part.strip() for op, part in segments):
        return ""  # nothing new: the box stays empty (and hidden)
    for op, part in segments:
        if op == "=":
            out.append(html.escape(part))
        elif op == "+":
            out.append(f"<mark>{html.escape(part)}</mark>")
    return "".join(out)
