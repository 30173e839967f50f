"""The patient's copy everywhere, and suggestions as a page: through TestClient (as a browser
with JavaScript off), the HTTP API and the command line (fictional people only)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from helpers import Visible, edit, run

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from letterkit import Workspace  # noqa: E402
from letterkit.web import create_app  # noqa: E402

TOKEN = "copies-token-0123456789"
BASE = "http://127.0.0.1:8000"
ORIGIN = {"Origin": BASE}
API = {"Authorization": f"Bearer {TOKEN}"}

LETTER = """\
kind: goodbye-letter
status: draft
patient: {name: Nora Vale, preferred_name: Nora}
therapist: {name: Dr Sam Lee, role: Psychological therapist, service: Riverside Talking Therapies}
date: 2026-12-05
session: 13
background: You came to see me after a hard year at work.
referral: {by: your GP, reason: low mood, date: 2026-06-01}
ipaf:
  self: You often feel like a spare part.
  other: You expect other people to pass you over.
  affect: [sadness, {feeling: anger, less_conscious: true}]
  imagery: [a spare part]
coping_strategies:
  - {strategy: You kept busy for everyone else., cost: It left you worn out.}
course_of_therapy: We met for sixteen sessions, always on a Tuesday.
changes:
  - You asked for help at work.
unfinished_business:
  - Saying no still feels hard.
ending: The ending may stir up old feelings of being left.
transference: At times you worried that I would forget you.
closing: I will remember our work together.
"""


def visible_text(html: str) -> str:
    return " ".join(Visible(html).text.split())


FIELD_PATH = re.compile(
    r"\b(ipaf|coping_strategies|unfinished_business|course_of_therapy|patient_comments)\b|\w\[\d+\]|\.yaml@"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Draft 1 by Dr Sam Lee; draft 2 by Nora: one sentence longer, one phrase taken out."""
    path = tmp_path / "nora.yaml"
    path.write_text(LETTER, encoding="utf-8")
    ws = Workspace(tmp_path)
    ws.save_draft("nora.yaml", "therapist", "Dr Sam Lee")
    edit(
        path,
        "  - You asked for help at work.",
        "  - You asked for help at work, and I said no to extra shifts.",
    )
    edit(path, "sixteen sessions, always on a Tuesday.", "sixteen sessions.")
    ws.save_draft("nora.yaml", "patient", "Nora")
    return tmp_path


@pytest.fixture
def client(folder: Path) -> TestClient:
    c = TestClient(create_app(folder, TOKEN), base_url=BASE, headers={"Accept": "text/html"})
    c.get(f"/?token={TOKEN}")
    return c


def legend_lines(html: str) -> list[str]:
    legend = re.search(r'<aside class="legend".*?</aside>', html, re.S)
    assert legend, "no legend"
    return [
        re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", legend.group(), re.S)
    ]


# --------------------------------------------------------------------------- one piece of code, the same words


def test_the_cli_and_the_web_give_the_patient_the_same_words_for_a_diff(
    client: TestClient, folder: Path
) -> None:
    cli = run("diff", f"{folder}/nora.yaml@1", f"{folder}/nora.yaml@2", "-f", "html", "--for", "patient")
    assert cli.exit_code == 1, cli.output
    page = client.get("/letters/nora.yaml/history?a=1&b=2&reader=patient").text
    api = client.get("/api/v1/letters/nora.yaml/diff?a=1&b=2&format=html&reader=patient", headers=API).text
    assert legend_lines(cli.stdout) == legend_lines(page) == legend_lines(api)
    assert "What has changed, item 1: you changed this (draft 2)" in legend_lines(page)
    # As data, the patient's copy tells the same lines (never a field path).
    told = client.get("/api/v1/letters/nora.yaml/diff?a=1&b=2&reader=patient", headers=API).json()
    assert told["changes"] == legend_lines(page)
    assert not FIELD_PATH.search(json.dumps(told))
    text = run("diff", f"{folder}/nora.yaml@1", f"{folder}/nora.yaml@2", "--for", "patient").stdout
    assert [line[2:] for line in text.splitlines() if line.startswith("- ")] == told["changes"]
    # The therapist's copy keeps its field paths in the data.
    assert "changes[0]" in client.get("/api/v1/letters/nora.yaml/diff?a=1&b=2", headers=API).text


def test_the_cli_and_the_web_give_the_patient_the_same_words_for_contributions(
    client: TestClient, folder: Path
) -> None:
    cli = run("contributions", f"{folder}/nora.yaml", "-f", "html", "--for", "patient")
    assert cli.exit_code == 0, cli.output
    page = client.get("/letters/nora.yaml/history?view=contributions&reader=patient").text
    api = client.get("/api/v1/letters/nora.yaml/contributions?format=html&reader=patient", headers=API).text
    assert legend_lines(cli.stdout) == legend_lines(page) == legend_lines(api)
    assert any(
        line.startswith("What has changed, item 1: you added ‘, and I said no to extra shifts’")
        for line in legend_lines(page)
    )
    told = client.get("/api/v1/letters/nora.yaml/contributions?reader=patient", headers=API).json()
    assert told["title"] == "Your words in this letter" and told["changes"] == legend_lines(page)
    text = run("contributions", f"{folder}/nora.yaml", "--for", "patient").stdout
    assert [line[2:] for line in text.splitlines() if line.startswith("- ")] == told["changes"]


def test_pages_name_drafts_by_number_date_and_author_never_file_at_rev(client: TestClient) -> None:
    page = visible_text(client.get("/letters/nora.yaml/history?a=1&b=2").text)
    assert re.search(r"From\s*Draft 1, \d+ \w+ \d{4}, by Dr Sam Lee", page)
    assert re.search(r"To\s*Draft 2, \d+ \w+ \d{4}, by Nora", page)
    assert "@1" not in page and "@2" not in page and "nora.yaml" not in page
    patient = visible_text(client.get("/letters/nora.yaml/history?a=1&b=2&reader=patient").text)
    assert re.search(r"To\s*Draft 2, \d+ \w+ \d{4}, by you", patient)
    history = visible_text(client.get("/letters/nora.yaml/history").text)
    assert re.search(r"Draft 2, \d+ \w+ \d{4}, by Nora", history)


def test_comparisons_download_as_pdf_by_default_and_as_word(client: TestClient) -> None:
    page = client.get("/letters/nora.yaml/history?a=1&b=2&reader=patient").text
    form = page.split('class="panel download', 1)[1].split("</form>", 1)[0]
    assert re.search(r'<option value="pdf">PDF</option>', form.split("</option>", 1)[0] + "</option>")
    pdf = client.get("/letters/nora.yaml/history/download?a=1&b=2&reader=patient")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert 'filename="nora-changes-1-to-2-for-patient.pdf"' in pdf.headers["content-disposition"]
    word = client.get("/letters/nora.yaml/history/download?a=1&b=2&what=docx")
    with zipfile.ZipFile(io.BytesIO(word.content)) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    assert re.search(r'<w:ins [^>]*w:author="patient Nora"[^>]*w:date="\d{4}-', xml)
    assert re.search(r'<w:del [^>]*w:author="patient Nora"', xml)
    assert "extra shifts" in xml
    whose = client.get("/letters/nora.yaml/history/download?reader=patient")
    assert whose.content.startswith(b"%PDF-")


# --------------------------------------------------------------------------- suggestions, JavaScript off


def decide(client: TestClient, value: str, by: str = "Dr Sam Lee") -> object:
    page = client.get("/letters/nora.yaml/suggestions").text
    version = re.search(r'name="_version" value="([^"]+)"', page)
    assert version
    return client.post(
        "/letters/nora.yaml/suggestions",
        data={"_version": version.group(1), "_by": by, "decide": value},
        headers=ORIGIN,
        follow_redirects=True,
    )


def test_the_therapist_rejects_one_change_and_accepts_another(client: TestClient, folder: Path) -> None:
    page = client.get("/letters/nora.yaml/suggestions").text
    found = re.findall(r'<li id="s-(\d+-\d+)"', page)
    assert len(found) == 2 and "What has changed, item 1" in page
    shifts = next(i for i in found if "extra shifts" in page.split(f'id="s-{i}"', 1)[1].split("</li>", 1)[0])
    tuesday = next(i for i in found if i != shifts)
    done = decide(client, f"reject:{shifts}")
    assert done.status_code == 200 and "1 change rejected" in done.text  # type: ignore[attr-defined]
    done = decide(client, f"accept:{tuesday}")
    assert "1 change accepted" in done.text  # type: ignore[attr-defined]
    text = (folder / "nora.yaml").read_text(encoding="utf-8")
    assert "extra shifts" not in text and "sixteen sessions." in text
    history = visible_text(client.get("/letters/nora.yaml/history").text)
    assert re.search(
        r"Nora suggested adding ‘, and I said no to extra shifts’ \(What has changed, item 1, draft 2\); rejected by Dr Sam Lee on \d+ \w+ \d{4}",
        history,
    )
    assert re.search(
        r"Nora suggested taking out ‘, always on a Tuesday’ .*; accepted by Dr Sam Lee on ", history
    )
    assert not FIELD_PATH.search(visible_text(client.get("/letters/nora.yaml/suggestions").text))


def test_reject_all_and_a_decision_without_a_name_is_refused(client: TestClient, folder: Path) -> None:
    refused = decide(client, "reject:all", by="")
    assert refused.status_code == 422 and "Enter your name" in refused.text  # type: ignore[attr-defined]
    assert decide(client, "reject:all").status_code == 200  # type: ignore[attr-defined]
    assert (folder / "nora.yaml").read_text(encoding="utf-8").count("always on a Tuesday") == 1
    assert "Every change has been decided" in client.get("/letters/nora.yaml/suggestions").text
