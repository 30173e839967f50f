"""Issue 18, round three, the web items: each test here failed before its fix (fictional people only)."""

from __future__ import annotations

import html
import shutil
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from letterkit.web import create_app  # noqa: E402
from letterkit.workspace import Workspace  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "hardening-token-0123456789"
BASE = "http://127.0.0.1:8000"
ORIGIN = {"Origin": BASE}
BEARER = {"Authorization": f"Bearer {TOKEN}"}

HOSTILE = (
    '<div hx-post="/x" hx-trigger="load">',
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(2) hx-get=/y hx-trigger=load>",
    "<script>alert(3)</script>",
)
NOT_FREE_TEXT = {"kind", "status", "date", "attachment_style", "session", "format", "less_conscious"}


def _fill(data: Any, make: Callable[[int], str], key: str = "", count: list[int] | None = None) -> Any:
    """``data`` with every free-text value replaced by ``make(n)`` (its shape kept)."""
    count = count if count is not None else [0]
    if isinstance(data, dict):
        return {k: v if k in NOT_FREE_TEXT else _fill(v, make, k, count) for k, v in data.items()}
    if isinstance(data, list):
        return [_fill(v, make, key, count) for v in data]
    if isinstance(data, str):
        count[0] += 1
        return make(count[0])
    return data


def hostile(n: int) -> str:
    return f"Words {n} {HOSTILE[n % len(HOSTILE)]} and {HOSTILE[(n + 1) % len(HOSTILE)]}"


def clean(n: int) -> str:
    return f"Words {n} written plainly and kindly"


def _letter_with(folder: Path, make: Callable[[int], str]) -> None:
    """peter.yaml with every field written by ``make``, a therapist's draft, then the patient's."""
    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", folder / "peter.yaml")
    ws = Workspace(folder)
    work = ws.read_work("peter.yaml")
    data = _fill(work.data, make)
    ws.save_work("peter.yaml", data, work.version, draft_as=("therapist", make(900), make(901)))
    work = ws.read_work("peter.yaml")
    data = dict(work.data)
    data["changes"] = [*data["changes"], make(902)]
    data["ipaf"] = {**data["ipaf"], "self": data["ipaf"]["self"] + " " + make(903)}
    data["patient"] = {**data["patient"], "preferred_name": make(904)}
    saved = ws.save_work("peter.yaml", data, work.version, draft_as=("patient", make(905), make(906)))
    assert "saved" in saved.message.lower(), saved.message


class _Attributes(HTMLParser):
    """Every element's active attributes: hx-*, data-hx-*, on*; and every script element."""

    def __init__(self) -> None:
        super().__init__()
        self.found: Counter[tuple[str, str]] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.found[(tag, "script")] += 1
        for name, _ in attrs:
            if name.startswith(("hx-", "data-hx-")) or name.startswith("on"):
                self.found[(tag, name)] += 1

    handle_startendtag = handle_starttag


def active(page: str) -> Counter[tuple[str, str]]:
    parser = _Attributes()
    parser.feed(page)
    parser.close()
    return parser.found


PAGES = (
    ("GET", "/"),
    ("GET", "/letters/peter.yaml"),
    ("GET", "/letters/peter.yaml/read"),
    ("GET", "/letters/peter.yaml/history"),
    ("GET", "/letters/peter.yaml/history?a=1&b=2"),
    ("GET", "/letters/peter.yaml/history?a=1&b=2&reader=patient"),
    ("GET", "/letters/peter.yaml/history?view=contributions"),
    ("GET", "/letters/peter.yaml/history?view=contributions&reader=patient"),
    ("GET", "/api/v1/letters/peter.yaml/diff?a=1&b=2&format=html"),
    ("GET", "/api/v1/letters/peter.yaml/contributions?format=html"),
    ("GET", "/api/v1/letters/peter.yaml/render?format=html"),
    ("POST", "/letters/peter.yaml/preview"),
    ("POST", "/letters/peter.yaml/read"),
)


def _pages(folder: Path, make: Callable[[int], str]) -> dict[str, Counter[tuple[str, str]]]:
    _letter_with(folder, make)
    c = TestClient(create_app(folder, TOKEN), base_url=BASE, headers={"Accept": "text/html"})
    c.get(f"/?token={TOKEN}")
    work = Workspace(folder).read_work("peter.yaml")
    found = {}
    for method, path in PAGES:
        if method == "GET":
            r = c.get(path)
        elif path.endswith("/read"):  # the patient's own words, saved as their draft
            r = c.post(path, data={"own": make(907), "_author_name": make(909)}, headers=ORIGIN)
        else:
            r = c.post(path, data={"kind": work.data["kind"], "patient.name": make(908)}, headers=ORIGIN)
        assert r.status_code == 200, (path, r.status_code, r.text[:500])
        assert "Words " in r.text, path  # the letter's words are there
        found[path] = active(r.text)
    return found


def test_hostile_words_in_every_field_add_no_active_markup_to_any_page(tmp_path: Path) -> None:
    """Markup typed into any field (the patient's name in the contributions legend, too) is
    shown as text on every page: no element gains an hx-, on… attribute or a script."""
    (tmp_path / "clean").mkdir()
    (tmp_path / "hostile").mkdir()
    expected = _pages(tmp_path / "clean", clean)
    got = _pages(tmp_path / "hostile", hostile)
    for path, attributes in expected.items():
        assert got[path] == attributes, path


def test_htmx_is_configured_so_injected_attributes_cannot_act(tmp_path: Path) -> None:
    """Even if markup got in, htmx would not evaluate code, run scripts it swaps in, or send
    requests to another site; and the letter shown inside a page is marked hx-disable."""
    _letter_with(tmp_path, clean)
    c = TestClient(create_app(tmp_path, TOKEN), base_url=BASE, headers={"Accept": "text/html"})
    c.get(f"/?token={TOKEN}")
    for path in ("/letters/peter.yaml", "/letters/peter.yaml/history?view=contributions"):
        page = c.get(path).text
        assert '"allowEval": false' in page and '"allowScriptTags": false' in page
        assert '"selfRequestsOnly": true' in page
        assert 'class="letter-preview' in page
        for chunk in page.split('class="letter-preview')[:-1]:
            assert chunk.rsplit("<", 1)[1].startswith("div hx-disable"), path


# --------------------------------------------------------------------------- 6: the session cookie


def _signed_in(folder: Path, base: str = BASE) -> tuple[TestClient, str]:
    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", folder / "peter.yaml")
    c = TestClient(create_app(folder, TOKEN, port=8000), base_url=base)
    r = c.get(f"/letters/peter.yaml?token={TOKEN}", follow_redirects=False)
    assert r.status_code == 303
    return c, r.headers["set-cookie"]


def test_the_session_cookie_is_a_random_id_for_this_port_only(tmp_path: Path) -> None:
    c, cookie = _signed_in(tmp_path)
    name, _, rest = cookie.partition("=")
    value = rest.split(";", 1)[0]
    assert TOKEN not in cookie  # the token never leaves the server in a cookie
    assert "8000" in name  # another server on 127.0.0.1 (another port) gets its own cookie
    assert len(value) >= 32
    for part in ("HttpOnly", "SameSite=Strict", "Path=/"):
        assert part in cookie
    assert c.get("/letters/peter.yaml").status_code == 200  # the session signs the browser in
    stranger = TestClient(create_app(tmp_path, TOKEN, port=8000), base_url=BASE)
    stranger.cookies.set(name, TOKEN)  # the token itself is no session
    assert stranger.get("/api/v1/letters").status_code == 401
    stranger.cookies.set(name, "made-up-session-id-0123456789abcdef")
    assert stranger.get("/api/v1/letters").status_code == 401


def test_over_https_the_cookie_is_host_only_and_secure(tmp_path: Path) -> None:
    _, cookie = _signed_in(tmp_path, "https://127.0.0.1:8000")
    assert cookie.startswith("__Host-") and "Secure" in cookie and "Domain" not in cookie


# --------------------------------------------------------------------------- 12: sign-in and odd paths


def test_sign_in_never_redirects_to_another_site(tmp_path: Path) -> None:
    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", tmp_path / "peter.yaml")
    c = TestClient(create_app(tmp_path, TOKEN), base_url=BASE)
    for path in ("/%2F%2Fevil.example/", "//evil.example/", "/%5C%5Cevil.example/", "/%2F%5Cevil.example"):
        r = c.get(f"{path}?token={TOKEN}", follow_redirects=False)
        assert r.status_code == 303, path
        location = r.headers["location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), (path, location)


@pytest.mark.parametrize("path", ["/%E2%80%A8", "/%0D%0ASet-Cookie:%20x=1", "/letters/a%0A.yaml", "/%00"])
def test_odd_paths_are_a_clean_answer_not_a_server_error(tmp_path: Path, path: str) -> None:
    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", tmp_path / "peter.yaml")
    c = TestClient(create_app(tmp_path, TOKEN), base_url=BASE, raise_server_exceptions=False)
    r = c.get(f"{path}?token={TOKEN}", follow_redirects=False)
    assert r.status_code in (303, 400, 404), r.status_code
    assert "\n" not in r.headers.get("location", "") and "\r" not in r.headers.get("location", "")
    if r.status_code == 303:
        r = c.get(r.headers["location"], follow_redirects=False)
        assert r.status_code in (400, 404), r.status_code
    assert "Traceback" not in r.text
    r = c.get(path, headers=BEARER)
    assert r.status_code in (400, 404) and "Traceback" not in r.text


# --------------------------------------------------------------------------- 7: the page's save


def _browser(folder: Path) -> TestClient:
    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", folder / "peter.yaml")
    c = TestClient(create_app(folder, TOKEN), base_url=BASE, headers={"Accept": "text/html"})
    c.get(f"/?token={TOKEN}")
    return c


@pytest.mark.parametrize(("version", "status"), [(None, 428), ("", 428), ("0" * 16, 409)])
def test_the_pages_save_needs_the_version_it_was_read_at(
    tmp_path: Path, version: str | None, status: int
) -> None:
    c = _browser(tmp_path)
    before = (tmp_path / "peter.yaml").read_bytes()
    form = {"kind": "goodbye-letter", "patient.name": "Someone Else Entirely", "action": "save"}
    if version is not None:
        form["_version"] = version
    r = c.post("/letters/peter.yaml", data=form, headers=ORIGIN)
    assert r.status_code == status
    assert "Someone Else Entirely" in r.text  # the words typed are kept on the page
    assert "nothing was saved" in r.text.lower()
    assert (tmp_path / "peter.yaml").read_bytes() == before


# --------------------------------------------------------------------------- 8: creating is create-only


def _api(folder: Path) -> tuple[TestClient, dict[str, Any]]:
    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", folder / "peter.yaml")
    c = TestClient(create_app(folder, TOKEN), base_url=BASE, headers=BEARER)
    return c, c.get("/api/v1/letters/peter.yaml").json()["letter"]


def _race(c: TestClient, letter: dict[str, Any], headers: dict[str, str]) -> list[tuple[int, str]]:
    import threading

    barrier = threading.Barrier(8)
    answers: list[tuple[int, str]] = []

    def put(i: int) -> None:
        body = {**letter, "patient": {"name": f"Person {i}"}}
        barrier.wait()
        r = c.put("/api/v1/letters/new.yaml", json=body, headers=headers)
        answers.append((r.status_code, f"Person {i}"))

    threads = [threading.Thread(target=put, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


@pytest.mark.parametrize(("headers", "refused"), [({}, 428), ({"If-None-Match": "*"}, 412)])
def test_parallel_creates_make_one_letter_and_refuse_the_rest(
    tmp_path: Path, headers: dict[str, str], refused: int
) -> None:
    c, letter = _api(tmp_path)
    answers = _race(c, letter, headers)
    made = [who for status, who in answers if status == 200]
    assert len(made) == 1, answers
    assert sorted(status for status, _ in answers if status != 200) == [refused] * 7
    assert made[0] in (tmp_path / "new.yaml").read_text(encoding="utf-8")


def test_if_none_match_star_never_replaces_a_letter(tmp_path: Path) -> None:
    c, letter = _api(tmp_path)
    before = (tmp_path / "peter.yaml").read_bytes()
    r = c.put("/api/v1/letters/peter.yaml", json=letter, headers={"If-None-Match": "*"})
    assert r.status_code == 412 and r.headers["content-type"] == "application/problem+json"
    assert (tmp_path / "peter.yaml").read_bytes() == before


def test_a_create_racing_another_process_does_not_replace_its_letter(tmp_path: Path) -> None:
    """Another process (the command line) makes the file between the check and the write:
    the write itself claims the name, so that letter is kept and the create is refused."""
    ws = Workspace(tmp_path)
    _, letter = _api(tmp_path)
    c = TestClient(create_app(tmp_path, TOKEN, workspace=ws), base_url=BASE, headers=BEARER)
    real = ws.store.write

    def write(name: str, content: bytes, *, create: bool = False) -> None:
        if name == "new.yaml":  # another process makes it just before this write
            (tmp_path / "new.yaml").write_text("kind: goodbye-letter\n# theirs\n", encoding="utf-8")
        real(name, content, create=create)

    ws.store.write = write  # type: ignore[method-assign]
    for headers in ({}, {"If-None-Match": "*"}):
        (tmp_path / "new.yaml").unlink(missing_ok=True)
        r = c.put("/api/v1/letters/new.yaml", json=letter, headers=headers)
        assert r.status_code == 412, r.text[:300]
        assert "# theirs" in (tmp_path / "new.yaml").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- 9: PUT keeps to a file's limits


@pytest.mark.parametrize(
    "change",
    [
        {"goals": [f"Goal {i}" for i in range(1001)]},
        {"background": "Some words\x01 with a control character"},
        {"patient": {"name": "Pat\x07 Example"}},
        {"changes": ["x"] * 1001},
        {"kind": "nonsense"},  # no page could open it: the form is built from the kind
    ],
)
def test_put_refuses_what_no_letter_file_could_hold_and_writes_nothing(
    tmp_path: Path, change: dict[str, Any]
) -> None:
    c, letter = _api(tmp_path)
    version = c.get("/api/v1/letters/peter.yaml").json()["version"]
    before = (tmp_path / "peter.yaml").read_bytes()
    r = c.put("/api/v1/letters/peter.yaml", json={**letter, **change}, headers={"If-Match": version})
    assert r.status_code == 422, r.text[:300]
    assert r.json()["problems"], r.json()
    assert (tmp_path / "peter.yaml").read_bytes() == before
    r = c.put("/api/v1/letters/other.yaml", json={**letter, **change})
    assert r.status_code == 422 and not (tmp_path / "other.yaml").exists()
    assert c.get("/api/v1/letters/peter.yaml").status_code == 200  # still readable and fixable


# --------------------------------------------------------------------------- 12: the smaller items


def _with_drafts(folder: Path) -> TestClient:
    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", folder / "peter.yaml")
    Workspace(folder).save_draft("peter.yaml", "therapist", "Dr Ada Example")
    return TestClient(create_app(folder, TOKEN), base_url=BASE, headers=BEARER)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/letters/peter.yaml/render?rev=99",
        "/api/v1/letters/peter.yaml/render?rev=abcdef12",
        "/api/v1/letters/peter.yaml/diff?a=99",
        "/api/v1/letters/peter.yaml/diff?a=1&b=77",
    ],
)
def test_a_draft_that_does_not_exist_is_404(tmp_path: Path, path: str) -> None:
    r = _with_drafts(tmp_path).get(path)
    assert r.status_code == 404, r.text
    assert r.json()["title"] == "No such draft"


def test_contributions_of_a_letter_that_does_not_exist_is_404(tmp_path: Path) -> None:
    assert _with_drafts(tmp_path).get("/api/v1/letters/nobody.yaml/contributions").status_code == 404


@pytest.mark.parametrize("name", ["nl.yaml%0A", "nl.yaml%0D", "n%0Al.yaml", "nl%09x.yaml", "nl.yaml%00"])
def test_names_with_control_characters_are_refused(tmp_path: Path, name: str) -> None:
    c, letter = _api(tmp_path)
    r = c.put(f"/api/v1/letters/{name}", json=letter)
    assert r.status_code == 404, r.text[:200]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["peter.yaml"]


def test_a_symlinked_history_folder_is_not_followed(tmp_path: Path) -> None:
    elsewhere, served = tmp_path / "elsewhere", tmp_path / "served"
    elsewhere.mkdir()
    served.mkdir()
    _with_drafts(elsewhere)
    shutil.copy(elsewhere / "peter.yaml", served / "peter.yaml")
    (served / "peter.yaml.drafts").symlink_to(elsewhere / "peter.yaml.drafts")
    c = TestClient(create_app(served, TOKEN), base_url=BASE, headers=BEARER)
    before = sorted(p.name for p in (elsewhere / "peter.yaml.drafts").iterdir())
    for method, path, body in (
        ("GET", "/api/v1/letters/peter.yaml/drafts", None),
        ("GET", "/api/v1/letters/peter.yaml/render?rev=1", None),
        ("POST", "/api/v1/letters/peter.yaml/drafts", {"author": "therapist", "note": "x"}),
    ):
        r = c.request(method, path, json=body)
        assert r.status_code == 404, (path, r.status_code, r.text[:200])
    assert sorted(p.name for p in (elsewhere / "peter.yaml.drafts").iterdir()) == before


def test_no_folder_path_in_the_drafts_api_or_the_history_page(tmp_path: Path) -> None:
    c = _with_drafts(tmp_path)
    (tmp_path / "peter.yaml.drafts" / "0001.yaml").write_text("changed\n", encoding="utf-8")  # damage
    for path in ("/api/v1/letters/peter.yaml/drafts", "/letters/peter.yaml/history"):
        r = c.get(path, headers={"Accept": "text/html"} if not path.startswith("/api") else {})
        assert r.status_code == 200, r.text[:300]
        assert "0001.yaml" in r.text or "draft 1" in r.text  # the damage is named
        assert str(tmp_path) not in r.text and str(tmp_path.resolve()) not in r.text, r.text[:2000]


def _serving(folder: Path, config_of: Callable[[Any], Any]) -> Any:
    """A real server on a free port of 127.0.0.1, in a thread; stop it with ``.should_exit``."""
    import socket
    import threading
    import time

    import uvicorn

    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", folder / "peter.yaml")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    server = uvicorn.Server(config_of(create_app(folder, TOKEN)))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    server.port = sock.getsockname()[1]
    return server


def test_a_client_that_sends_half_its_headers_is_cut_off(tmp_path: Path) -> None:
    import socket
    import time

    from letterkit.web import server as serving

    server = _serving(tmp_path, lambda app: serving.uvicorn_config(app, header_timeout=0.5))
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as slow:
            slow.sendall(b"GET /api/v1/letters HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n")  # no blank line
            started = time.monotonic()
            assert slow.recv(1024) == b""  # closed by the server, not by our 5 s timeout
            assert time.monotonic() - started < 3
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as ok:
            ok.sendall(
                f"GET /api/v1/letters HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode()
            )
            assert ok.recv(64).startswith(b"HTTP/1.1 200")
            time.sleep(0.8)  # an answered connection is under the keep-alive timeout, not this one
            ok.sendall(b"GET /api/v1/letters HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # then half a request
            started = time.monotonic()
            data = b""
            while chunk := ok.recv(65536):
                data += chunk
            assert time.monotonic() - started < 3
    finally:
        server.should_exit = True


def test_the_openapi_schema_says_what_the_server_does(tmp_path: Path) -> None:
    """Three mismatches: every operation needs the bearer token (and may answer 401), the
    letter's version comes back as an ETag, and a render may fail with 503."""
    c, _ = _api(tmp_path)
    schema = c.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The token `letterkit serve` prints.",
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"HTTPBearer": []}], (method, path)
            assert {"401", "404", "422"} <= set(operation["responses"]), (method, path)
    letter = schema["paths"]["/api/v1/letters/{name}"]
    for method in ("get", "put"):
        assert "ETag" in letter[method]["responses"]["200"]["headers"]
        assert c.request(method.upper(), "/api/v1/letters/peter.yaml").status_code in (200, 422)
    assert c.get("/api/v1/letters/peter.yaml").headers["etag"]
    for path in (
        "/render",
        "/letters/{name}/render",
        "/letters/{name}/diff",
        "/letters/{name}/contributions",
    ):
        operation = next(iter(schema["paths"]["/api/v1" + path].values()))
        assert "503" in operation["responses"], path


# --------------------------------------------------------------------------- issue 20: the finding at the field


def _notes_letter(folder: Path) -> tuple[TestClient, str]:
    """A draft whose background reads as notes and whose second change talks about Peter."""
    c = _browser(folder)
    ws = Workspace(folder)
    work = ws.read_work("peter.yaml")
    data = {**work.data, "background": "Lives with partner Dana; works nights"}
    data["changes"] = [data["changes"][0], "Peter asked his brother for help.", *data["changes"][2:]]
    data["unfinished_business"] = ["low mood, poor sleep", *data["unfinished_business"][1:]]
    ws.save_work("peter.yaml", data, work.version)
    return c, c.get("/letters/peter.yaml").text


def test_the_letter_page_shows_each_finding_at_its_field_with_a_suggestion(tmp_path: Path) -> None:
    _, page = _notes_letter(tmp_path)
    box = page.split('id="f-background-box"', 1)[1].split('<div class="field', 1)[0]
    assert "reads as notes" in box and "Lives with partner Dana" in box
    assert "You live with partner Dana. You work nights." in box
    assert 'value="accept:background"' in box
    change = page.split('id="f-changes-1-box"', 1)[1].split('<div class="field', 1)[0]
    assert "talks about Peter" in change and "You asked" in change
    unfinished = page.split('id="f-unfinished_business-0-box"', 1)[1].split('<div class="field', 1)[0]
    assert "reads as notes" in unfinished and "accept:" not in unfinished  # no sentence to offer
    assert "Write it as sentences to the patient" in unfinished
    for note in page.split('class="reads-as"')[1:]:
        shown = note.split("</div>", 1)[0]
        text = "".join(part.split(">", 1)[-1] for part in shown.split("<"))
        for path in ("background", "changes[1]", "unfinished_business[0]", "changes.1"):
            assert path not in text, (path, text)  # the field's label is right there; no paths


def test_the_suggestion_goes_into_the_field_with_javascript_off(tmp_path: Path) -> None:
    import re

    c, page = _notes_letter(tmp_path)
    form = {"kind": "goodbye-letter", "action": "accept:background"}
    letter_form = page.split('id="letter-form"', 1)[1].split("</form>", 1)[0]
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', letter_form):
        form[name] = value
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', letter_form, re.S):
        form[name] = html.unescape(value)
    for name, value in re.findall(r'<input id="[^"]+" name="([^"]+)" value="([^"]*)"', letter_form):
        form[name] = html.unescape(value)
    before = (tmp_path / "peter.yaml").read_bytes()
    r = c.post("/letters/peter.yaml", data=form, headers=ORIGIN)
    assert r.status_code == 200
    assert "Not saved yet" in r.text
    field = r.text.split('name="background"', 1)[1].split("</textarea>", 1)[0]
    assert field.endswith("You live with partner Dana. You work nights.")
    assert (tmp_path / "peter.yaml").read_bytes() == before  # the therapist saves it, or rewrites it
    form.update(background="You live with partner Dana. You work nights.", action="save")
    r = c.post("/letters/peter.yaml", data=form, headers=ORIGIN)
    assert r.status_code == 200, r.text[:300]
    assert "You live with partner Dana" in (tmp_path / "peter.yaml").read_text(encoding="utf-8")
    assert 'id="f-background-reads"' not in r.text  # it no longer reads as notes


def test_pages_name_fields_in_the_forms_words_not_by_path(tmp_path: Path) -> None:
    c = _browser(tmp_path)
    ws = Workspace(tmp_path)
    work = ws.read_work("peter.yaml")
    data = {k: v for k, v in work.data.items() if k != "background"}
    data["ipaf"] = {k: v for k, v in data["ipaf"].items() if k != "self"}
    ws.save_work("peter.yaml", data, work.version)
    page = c.get("/letters/peter.yaml").text
    todo = page.split('id="problem-list"', 1)[1].split("</div>", 1)[0]
    assert "What brought you here" in todo and "how you see yourself" in todo
    links = [a.split(">", 1)[1].split("</a>", 1)[0] for a in todo.split("<a ")[1:]]
    assert links and not any(("." in t or "[" in t or "_" in t) for t in links), links
