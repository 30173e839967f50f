"""``letterkit serve --database``: the pages and the API for a team, through TestClient over real
PostgreSQL. Staff sign in (password and code); each sees only their caseload, through the API
and the pages; a patient link opens one letter's reading page and nothing else, until it is
withdrawn; and every access is in the audit log. Fictional people only.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from service_support import PASSWORD, Team  # noqa: E402

from letterkit import Accounts, acting_as  # noqa: E402
from letterkit.web.service import create_service_app  # noqa: E402

BASE = "http://127.0.0.1:8000"
ORIGIN = {"Origin": BASE}


NOT_AUDITED = ("/signin", "/p/", "/static/", "/preview/")
"""What the audit log leaves out: the sign-in page (its attempts are logged by name), a patient
link's first step (logged as the link's use), letterkit's own stylesheets and scripts."""
SENT: list[tuple[str, str, int]] = []
"""Every request the test made (method, path, status), checked against the audit log."""


class Recording(TestClient):
    def request(self, method: str, url: object, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        answer = super().request(method, url, *args, **kwargs)  # type: ignore[arg-type]
        SENT.append((method, answer.request.url.path, answer.status_code))
        return answer


@pytest.fixture
def app(team: Team) -> Iterator[object]:
    SENT.clear()
    made = create_service_app(team.url, port=8000)
    yield made
    made.accounts.store.close()
    # Every access the test made is in the audit log (who, what, which letter, from where).
    logged = {detail for *_, detail in _audit(team)}
    for method, path, status in SENT:
        if not path.startswith(NOT_AUDITED) and status != 401:
            assert f"{method} {path} {status}" in logged, f"{method} {path} {status} is not in the audit log"


def _client(app: object) -> TestClient:
    return Recording(app, base_url=BASE, headers={"Accept": "text/html"}, follow_redirects=False)  # type: ignore[arg-type]


def signed_in(app: object, team: Team, name: str) -> TestClient:
    client = _client(app)
    answer = client.post(
        "/signin", data={"name": name, "password": PASSWORD, "code": team.code(name)}, headers=ORIGIN
    )
    assert answer.status_code == 303, answer.text
    return client


def _audit(team: Team) -> list[tuple[str, str, str | None, str]]:
    with Accounts(team.url) as accounts:
        return [(e.who, e.action, e.letter, e.detail) for e in accounts.audit()]


# --------------------------------------------------------------------------- signing in


def test_nothing_is_shown_before_signing_in(app: object) -> None:
    client = _client(app)
    assert client.get("/").status_code == 303
    assert client.get("/").headers["location"] == "/signin"
    assert client.get("/api/v1/letters", headers={"Accept": "application/json"}).status_code == 401
    page = client.get("/signin")
    assert page.status_code == 200 and "authenticator app" in page.text


def test_a_wrong_code_is_refused_on_the_page_and_audited(app: object, team: Team) -> None:
    client = _client(app)
    answer = client.post(
        "/signin", data={"name": "hana", "password": PASSWORD, "code": "000000"}, headers=ORIGIN
    )
    assert answer.status_code == 401
    assert "The name, password or code is not right; try again." in answer.text
    assert ("hana", "sign-in", None, "refused: the name, password or code is not right; try again") in _audit(
        team
    )


def test_the_nav_says_who_is_signed_in_and_signing_out_ends_the_session(app: object, team: Team) -> None:
    client = signed_in(app, team, "hana")
    page = client.get("/")
    assert "Signed in as Dr Hana Osei (therapist)" in page.text
    assert "hana.yaml" in page.text and "ravi.yaml" not in page.text
    assert client.post("/signout", headers=ORIGIN).status_code == 303
    assert client.get("/").status_code == 303


# --------------------------------------------------------------------------- isolation


def test_a_therapist_cannot_read_another_therapists_letter_through_the_api_or_the_pages(
    app: object, team: Team
) -> None:
    ravi = signed_in(app, team, "ravi")
    api = {"Accept": "application/json"}
    assert [x["name"] for x in ravi.get("/api/v1/letters", headers=api).json()["letters"]] == ["ravi.yaml"]
    assert ravi.get("/api/v1/letters/hana.yaml", headers=api).status_code == 404
    assert ravi.get("/api/v1/letters/hana.yaml/drafts", headers=api).status_code == 404
    for page in ("", "/read", "/history", "/suggestions", "/links"):
        assert ravi.get(f"/letters/hana.yaml{page}").status_code == 404, page
    assert ravi.get("/letters/ravi.yaml").status_code == 200


def test_a_supervisor_sees_her_trainees_letters_and_an_admin_the_audit_log(app: object, team: Team) -> None:
    sara = signed_in(app, team, "sara")
    assert sara.get("/letters/tom.yaml").status_code == 200
    assert sara.get("/letters/hana.yaml").status_code == 404
    assert sara.get("/admin/audit").status_code == 403
    ada = signed_in(app, team, "ada")
    page = ada.get("/admin/audit")
    assert page.status_code == 200 and "GET /letters/tom.yaml 200" in page.text
    export = ada.get("/admin/audit.jsonl")
    assert export.headers["content-type"].startswith("application/x-ndjson")
    assert '"who": "sara"' in export.text


# --------------------------------------------------------------------------- patient links


def _make_link(client: TestClient, name: str) -> str:
    made = client.post(f"/letters/{name}/links", data={"days": "7"}, headers=ORIGIN)
    assert made.status_code == 200, made.text
    found = re.search(r'value="(http://[^"]+/p/[^"]+)"', made.text)
    assert found, made.text
    return urlsplit(found.group(1)).path


def test_a_patient_link_opens_one_reading_page_and_nothing_else(app: object, team: Team) -> None:
    hana = signed_in(app, team, "hana")
    path = _make_link(hana, "hana.yaml")
    patient = _client(app)
    opened = patient.get(path)
    assert opened.status_code == 303 and opened.headers["location"] == "/letters/hana.yaml/read"
    assert "HttpOnly; SameSite=Lax; Path=/" in opened.headers["set-cookie"]  # opened from an email
    page = patient.get("/letters/hana.yaml/read")
    assert page.status_code == 200 and "Save my changes" in page.text
    assert "Signed in as" not in page.text and 'href="/letters/hana.yaml/history"' not in page.text
    for elsewhere in (
        "/",
        "/letters/hana.yaml",
        "/letters/hana.yaml/history",
        "/letters/ravi.yaml/read",
        "/api/v1/letters",
        "/admin/audit",
    ):
        assert patient.get(elsewhere).status_code == 403, elsewhere
    saved = patient.post(
        "/letters/hana.yaml/read",
        data={
            "_author": "joint",
            "_author_name": "Peter Hale",
            "own": "I would like to add a line of my own.",
        },
        headers=ORIGIN,
    )
    assert saved.status_code == 200, re.findall(r"class=\"error\"[^<]*<", saved.text)
    assert "Saved as Peter Hale's suggestions" in html.unescape(saved.text)
    drafts = hana.get("/api/v1/letters/hana.yaml/drafts", headers={"Accept": "application/json"}).json()[
        "drafts"
    ]
    assert drafts[-1]["role"] == "patient"  # a link saves the patient's suggestions, never "made together"


def test_a_withdrawn_link_stops_working_at_once(app: object, team: Team) -> None:
    hana = signed_in(app, team, "hana")
    path = _make_link(hana, "hana.yaml")
    patient = _client(app)
    assert patient.get(path).status_code == 303
    with Accounts(team.url, scoped=True) as accounts, acting_as("hana"):
        link = accounts.links("hana.yaml")[0]
    assert hana.post(f"/letters/hana.yaml/links/{link.id}/revoke", headers=ORIGIN).status_code == 303
    gone = patient.get("/letters/hana.yaml/read")
    assert gone.status_code == 410 and "expired or was withdrawn" in gone.text
    assert _client(app).get(path).status_code == 410


# --------------------------------------------------------------------------- the audit log


def test_every_access_is_in_the_audit_log(app: object, team: Team) -> None:
    hana = signed_in(app, team, "hana")
    hana.get("/letters/hana.yaml")
    hana.get("/letters/hana.yaml/history")
    hana.get("/letters/hana.yaml/download?format=md")
    hana.post("/letters/hana.yaml/preview", data={}, headers=ORIGIN)
    path = _make_link(hana, "hana.yaml")
    patient = _client(app)
    patient.get(path)
    patient.get("/letters/hana.yaml/read")
    ravi = signed_in(app, team, "ravi")
    ravi.get("/letters/hana.yaml")
    log = _audit(team)
    assert ("hana", "sign-in", None, "signed in") in log
    assert ("hana", "read", "hana.yaml", "GET /letters/hana.yaml 200") in log
    assert ("hana", "read", "hana.yaml", "GET /letters/hana.yaml/history 200") in log
    assert ("hana", "download", "hana.yaml", "GET /letters/hana.yaml/download 200") in log
    assert any(e[:3] == ("hana", "render", "hana.yaml") for e in log)
    assert ("hana", "write", "hana.yaml", "POST /letters/hana.yaml/links 200") in log
    links = [e for e in log if e[1] == "link"]
    assert (
        len(links) == 1
        and links[0][0].startswith("patient link ")
        and links[0][2:] == ("hana.yaml", "opened the link")
    )
    assert (links[0][0], "read", "hana.yaml", "GET /letters/hana.yaml/read 200") in log
    assert ("ravi", "read", "hana.yaml", "GET /letters/hana.yaml 404") in log  # refused, and recorded


# --------------------------------------------------------------------------- several workers


def test_several_workers_over_one_database_answer_alike(team: Team) -> None:
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    import httpx

    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-m", "letterkit", "serve", "--database", team.url, "--port", "0", "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.fullmatch(r"letterkit is running at (http://127\.0\.0\.1:\d+)/\n", line)
        assert found, line
        base = found.group(1)
        signed = httpx.post(
            base + "/signin",
            data={"name": "sara", "password": PASSWORD, "code": team.code("sara")},
            headers={"Origin": base},
        )
        assert signed.status_code == 303
        token = signed.cookies[next(iter(signed.cookies))]
        answers = set()
        for _ in range(12):  # a new connection each time: either worker may answer
            answer = httpx.get(base + "/api/v1/letters", headers={"Authorization": f"Bearer {token}"})
            answers.add((answer.status_code, tuple(x["name"] for x in answer.json()["letters"])))
        assert answers == {(200, ("tom.yaml",))}
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out.endswith("letterkit stopped.\n")


# --------------------------------------------------------------------------- sign-off


def _make_final(client: TestClient, name: str) -> int:
    api = {"Accept": "application/json", **ORIGIN}
    got = client.get(f"/api/v1/letters/{name}", headers=api)
    data = dict(got.json()["letter"], status="final")
    put = client.put(f"/api/v1/letters/{name}", json=data, headers={**api, "If-Match": got.headers["etag"]})
    return put.status_code


def test_a_trainees_letter_becomes_final_only_once_his_supervisor_signs_it_off(
    app: object, team: Team
) -> None:
    tom = signed_in(app, team, "tom")
    assert _make_final(tom, "tom.yaml") == 409  # not signed off
    assert tom.post("/letters/tom.yaml/sign-off", data={"draft": "1"}, headers=ORIGIN).status_code == 403
    ada = signed_in(app, team, "ada")  # an admin sees the letter, but does not supervise tom
    refused = ada.post("/letters/tom.yaml/sign-off", data={"draft": "1"}, headers=ORIGIN)
    assert refused.status_code == 403 and "Only a supervisor of the trainee" in refused.text
    sara = signed_in(app, team, "sara")
    page = sara.get("/letters/tom.yaml/sign-off")
    assert page.status_code == 200 and "Sign off draft 1" in page.text
    signed = sara.post(
        "/letters/tom.yaml/sign-off", data={"draft": "1", "note": "Warm and clear."}, headers=ORIGIN
    )
    assert signed.status_code == 200
    assert "Draft 1 signed off by Dr Sara Okafor" in html.unescape(signed.text)
    assert _make_final(tom, "tom.yaml") == 200
    assert ("sara", "sign-off", "tom.yaml", "POST /letters/tom.yaml/sign-off 200") in _audit(team)
    assert ("sara", "read", "tom.yaml", "GET /letters/tom.yaml/sign-off 200") in _audit(team)


def test_a_therapists_own_letter_needs_no_sign_off(app: object, team: Team) -> None:
    hana = signed_in(app, team, "hana")
    assert "does not need a supervisor" in hana.get("/letters/hana.yaml/sign-off").text


def test_the_service_answers_the_names_it_is_given_and_no_other(team: Team) -> None:
    named = create_service_app(team.url, port=8000, names=("letters.example.org",))
    try:
        page = TestClient(named, base_url="http://letters.example.org", follow_redirects=False)
        assert page.get("/signin").status_code == 200
        other = TestClient(named, base_url="http://elsewhere.example.org", follow_redirects=False)
        assert other.get("/signin").status_code == 400
    finally:
        named.accounts.store.close()
