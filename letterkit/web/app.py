"""The FastAPI application: the API, the pages, the static files, behind the gate."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from letterkit.errors import LetterkitError
from letterkit.web import pages
from letterkit.web.api_v1 import ProblemDetails, ProblemItem, problem_of, router
from letterkit.web.forms import plain_label
from letterkit.web.security import Gate, page
from letterkit.web.site import NameError_, Site
from letterkit.workspace import Workspace

log = logging.getLogger(__name__)

HERE = Path(__file__).parent


def create_app(
    folder: str | Path,
    token: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workspace: Workspace | None = None,
) -> Any:
    """The whole server for ``folder`` as an ASGI application (FastAPI inside the gate).

    ``workspace``: the letters served (default: the files in ``folder``); a service passes
    its own, over another store."""
    site = Site(Path(folder), token, host, port, workspace or Workspace(folder))
    return Gate(build_app(site), site)


def build_app(site: Site, routers: Sequence[APIRouter] = ()) -> FastAPI:
    """The FastAPI application for ``site`` (its API and pages, and ``routers`` after them),
    without the gate in front of it."""
    app = FastAPI(
        title="letterkit",
        version=_version(),
        summary="DIT formulation and goodbye letters: read, write, save drafts, render, compare.",
        description="Sign in with `Authorization: Bearer TOKEN` (the token `letterkit serve` prints). "
        "Errors are application/problem+json (RFC 9457).",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.site = site
    app.include_router(router(site))
    app.include_router(pages.router(site))
    for extra in routers:
        app.include_router(extra)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def answer(request: Request, problem: ProblemDetails) -> Response:
        if _wants_json(request):
            return JSONResponse(
                problem.model_dump(), status_code=problem.status, media_type="application/problem+json"
            )
        items = "".join(f"<li>{_esc(plain_label(p.field))}: {_esc(p.message)}</li>" for p in problem.problems)
        body = f"<p>{_esc(problem.detail)}</p>" + (f"<ul>{items}</ul>" if items else "")
        body += '<p><a href="/">Back to your letters</a></p>'
        return HTMLResponse(page(problem.title, body), status_code=problem.status)

    @app.exception_handler(LetterkitError)
    async def letterkit_error(request: Request, error: LetterkitError) -> Response:
        return answer(request, problem_of(error))

    @app.exception_handler(NameError_)
    async def bad_name(request: Request, error: NameError_) -> Response:
        return answer(request, problem_of(error))

    @app.exception_handler(RequestValidationError)
    async def not_a_letter(request: Request, error: RequestValidationError) -> Response:
        items: list[ProblemItem] = []
        body = error.body
        if isinstance(body, dict) and request.url.path.startswith("/api/v1/") and _is_letter_body(request):
            items = [ProblemItem.of(p) for p in site.workspace.shape_problems(body)]
        if not items:
            items = [
                ProblemItem(
                    file="",
                    field=".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "header")),
                    message=str(e.get("msg", "is not valid")).lower(),
                )
                for e in error.errors()
            ]
        detail = "This is not a letter (or not a request) letterkit can read"
        return answer(
            request, ProblemDetails(title="Not a letter", status=422, detail=detail, problems=items)
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        titles = {404: "Not found", 405: "Not allowed here"}
        title = titles.get(error.status_code, "Cannot do that")
        detail = str(error.detail) if error.status_code != 404 else "There is nothing at this address."
        response = answer(request, ProblemDetails(title=title, status=error.status_code, detail=detail))
        for key, value in (error.headers or {}).items():
            response.headers[key] = value
        if error.status_code == 405:
            response.headers["Allow"] = ", ".join(_methods(app, request))
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        log.error("unexpected error answering %s", request.url.path, exc_info=error)
        return answer(
            request,
            ProblemDetails(
                title="Something went wrong",
                status=500,
                detail="letterkit could not do that; nothing was changed. The terminal running "
                "`letterkit serve --debug` shows the details.",
            ),
        )

    return app


def _methods(app: FastAPI, request: Request) -> list[str]:
    """Every method some route answers at this address (the routes of one path are apart)."""
    from starlette.routing import Match

    found: set[str] = set()
    for route in app.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            found |= set(getattr(route, "methods", None) or ())
    return sorted(found)


def _is_letter_body(request: Request) -> bool:
    path = request.url.path
    return request.method == "PUT" or path in ("/api/v1/render", "/api/v1/validate")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", "")


def _esc(text: str) -> str:
    import html

    return html.escape(text)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("letterkit")
    except PackageNotFoundError:
        return "0"
