"""What the pages share: the templates, reading a posted form, and presenting a letter's data."""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from letterkit import registries, writers
from letterkit.errors import LetterkitError
from letterkit.web import forms
from letterkit.web.preview import body_of
from letterkit.web.site import Site, visitor

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STYLE_NAMES = {"standard": "Standard (clear print)", "large-print": "Large print", "easy-read": "Easy read"}
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


@functools.cache
def templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        style_names=STYLE_NAMES,
        roles=registries.roles(),
        downloads=_downloads(),
        quote=quote,
        visitor=visitor,
    )
    env.filters["anchor"] = _anchor
    env.filters["plain"] = lambda message: forms.plain(str(message))
    env.globals["link_to"] = lambda targets, path: forms.target(targets, str(path))
    env.filters["label"] = lambda path: forms.plain_label(str(path))
    return env


def _anchor(path: object) -> str:
    key = forms.form_path(str(path))
    if key.startswith("ipaf.affect.") and key.endswith(".feeling"):
        key = key.removesuffix(".feeling")  # one box holds the feeling
    return forms.Field(key, "").id


def show(template: str, status: int = 200, **values: Any) -> HTMLResponse:
    return HTMLResponse(templates().get_template(template).render(**values), status_code=status)


async def posted(request: Request) -> dict[str, str]:
    """A posted form's fields as text."""
    return {k: str(v) for k, v in (await request.form()).items()}


def kind_of(site: Site, name: str, form: Mapping[str, str]) -> str:
    kinds = registries.letter_kinds()
    kind = form.get("kind", "")
    if kind in kinds:
        return kind
    try:
        found = site.workspace.read_work(name).data.get("kind")
    except LetterkitError:
        found = None
    return str(found) if found in kinds else kinds[0]


def style_of(data: Mapping[str, Any]) -> str:
    access = data.get("accessibility")
    wanted = access.get("format") if isinstance(access, Mapping) else None
    return str(wanted) if wanted in registries.styles() else "standard"


def title(data: Mapping[str, Any], name: str) -> str:
    patient = data.get("patient")
    who = patient.get("name") if isinstance(patient, Mapping) else None
    kind = str(data.get("kind", "")).replace("-", " ")
    return f"{who}: {kind}" if who else name


def with_css(body: str, style: str) -> str:
    return f'<link rel="stylesheet" href="/preview/{html.escape(style)}.css">' + body


def letter_view(site: Site, content: str | bytes, style: str) -> str:
    """A rendered letter (HTML) shown inside a page, with names only (no folder paths)."""
    return with_css(body_of(site.relative(str(content))), style)
