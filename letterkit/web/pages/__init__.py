"""The HTML pages, one module per page: the caseload, the letter, reading it together, its history.

Every page works with JavaScript off (forms post normally); with it, htmx updates the
preview and the problems at each field as you type. Each route parses the request, calls
one method of the folder's workspace (in a worker thread: a slow save never holds up the
event loop), and renders a template.
"""

from __future__ import annotations

from fastapi import APIRouter

from letterkit.web.pages import caseload, history, letter, reading, suggestions
from letterkit.web.site import Site


def router(site: Site) -> APIRouter:
    """Every page's routes for ``site``."""
    r = APIRouter(include_in_schema=False)
    for page in (caseload, letter, reading, history, suggestions):
        r.include_router(page.router(site))
    return r
