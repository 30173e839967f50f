"""The gate every request passes: Host, size, token, Origin; and the headers every answer carries.

- The ``Host`` must be the bound host or this machine's name, so that a web page on another
  site cannot reach the server through DNS rebinding.
- Bodies over 1 MiB are refused with 413 before any route reads them.
- ``?token=`` (the link ``letterkit serve`` prints) starts a session and redirects to the
  same address on this server, without the token. The session cookie holds a random id the
  server maps to the session (never the token); its name includes the port, so a server on
  another port of 127.0.0.1 neither reads nor replaces it; it is HttpOnly, SameSite=Strict,
  Path=/, and over https ``__Host-`` and Secure. API clients send
  ``Authorization: Bearer TOKEN``. Anything else gets 401, with a page saying what to do.
- A state-changing request signed in by the cookie must come from a page of this server
  (its ``Origin``, or for ``Origin: null`` the browser's ``Sec-Fetch-Site``), so that
  another site cannot post a form to it (CSRF).
- Every answer carries a strict Content-Security-Policy (no inline script), forbids being
  framed, sends no Referer and is not cached.
"""

from __future__ import annotations

import html
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from letterkit.errors import OptionsError
from letterkit.web.site import MAX_BODY, Site

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MIN_TOKEN = 20
"""Shortest sign-in token accepted (a fresh one is 32 characters)."""


def check_token(token: str) -> str:
    """The token, if it is long and varied enough to keep the letters private; else an OptionsError."""
    if len(token) < MIN_TOKEN or len(set(token)) < 8:
        raise OptionsError(
            f"LETTERKIT_TOKEN is too weak to keep the letters private (it needs at least {MIN_TOKEN} "
            "characters, not all alike); make one with: python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(24))'",
            "token",
        )
    return token


COOKIE = "letterkit_session"
"""The start of the session cookie's name; the port follows (``letterkit_session_8000``)."""

MAX_SESSIONS = 256
"""Sessions remembered at once; the oldest is forgotten first (its browser signs in again)."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC = ("/static/",)
"""Paths served without signing in: letterkit's own stylesheets and scripts, nothing of a letter."""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)
FRAME_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
"""For the pages shown inside a frame of this server (the letter as it will print)."""

FRAMEABLE = "x-letterkit-frameable"
"""A route sets this header to be framed by the server's own pages; it is removed on the way out."""


def headers_for(path: str, frameable: bool) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", (FRAME_CSP if frameable else CSP).encode()),
        (b"x-frame-options", b"SAMEORIGIN" if frameable else b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"cross-origin-resource-policy", b"same-origin"),
    ]


class Gate:
    """ASGI middleware enforcing the rules above."""

    def __init__(self, app: ASGIApp, site: Site) -> None:
        self.app = app
        self.site = site
        self.sessions: dict[str, None] = {}
        """The ids of the sessions started by the link, oldest first (kept in memory only)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        send = self._with_headers(send, path)
        if not self._host_allowed(headers.get("host", "")):
            await refuse(
                scope,
                send,
                400,
                "This address is not served here",
                "The request was addressed to another host name. Open the link that "
                "`letterkit serve` printed.",
            )
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY:
            await refuse(scope, send, 413, "Too large", "A letter can be at most 1 MiB.")
            return
        if path.startswith(PUBLIC):
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        token = dict(query).get("token")
        if token is not None and method in SAFE_METHODS and not path.startswith("/api/"):
            if not secrets.compare_digest(token.encode(), self.site.token.encode()):
                await refuse(scope, send, 401, "Not signed in", SIGN_IN)
                return
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            cookie = session_cookie(scope, self.site.port, self._new_session())
            await redirect_with_cookie(send, here(path) + ("?" + rest if rest else ""), cookie)
            return
        how = self._signed_in(headers, cookie_name(scope, self.site.port))
        if how is None:
            await refuse(scope, send, 401, "Not signed in", SIGN_IN)
            return
        if how == "cookie" and method not in SAFE_METHODS:
            if not _same_origin(headers, scope.get("scheme", "http")):
                await refuse(
                    scope,
                    send,
                    403,
                    "Refused",
                    "This change did not come from a letterkit page. Reload the page and try again.",
                )
                return
        if method not in SAFE_METHODS:
            body = await _read_body(receive)
            if body is None:
                await refuse(scope, send, 413, "Too large", "A letter can be at most 1 MiB.")
                return
            receive = _replay(body)
        await self.app(scope, receive, send)

    def _host_allowed(self, host: str) -> bool:
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.strip("[]").lower() in self.site.allowed_hosts

    def _new_session(self) -> str:
        session = secrets.token_urlsafe(32)
        self.sessions[session] = None
        while len(self.sessions) > MAX_SESSIONS:
            del self.sessions[next(iter(self.sessions))]
        return session

    def _signed_in(self, headers: dict[str, str], cookie: str) -> str | None:
        expected = self.site.token.encode()
        auth = headers.get("authorization", "")
        if auth[:7].lower() == "bearer ":
            given = auth[7:].strip().encode()
            return "bearer" if secrets.compare_digest(given, expected) else None
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == cookie and value in self.sessions:
                return "cookie"
        return None

    @staticmethod
    def _with_headers(send: Send, path: str) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                frameable = any(k.lower() == FRAMEABLE.encode() for k, _ in raw)
                kept = [(k, v) for k, v in raw if k.lower() not in _OURS]
                message["headers"] = kept + headers_for(path, frameable)
            await send(message)

        return wrapped


_OURS = {k for k, _ in headers_for("", False)} | {FRAMEABLE.encode()}

SIGN_IN = (
    "Open the link that `letterkit serve` printed when it started (it ends in ?token=…). "
    "API clients send the token as 'Authorization: Bearer TOKEN'."
)


def cookie_name(scope: Scope, port: int) -> str:
    """The session cookie's name for this server: its port in it; ``__Host-`` over https."""
    server = scope.get("server")
    if server and server[1] is not None:
        port = int(server[1])
    name = f"{COOKIE}_{port}"
    return "__Host-" + name if scope.get("scheme") == "https" else name


def session_cookie(scope: Scope, port: int, session: str) -> str:
    cookie = f"{cookie_name(scope, port)}={session}; HttpOnly; SameSite=Strict; Path=/"
    return cookie + "; Secure" if scope.get("scheme") == "https" else cookie


def here(path: str) -> str:
    """``path`` as a Location on this server: one leading slash (never ``//host``), with
    non-ASCII characters, control characters, backslashes and spaces percent-encoded."""
    return "/" + quote(path.lstrip("/\\"), safe="/:@!$&'()*+,;=-._~")


def _same_origin(headers: dict[str, str], scheme: str = "http") -> bool:
    """Whether a request comes from a page of this server.

    Its ``Origin`` says so; but a form posted from a page with ``Referrer-Policy:
    no-referrer`` carries ``Origin: null``, and then the browser's own ``Sec-Fetch-Site``
    (which no page can set) must say ``same-origin``.
    """
    origin = headers.get("origin", "")
    if origin == f"{scheme}://{headers.get('host', '')}":
        return True
    return origin in ("", "null") and headers.get("sec-fetch-site") == "same-origin"


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def redirect_with_cookie(send: Send, location: str, cookie: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", (location or "/").encode("latin-1")),
                (b"set-cookie", cookie.encode("latin-1")),
                (b"content-length", b"0"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})


async def refuse(scope: Scope, send: Send, status: int, title: str, detail: str) -> None:
    """Answer with a problem: JSON (RFC 9457) for the API, a short page for a browser."""
    path: str = scope.get("path", "")
    accept = ""
    for key, value in scope.get("headers", []):
        if key.lower() == b"accept":
            accept = value.decode("latin-1")
    if path.startswith("/api/") or path == "/openapi.json" or "text/html" not in accept:
        body = json.dumps(
            {"type": "about:blank", "title": title, "status": status, "detail": detail}
        ).encode()
        media = b"application/problem+json"
    else:
        body = page(title, f"<p>{html.escape(detail)}</p>").encode()
        media = b"text/html; charset=utf-8"
    headers = [(b"content-type", media), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="letterkit"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def page(title: str, body_html: str) -> str:
    """A minimal page of letterkit's own, for answers given before any route runs."""
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} · letterkit</title>"
        '<link rel="stylesheet" href="/static/nhsuk/nhsuk-frontend.min.css"><link rel="stylesheet" href="/static/app.css">'
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml"></head><body>'
        '<header class="nhsuk-header" role="banner"><div class="nhsuk-header__container nhsuk-width-container">'
        '<div class="nhsuk-header__service"><a class="nhsuk-header__service-name home" href="/">letterkit</a>'
        "</div></div></header>"
        f'<main id="main" class="narrow"><h1>{html.escape(title)}</h1>{body_html}</main></body></html>'
    )
