"""``letterkit serve --database``: the same app over a PostgreSQL store, for a whole team.

Staff sign in (``/signin``: a password and a code from an authenticator app) and get a
session kept in the database, so that any worker answers any request; a patient opens a link
(``/p/TOKEN``) that reaches one letter's reading page and nothing else. Every request runs
``acting_as`` the one signed in, so the database's row-level security keeps each account to
its caseload whatever a route asks; and every request is written to the audit log.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from starlette.concurrency import run_in_threadpool

import letterkit
from letterkit.errors import LinkError
from letterkit.extras import require
from letterkit.web.app import build_app
from letterkit.web.pages import service as service_pages
from letterkit.web.security import (
    PUBLIC,
    SAFE_METHODS,
    Gate,
    Message,
    Receive,
    Scope,
    Send,
    _read_body,
    _replay,
    _same_origin,
    cookie_name,
    here,
    redirect_with_cookie,
    refuse,
    session_cookie,
)
from letterkit.web.site import MAX_BODY, VISITOR, Site, Visitor
from letterkit.workspace import Workspace

OPEN = ("/signin",)
"""Paths answered without signing in (besides the static files and patient links)."""
_LETTER = re.compile(r"^/(?:api/v1/)?letters/([^/]+)")
_PATIENT_PATHS = re.compile(r"^/letters/([^/]+)/(?:read|typed|typed/forget)$|^/preview/[\w-]+\.css$")
"""What a patient link reaches: its letter's reading page (and the typing kept on it)."""
NOT_AUDITED = ("/static/", "/preview/", "/signin", "/p/")
"""Not in the audit log: letterkit's own files, and what is logged in its own words (sign-in
attempts by name, a patient link's first use)."""


def create_service_app(
    url: str, *, host: str = "127.0.0.1", port: int = 8000, names: tuple[str, ...] = ()
) -> ServiceGate:
    """The whole service over the database at ``url`` as an ASGI application."""
    require("service")
    store = letterkit.PostgresStore(url, scoped=True)
    accounts = letterkit.Accounts(store)
    login = letterkit.PasswordLogin(accounts)
    workspace = Workspace(store=store, needs_sign_off=accounts.needs_sign_off)  # a trainee's letters
    site = Site(Path("/") / str(store.url.database or "letters"), "", host, port, workspace, names)
    app = build_app(site, [service_pages.router(site, accounts, login)])
    return ServiceGate(app, site, accounts)


@dataclass
class _Request:
    """What the audit log says of one request: who it was from, its letter, its answer."""

    who: str = "nobody"
    letter: str | None = None
    status: int = 500


class ServiceGate(Gate):
    """The gate of a service: the folder gate's Host, size, Origin and header rules, with
    accounts (sessions in the database) in place of the one token, patient links, and the
    audit log (every request but the static files, refused ones too)."""

    def __init__(self, app: Any, site: Site, accounts: letterkit.Accounts) -> None:
        super().__init__(app, site)
        self.accounts = accounts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        seen = _Request()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen.status = int(message["status"])
            await send(message)

        try:
            await self._gate(scope, receive, self._with_headers(sending, path), seen)
        finally:
            if not path.startswith(NOT_AUDITED):
                found = _LETTER.match(path)
                letter = unquote(found.group(1)) if found else seen.letter
                detail = f"{scope['method']} {path} {seen.status}"
                record = functools.partial(self.accounts.record, who=seen.who, ip=_ip(scope))
                await run_in_threadpool(record, _action(scope["method"], path), letter, detail)

    async def _gate(self, scope: Scope, receive: Receive, send: Send, seen: _Request) -> None:
        path: str = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if not self._host_allowed(headers.get("host", "")):
            await refuse(
                scope, send, 400, "This address is not served here", "Use the service's own address."
            )
            return
        if path.startswith(PUBLIC):
            await self.app(scope, receive, send)
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY:
            await refuse(scope, send, 413, "Too large", "A letter can be at most 1 MiB.")
            return
        bearer = headers.get("authorization", "")[:7].lower() == "bearer "
        if scope["method"] not in SAFE_METHODS:
            if not bearer and not _same_origin(headers, scope.get("scheme", "http")):
                await refuse(scope, send, 403, "Refused", "This change did not come from a letterkit page.")
                return
            body = await _read_body(receive)
            if body is None:
                await refuse(scope, send, 413, "Too large", "A letter can be at most 1 MiB.")
                return
            receive = _replay(body)
        if path.startswith("/p/") and scope["method"] in SAFE_METHODS:
            await self._open_link(scope, send, path[3:])
            return
        await self._as_visitor(scope, receive, send, headers, seen)

    async def _as_visitor(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str], seen: _Request
    ) -> None:
        """Answer as whoever the request is from (a session, a patient link), or ask them to sign in."""
        path: str = scope["path"]
        cookies = _cookies(headers)
        auth = headers.get("authorization", "")
        cookie = cookies.get(cookie_name(scope, self.site.port), "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else cookie
        account = await run_in_threadpool(self.accounts.session, token) if token else None
        if account is not None:
            seen.who = account.name
            if path.startswith("/admin/") and account.role != "admin":
                await refuse(scope, send, 403, "Not for this account", "Only an admin sees the audit log.")
                return
            who = Visitor(account.name, account.role, account.full_name or account.name)
            with letterkit.acting_as(account.name, ip=_ip(scope)):
                await self._answer(scope, receive, send, who)
            return
        link = cookies.get(cookie_name(scope, self.site.port) + "_link", "")
        if link:
            await self._as_patient(scope, receive, send, link, seen)
        elif path in OPEN:
            await self.app(scope, receive, send)
        elif scope["method"] == "GET" and "text/html" in headers.get("accept", ""):
            await _redirect(send, "/signin")
        else:
            await refuse(scope, send, 401, "Not signed in", "Sign in first, at /signin.")

    async def _as_patient(
        self, scope: Scope, receive: Receive, send: Send, token: str, seen: _Request
    ) -> None:
        """A patient link's visitor: its letter's reading page, nothing else, for as long as it is live."""
        with self.accounts.as_link(token, ip=_ip(scope)) as acting:
            seen.who = acting.who
            try:
                letter = await run_in_threadpool(self.accounts.link_letter, token)
            except LinkError as gone:
                await refuse(scope, send, 410, "This link no longer works", str(gone).capitalize() + ".")
                return
            seen.letter = letter
            found = _PATIENT_PATHS.match(scope["path"])
            if found is None or (found.group(1) is not None and unquote(found.group(1)) != letter):
                await refuse(scope, send, 403, "Not here", "This link opens one letter only.")
                return
            await self._answer(scope, receive, send, Visitor("", "patient", "the patient", letter))

    async def _open_link(self, scope: Scope, send: Send, token: str) -> None:
        """``/p/TOKEN``: check the link, keep it in a cookie, and open its letter's reading page."""
        with self.accounts.as_link(token, ip=_ip(scope)):
            try:
                letter = await run_in_threadpool(self.accounts.link_letter, token)
            except LinkError as gone:
                await run_in_threadpool(self.accounts.record, "link", None, f"refused: {gone}")
                await refuse(scope, send, 410, "This link no longer works", str(gone).capitalize() + ".")
                return
            await run_in_threadpool(self.accounts.record, "link", letter, "opened the link")
        # Lax, not Strict: the link is opened from an email or a message on another site, and
        # the page it redirects to must get the cookie; changes still need this site's Origin.
        cookie = session_cookie(scope, self.site.port, token).replace("=", "_link=", 1)
        cookie = cookie.replace("SameSite=Strict", "SameSite=Lax")
        await redirect_with_cookie(send, here(f"/letters/{quote(letter, safe='')}/read"), cookie)

    async def _answer(self, scope: Scope, receive: Receive, send: Send, who: Visitor) -> None:
        """Run the app for ``who`` (the pages say who is signed in)."""
        token = VISITOR.set(who)
        try:
            await self.app(scope, receive, send)
        finally:
            VISITOR.reset(token)


def _action(method: str, path: str) -> str:
    """The audit log's word for a request."""
    if path.startswith("/admin/"):
        return "admin"
    if path == "/signout":
        return "sign-out"
    if "/download" in path:
        return "download"
    if "/render" in path or path.endswith("/preview"):
        return "render"
    if ("/sign-off" in path or "/attest" in path) and method not in SAFE_METHODS:
        return "sign-off"  # signing off; opening the sign-off page is a read
    return "read" if method in SAFE_METHODS else "write"


async def _redirect(send: Send, location: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [(b"location", location.encode()), (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b""})


def _ip(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    found = {}
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            found[name] = value
    return found
