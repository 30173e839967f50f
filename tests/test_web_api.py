"""letterkit serve's gate and HTTP API, through FastAPI's TestClient (fictional people only)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

import letterkit  # noqa: E402
from letterkit.web import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "test-token-123"
BASE = "http://127.0.0.1:8000"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", tmp_path / "peter.yaml")
    return tmp_path


@pytest.fixture
def client(folder: Path) -> TestClient:
    return TestClient(create_app(folder, TOKEN), base_url=BASE, headers=BEARER)


def browser(folder: Path) -> TestClient:
    """A client signed in by the cookie, as a browser is after opening the link."""
    c = TestClient(create_app(folder, TOKEN), base_url=BASE)
    c.get(f"/?token={TOKEN}", follow_redirects=False)
    return c


# --------------------------------------------------------------------------- the gate


def test_no_token_is_401_with_a_page_that_says_what_to_do(folder: Path) -> None:
    c = TestClient(create_app(folder, TOKEN), base_url=BASE)
    page = c.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 401
    assert "letterkit serve" in page.text and "?token=" in page.text
    api = c.get("/api/v1/letters")
    assert api.status_code == 401
    assert api.headers["content-type"] == "application/problem+json"
    assert c.get("/openapi.json").status_code == 401
    assert c.get("/api/v1/letters", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert c.get("/?token=wrong").status_code == 401


def test_the_link_sets_a_strict_cookie_and_drops_the_token(folder: Path) -> None:
    c = TestClient(create_app(folder, TOKEN), base_url=BASE)
    r = c.get(f"/letters/peter.yaml?token={TOKEN}", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/letters/peter.yaml"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert c.get("/letters/peter.yaml").status_code == 200


def test_security_headers_on_every_answer(client: TestClient) -> None:
    for url in ("/", "/api/v1/letters", "/static/app.css", "/nowhere"):
        r = client.get(url)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["cache-control"] == "no-store"


def test_other_host_names_are_refused(client: TestClient) -> None:
    r = client.get("/api/v1/letters", headers={"Host": "evil.example:8000"})
    assert r.status_code == 400
    assert client.get("/api/v1/letters", headers={"Host": "localhost:8000"}).status_code == 200


def test_cookie_changes_need_this_servers_origin(folder: Path) -> None:
    c = browser(folder)
    letter = c.get("/api/v1/letters/peter.yaml").json()
    body = letter["letter"]
    headers = {"If-Match": letter["version"]}
    assert c.put("/api/v1/letters/peter.yaml", json=body, headers=headers).status_code == 403
    other = {**headers, "Origin": "http://evil.example"}
    assert c.put("/api/v1/letters/peter.yaml", json=body, headers=other).status_code == 403
    ours = {**headers, "Origin": BASE}
    assert c.put("/api/v1/letters/peter.yaml", json=body, headers=ours).status_code == 200


def test_bodies_over_one_mib_are_413(client: TestClient) -> None:
    big = {"kind": "goodbye-letter", "background": "x" * (1024 * 1024 + 10)}
    r = client.post("/api/v1/validate", json=big)
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "name", ["..%2Fetc%2Fpasswd", "..", ".hidden.yaml", "notes.txt", "a%2Fb.yaml", "..%2F..%2Fx.yaml"]
)
def test_names_that_leave_the_folder_are_refused(client: TestClient, name: str) -> None:
    r = client.get(f"/api/v1/letters/{name}")
    assert r.status_code in (400, 404)
    assert r.headers["content-type"] == "application/problem+json"


def test_a_symlink_out_of_the_folder_is_refused(
    client: TestClient, folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.yaml"
    outside.write_text("kind: formulation\n")
    (folder / "link.yaml").symlink_to(outside)
    assert client.get("/api/v1/letters/link.yaml").status_code == 404


# --------------------------------------------------------------------------- letters


def test_list_and_get_letters(client: TestClient, folder: Path) -> None:
    letters = client.get("/api/v1/letters").json()["letters"]
    assert [item["name"] for item in letters] == ["peter.yaml"]
    assert letters[0]["kind"] == "goodbye-letter" and letters[0]["drafts"] == 0
    assert letters[0]["patient"] == "Peter Hale" and letters[0]["preferred_name"] == "Peter"
    assert letters[0]["archived"] is False
    letterkit.Workspace(folder).archive("peter.yaml")  # still listed, marked
    assert client.get("/api/v1/letters").json()["letters"][0]["archived"] is True
    r = client.get("/api/v1/letters/peter.yaml")
    doc = r.json()
    assert doc["complete"] is True and doc["problems"] == []
    assert r.headers["etag"] == f'"{doc["version"]}"'
    assert doc["letter"]["referral"]["date"] == "2026-01-08"


def test_put_keeps_yaml_comments_and_answers_with_problems(client: TestClient, folder: Path) -> None:
    path = folder / "peter.yaml"
    path.write_text("# Peter's letter: a comment to keep\n" + path.read_text())
    doc = client.get("/api/v1/letters/peter.yaml").json()
    letter = doc["letter"]
    del letter["ending"]
    letter["ipaf"]["self"] = "You often feel like a spare part."
    r = client.put("/api/v1/letters/peter.yaml", json=letter, headers={"If-Match": doc["version"]})
    assert r.status_code == 200
    saved = r.json()
    assert saved["complete"] is False
    assert [(p["field"], p["message"]) for p in saved["problems"]] == [
        ("ending", "required — what might the ending of therapy stir up, and what lies ahead?")
    ]
    text = path.read_text()
    assert text.startswith("# Peter's letter: a comment to keep\n")
    assert "You often feel like a spare part." in text and "ending:" not in text


def test_put_refuses_what_is_not_a_letter_at_all_with_plain_words(client: TestClient) -> None:
    doc = client.get("/api/v1/letters/peter.yaml").json()
    bad = {**doc["letter"], "session": "thirteen", "colour": "blue"}
    r = client.put("/api/v1/letters/peter.yaml", json=bad, headers={"If-Match": doc["version"]})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    problems = {p["field"]: p["message"] for p in r.json()["problems"]}
    assert problems["session"] == "should be a session number from 1 to 16"
    assert problems["colour"].startswith("unknown field")


def test_a_stale_save_is_409_and_nothing_is_lost(client: TestClient, folder: Path) -> None:
    doc = client.get("/api/v1/letters/peter.yaml").json()
    path = folder / "peter.yaml"
    path.write_text(path.read_text().replace("status: draft", "status: agreed"))  # the CLI, meanwhile
    before = path.read_bytes()
    r = client.put("/api/v1/letters/peter.yaml", json=doc["letter"], headers={"If-Match": doc["version"]})
    assert r.status_code == 409
    assert "changed somewhere else" in r.json()["detail"]
    assert path.read_bytes() == before
    assert client.put("/api/v1/letters/peter.yaml", json=doc["letter"]).status_code == 428


def test_a_new_draft_elsewhere_also_makes_a_save_stale(client: TestClient, folder: Path) -> None:
    import letterkit

    doc = client.get("/api/v1/letters/peter.yaml").json()
    letterkit.save_draft(folder / "peter.yaml", "therapist", "Helen Marsh")
    r = client.put("/api/v1/letters/peter.yaml", json=doc["letter"], headers={"If-Match": doc["version"]})
    assert r.status_code == 409


def test_put_creates_a_new_json_letter_as_json(client: TestClient, folder: Path) -> None:
    r = client.put("/api/v1/letters/new.json", json={"kind": "formulation", "patient": {"name": "Ana Gray"}})
    assert r.status_code == 200 and r.json()["complete"] is False
    assert json.loads((folder / "new.json").read_text())["patient"]["name"] == "Ana Gray"


def test_drafts_post_and_get(client: TestClient) -> None:
    version = client.get("/api/v1/letters/peter.yaml").json()["version"]
    r = client.post(
        "/api/v1/letters/peter.yaml/drafts",
        json={
            "author": "therapist",
            "author_name": "Helen Marsh",
            "note": "For session 13",
            "version": version,
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["draft"]["number"] == 1 and r.json()["saved"] is True
    drafts = client.get("/api/v1/letters/peter.yaml/drafts").json()
    assert drafts["intact"] is True and drafts["drafts"][0]["name"] == "Helen Marsh"
    stale = client.post("/api/v1/letters/peter.yaml/drafts", json={"author": "patient", "version": version})
    assert stale.status_code == 409
    assert client.post("/api/v1/letters/peter.yaml/drafts", json={"author": "nobody"}).status_code == 422


def test_an_incomplete_letter_cannot_become_a_draft(client: TestClient) -> None:
    client.put("/api/v1/letters/wip.yaml", json={"kind": "goodbye-letter"})
    r = client.post("/api/v1/letters/wip.yaml/drafts", json={"author": "therapist"})
    assert r.status_code == 422
    assert any(p["field"] == "background" for p in r.json()["problems"])


def test_render_every_format_and_style(client: TestClient) -> None:
    r = client.get("/api/v1/letters/peter.yaml/render?format=html&style=large-print")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    md = client.get("/api/v1/letters/peter.yaml/render?format=md")
    assert "What brought you here" in md.text
    pdf = client.get("/api/v1/letters/peter.yaml/render?format=pdf")
    assert pdf.content.startswith(b"%PDF") and "peter.pdf" in pdf.headers["content-disposition"]
    assert client.get("/api/v1/letters/peter.yaml/render?format=docx").content.startswith(b"PK")
    assert client.get("/api/v1/letters/peter.yaml/render?format=gif").status_code == 422
    assert client.get("/api/v1/letters/peter.yaml/render?rev=1").status_code == 404  # no draft 1 yet
    assert client.get("/api/v1/letters/peter.yaml/render?rev=..%2Fx").status_code == 404


def test_diff_contributions_and_check(client: TestClient, folder: Path) -> None:
    import letterkit

    path = folder / "peter.yaml"
    letterkit.save_draft(path, "therapist", "Helen Marsh")
    path.write_text(path.read_text().replace("brush you aside", "brush me aside, I feel"))
    letterkit.save_draft(path, "patient", "Peter Hale")
    changes = client.get("/api/v1/letters/peter.yaml/diff?a=1&b=2").json()
    assert changes["changes"][0]["path"] == "ipaf.other"
    html = client.get("/api/v1/letters/peter.yaml/diff?a=1&b=latest&format=html").text
    assert "<ins" in html
    assert client.get("/api/v1/letters/peter.yaml/diff?a=1&format=pdf").content.startswith(b"%PDF")
    words = client.get("/api/v1/letters/peter.yaml/contributions").json()
    assert words["words_by_role"]["patient"] > 0
    check = client.get("/api/v1/letters/peter.yaml/check").json()
    assert check["errors"] == 0 and check["findings"][0]["file"] == "peter.yaml"


def test_stateless_render_and_validate(client: TestClient) -> None:
    letter = client.get("/api/v1/letters/peter.yaml").json()["letter"]
    assert client.post("/api/v1/validate", json=letter).json() == {"valid": True, "problems": []}
    incomplete = {k: v for k, v in letter.items() if k != "transference"}
    result = client.post("/api/v1/validate", json=incomplete).json()
    assert result["valid"] is False and result["problems"][0]["field"] == "transference"
    r = client.post("/api/v1/render?format=md", json=letter)
    assert r.status_code == 200 and "Dear" in r.text
    assert client.post("/api/v1/render?format=md", json=incomplete).status_code == 422
    assert (
        client.post(
            "/api/v1/validate", content=b"[1, 2]", headers={"Content-Type": "application/json"}
        ).status_code
        == 422
    )


def test_unknown_things_are_problems_not_tracebacks(folder: Path) -> None:
    c = TestClient(create_app(folder, TOKEN), base_url=BASE, headers=BEARER, raise_server_exceptions=False)
    assert c.get("/api/v1/letters/missing.yaml").status_code == 404
    r = c.get("/api/v1/nothing")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    (folder / "broken.yaml").write_text("kind: [unclosed\n")
    broken = c.get("/api/v1/letters/broken.yaml")
    assert broken.status_code == 422 and "Traceback" not in broken.text
    assert c.get("/api/v1/letters").status_code == 200


def test_openapi_types_every_body(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    put = spec["paths"]["/api/v1/letters/{name}"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("LetterInProgress")
    assert "LetterDocument" in json.dumps(put["responses"]["200"])
    for path in ("/api/v1/letters", "/api/v1/letters/{name}/drafts", "/api/v1/render", "/api/v1/validate"):
        assert path in spec["paths"]


# --------------------------------------------------------------------------- the command


def test_help_does_not_import_fastapi() -> None:
    code = "import sys; from letterkit.cli import main\ntry:\n main(['--help'])\nexcept SystemExit: pass\nprint('fastapi' in sys.modules, 'uvicorn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False False"


def test_serve_refuses_another_host_without_allow_remote(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "letterkit", "serve", str(tmp_path), "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert "--allow-remote" in out.stderr and "Traceback" not in out.stderr


def test_answers_name_letters_not_the_servers_folders(client: TestClient, folder: Path) -> None:
    import letterkit

    path = folder / "peter.yaml"
    letterkit.save_draft(path, "therapist", "Helen Marsh")
    path.write_text(path.read_text().replace("brush you aside", "brush me aside"))
    letterkit.save_draft(path, "patient", "Peter Hale")
    for url in (
        "/api/v1/letters/peter.yaml/diff?a=1&b=2&format=html",
        "/api/v1/letters/peter.yaml/diff?a=1&b=2&format=text",
        "/api/v1/letters/peter.yaml/contributions?format=json",
        "/api/v1/letters/missing.yaml",
    ):
        assert str(folder) not in client.get(url).text, url


def test_serve_says_when_the_port_is_taken(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        out = subprocess.run(
            [sys.executable, "-m", "letterkit", "serve", str(tmp_path), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert out.returncode == 1
    assert f"could not listen on 127.0.0.1:{port}" in out.stderr and "Traceback" not in out.stderr
