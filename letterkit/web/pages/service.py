"""The pages only a service has (``letterkit serve --database``): signing in and out, a
letter's patient links, and the audit log (for an admin)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import letterkit
from letterkit.errors import LetterkitError, SignInError
from letterkit.web.pages.common import posted, show, title
from letterkit.web.security import cookie_name, session_cookie
from letterkit.web.site import Site, visitor

LINK_DAYS = (1, 7, 14, 30)
"""The lifetimes a patient link can be given, in days."""
AUDIT_SHOWN = 500
"""Entries the audit page shows (the newest); the export has them all."""


class ServicePages:
    def __init__(self, site: Site, accounts: letterkit.Accounts, login: letterkit.Login) -> None:
        self.site = site
        self.accounts = accounts
        self.login = login

    def sign_in_page(self, status: int = 200, error: str = "", name: str = "") -> HTMLResponse:
        return show("signin.html", status, title="Sign in", fields=self.login.fields, error=error, name=name)

    def sign_in(self, form: Mapping[str, str], request: Request) -> Response:
        ip = request.client.host if request.client else ""
        name = form.get("name", "").strip()
        try:
            account = self.login.authenticate(form, ip=ip)
        except SignInError as refused:
            with letterkit.acting_as(None, ip=ip):
                self.accounts.record("sign-in", None, f"refused: {refused}", who=name[:64] or "?")
            return self.sign_in_page(401, str(refused).capitalize() + ".", name)
        token = self.accounts.start_session(account, ip=ip)
        with letterkit.acting_as(account.name, ip=ip):
            self.accounts.record("sign-in", None, "signed in")
        response = RedirectResponse("/", status_code=303)
        response.headers["set-cookie"] = session_cookie(request.scope, self.site.port, token)
        return response

    def sign_out(self, request: Request) -> Response:
        token = request.cookies.get(cookie_name(request.scope, self.site.port), "")
        if token:
            self.accounts.end_session(token)
        response = RedirectResponse("/signin", status_code=303)
        response.headers["set-cookie"] = f"{cookie_name(request.scope, self.site.port)}=; Max-Age=0; Path=/"
        return response

    def links_page(self, name: str, *, status: int = 200, made: str = "", error: str = "") -> HTMLResponse:
        letter = self.site.name(name)
        work = self.site.workspace.read_work(letter)  # refused (not found) outside the caseload
        return show(
            "links.html",
            status,
            name=letter,
            title=title(work.data, letter),
            links=self.accounts.links(letter),
            days=LINK_DAYS,
            made=made,
            error=error,
        )

    def make_link(self, name: str, form: Mapping[str, str], request: Request) -> HTMLResponse:
        days = form.get("days", "")
        if not days.isdigit() or int(days) not in LINK_DAYS:
            return self.links_page(name, status=400, error="Choose how long the link works.")
        made = self.accounts.make_link(self.site.name(name), days=int(days))
        return self.links_page(name, made=str(request.base_url).rstrip("/") + made.path)

    def revoke(self, name: str, link: int) -> Response:
        self.accounts.revoke_link(link)
        return RedirectResponse(f"/letters/{name}/links", status_code=303)

    def sign_off_page(
        self, name: str, *, status: int = 200, message: str = "", error: str = ""
    ) -> HTMLResponse:
        letter = self.site.name(name)
        work = self.site.workspace.read_work(letter)  # refused (not found) outside the caseload
        drafts = self.site.workspace.history(letter)
        titles = self.site.workspace.draft_titles(letter) if drafts else {}
        return show(
            "sign-off.html",
            status,
            name=letter,
            title=title(work.data, letter),
            latest=drafts[-1] if drafts else None,
            latest_title=titles.get(drafts[-1].number, "") if drafts else "",
            needed=self.site.workspace.sign_off_needed(letter),
            allowed=self.accounts.may_sign_off(letter),
            sign_offs=list(reversed(self.site.workspace.attestations(letter))),
            message=message,
            error=error,
        )

    def sign_off(self, name: str, form: Mapping[str, str]) -> HTMLResponse:
        letter = self.site.name(name)
        who = visitor()
        if who is None or not self.accounts.may_sign_off(letter):
            error = "Only a supervisor of the trainee who wrote this letter can sign it off."
            return self.sign_off_page(name, status=403, error=error)
        draft = form.get("draft", "")
        try:
            made = self.site.workspace.attest(
                letter, int(draft) if draft.isdigit() else None, who.shown, form.get("note", "").strip()
            )
        except LetterkitError as refused:
            return self.sign_off_page(name, status=409, error=str(refused).split(": ", 1)[-1])
        return self.sign_off_page(name, message=made.text + ".")

    def audit_page(self, letter: str | None) -> HTMLResponse:
        entries = self.accounts.audit(letter or None, limit=AUDIT_SHOWN)
        return show("audit.html", title="Audit log", entries=entries, letter=letter or "", shown=AUDIT_SHOWN)

    def audit_export(self) -> Response:
        lines = "".join(json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in self.accounts.audit())
        return Response(
            lines,
            media_type="application/x-ndjson",
            headers={"content-disposition": 'attachment; filename="letterkit-audit.jsonl"'},
        )


def router(site: Site, accounts: letterkit.Accounts, login: letterkit.Login) -> APIRouter:
    r = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
    pages = ServicePages(site, accounts, login)

    @r.get("/signin")
    def sign_in_page() -> HTMLResponse:
        return pages.sign_in_page()

    @r.post("/signin")
    async def sign_in(request: Request) -> Response:
        form = await posted(request)
        return await run_in_threadpool(pages.sign_in, form, request)

    @r.post("/signout")
    def sign_out(request: Request) -> Response:
        return pages.sign_out(request)

    @r.get("/letters/{name}/links")
    def links(name: str) -> HTMLResponse:
        return pages.links_page(name)

    @r.post("/letters/{name}/links")
    async def make_link(name: str, request: Request) -> HTMLResponse:
        form = await posted(request)
        return await run_in_threadpool(pages.make_link, name, form, request)

    @r.post("/letters/{name}/links/{link}/revoke")
    def revoke(name: str, link: int) -> Response:
        return pages.revoke(name, link)

    @r.get("/letters/{name}/sign-off")
    def sign_off_page(name: str) -> HTMLResponse:
        return pages.sign_off_page(name)

    @r.post("/letters/{name}/sign-off")
    async def sign_off(name: str, request: Request) -> HTMLResponse:
        form = await posted(request)
        return await run_in_threadpool(pages.sign_off, name, form)

    @r.get("/admin/audit")
    def audit(letter: str = "") -> HTMLResponse:
        return pages.audit_page(letter)

    @r.get("/admin/audit.jsonl")
    def audit_export() -> Response:
        return pages.audit_export()

    return r
