"""letterkit serve's pages through TestClient, as a browser with JavaScript off would use them."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

import letterkit  # noqa: E402
from letterkit.web import create_app, forms  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "pages-token"
BASE = "http://127.0.0.1:8000"
ORIGIN = {"Origin": BASE}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", tmp_path / "peter.yaml")
    return tmp_path


@pytest.fixture
def client(folder: Path) -> TestClient:
    c = TestClient(create_app(folder, TOKEN), base_url=BASE, headers={"Accept": "text/html"})
    c.get(f"/?token={TOKEN}")
    return c


def form_of(page: str) -> dict[str, str]:
    """The values of a page's letter form, as a browser would post them."""
    values: dict[str, str] = {}
    form = page.split('id="letter-form"', 1)[1].split("</form>", 1)[0]
    for name, value in re.findall(r'<input(?![^>]*checkbox)[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        values[name] = _unescape(value)
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        values[name] = _unescape(value)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        first = re.search(r'<option value="([^"]*)"', body)
        values[name] = (chosen or first).group(1) if (chosen or first) else ""  # type: ignore[union-attr]
    for name in re.findall(r'<input type="checkbox" name="([^"]+)" value="on" checked', form):
        values[name] = "on"
    return values


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_caseload_lists_letters_and_new_letter_never_overwrites(client: TestClient, folder: Path) -> None:
    page = client.get("/").text
    assert "peter.yaml" in page and "Goodbye letter" in page
    r = client.post("/letters", data={"kind": "formulation", "patient": "Ana Gray"}, headers=ORIGIN)
    assert r.status_code == 200 and "There is already" not in r.text
    # A second letter of the same kind for the same patient: asked first, never made silently.
    r = client.post("/letters", data={"kind": "formulation", "patient": "Ana Gray"}, headers=ORIGIN)
    assert "There is already a formulation for Ana Gray. Start another?" in r.text
    assert 'href="/letters/ana-gray-formulation.yaml"' in r.text
    assert not (folder / "ana-gray-formulation-2.yaml").exists()
    r = client.post(
        "/letters", data={"kind": "formulation", "patient": "Ana Gray", "another": "yes"}, headers=ORIGIN
    )
    assert r.status_code == 200 and r.url.path == "/letters/ana-gray-formulation-2.yaml"
    work = letterkit.read_work(folder / "ana-gray-formulation.yaml")
    assert work.data == {"kind": "formulation", "status": "draft", "patient": {"name": "Ana Gray"}}
    assert "# A" in (folder / "ana-gray-formulation.yaml").read_text()  # the scaffold's comments stay
    assert client.post("/letters", data={"kind": "nothing", "patient": ""}, headers=ORIGIN).status_code == 400


def test_the_form_is_the_schema_in_the_letters_order(client: TestClient) -> None:
    page = client.get("/letters/peter.yaml").text
    names = re.findall(r'name="([a-z_]+(?:\.[a-z_0-9]+)*)"', page.split('id="letter-form"', 1)[1])
    for name in (
        "patient.preferred_name",
        "ipaf.self",
        "ipaf.affect.0",
        "coping_strategies.1.cost",
        "changes.2",
    ):
        assert name in names
    assert names.index("background") < names.index("ipaf.self") < names.index("transference")
    assert "What brought you here" in page and "How you have coped, and what it has cost you" in page


def test_saving_from_the_form_round_trips_and_records_a_draft(client: TestClient, folder: Path) -> None:
    before = letterkit.read_work(folder / "peter.yaml").data
    values = form_of(client.get("/letters/peter.yaml").text)
    values.update(
        {"action": "draft", "_author": "therapist", "_author_name": "Helen Marsh", "_note": "First"}
    )
    r = client.post("/letters/peter.yaml", data=values, headers=ORIGIN)
    assert r.status_code == 200 and "Draft 1" in r.text
    assert letterkit.read_work(folder / "peter.yaml").data == before  # nothing changed by the round trip
    assert letterkit.history(folder / "peter.yaml")[0].name == "Helen Marsh"


def test_list_buttons_add_remove_and_move_items_without_javascript(client: TestClient) -> None:
    values = form_of(client.get("/letters/peter.yaml").text)
    r = client.post("/letters/peter.yaml", data={**values, "action": "add:changes"}, headers=ORIGIN)
    assert 'name="changes.4"' in r.text and "Not saved yet." in r.text
    r = client.post("/letters/peter.yaml", data={**values, "action": "down:changes.0"}, headers=ORIGIN)
    moved = form_of(r.text)
    assert moved["changes.1"] == values["changes.0"] and moved["changes.0"] == values["changes.1"]
    r = client.post(
        "/letters/peter.yaml", data={**values, "action": "remove:coping_strategies.0"}, headers=ORIGIN
    )
    assert form_of(r.text)["coping_strategies.0.strategy"] == values["coping_strategies.1.strategy"]


def test_work_in_progress_saves_and_lists_what_is_missing(client: TestClient, folder: Path) -> None:
    values = form_of(client.get("/letters/peter.yaml").text)
    values["ending"] = ""
    r = client.post("/letters/peter.yaml", data={**values, "action": "draft"}, headers=ORIGIN)
    assert r.status_code == 200
    assert "not recorded as a draft yet" in r.text
    assert "what might the ending of therapy stir up" in r.text
    assert "ending:" not in (folder / "peter.yaml").read_text()
    assert letterkit.history(folder / "peter.yaml") == []


def test_a_stale_page_is_not_saved_and_keeps_its_text(client: TestClient, folder: Path) -> None:
    values = form_of(client.get("/letters/peter.yaml").text)
    letterkit.save_draft(folder / "peter.yaml", "therapist")  # meanwhile, on the command line
    values["ipaf.self"] = "Words typed in the other tab."
    r = client.post("/letters/peter.yaml", data={**values, "action": "save"}, headers=ORIGIN)
    assert r.status_code == 409
    assert "Words typed in the other tab." in r.text and "changed somewhere else" in r.text
    assert "Words typed in the other tab." not in (folder / "peter.yaml").read_text()


def test_live_preview_and_problems_at_the_field(client: TestClient) -> None:
    values = form_of(client.get("/letters/peter.yaml").text)
    values["session"] = "40"
    values["ipaf.self"] = "You often feel like a spare part."
    r = client.post("/letters/peter.yaml/preview", data={**values, "_style": "large-print"}, headers=ORIGIN)
    assert "You often feel like a spare part." in r.text
    assert 'href="/preview/large-print.css"' in r.text
    slot = re.search(r'id="p-session"[^>]*>(.*?)</div>', r.text, re.S)
    assert slot and "should be a session number from 1 to 16" in slot.group(1)
    css = client.get("/preview/large-print.css").text
    assert "@page" not in css and ".letter-preview" in css


def test_reading_together_saves_the_patients_draft(client: TestClient, folder: Path) -> None:
    path = folder / "peter.yaml"
    before = client.get("/letters/peter.yaml/read").text
    # Told before typing, in plain words, that nothing could be saved yet.
    assert "not ready to read together yet" in before and "Save my changes" not in before
    letterkit.save_draft(path, "therapist", "Helen Marsh")
    page = client.get("/letters/peter.yaml/read").text
    draft = re.search(r'name="_draft" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    box = re.search(
        r'name="(p\d+)"[^>]*>([^<]*You tend to expect other people to brush you aside\.[^<]*)<', page
    )
    assert box, page
    edited = html.unescape(box.group(2)).replace(
        "You tend to expect other people to brush you aside.", "People brush me aside."
    )
    r = client.post(
        "/letters/peter.yaml/read",
        data={
            "_draft": draft,
            "_author": "patient",
            "_author_name": "Peter",
            box.group(1): edited,
        },
        headers=ORIGIN,
    )
    assert r.status_code == 200 and "Saved as Peter&#39;s suggestions, draft 2." in r.text, r.text
    assert letterkit.history(path)[-1].role == "patient"
    assert "People brush me aside." in path.read_text()
    history = client.get("/letters/peter.yaml/history?a=1&b=2").text
    assert "<ins" in history and "intact" in history
    assert "<ins" in client.get("/letters/peter.yaml/history?view=contributions").text  # the patient's words


def test_history_shows_a_damaged_history(client: TestClient, folder: Path) -> None:
    path = folder / "peter.yaml"
    letterkit.save_draft(path, "therapist")
    stored = folder / "peter.yaml.drafts" / "0001.yaml"
    stored.chmod(0o600)
    stored.write_text(stored.read_text() + "\n# changed\n")
    page = client.get("/letters/peter.yaml/history").text
    assert "The history is damaged" in page


def test_errors_are_pages_not_tracebacks(folder: Path) -> None:
    c = TestClient(
        create_app(folder, TOKEN),
        base_url=BASE,
        headers={"Accept": "text/html"},
        raise_server_exceptions=False,
    )
    c.get(f"/?token={TOKEN}")
    r = c.get("/letters/missing.yaml")
    assert r.status_code == 404 and "Back to your letters" in r.text
    (folder / "broken.yaml").write_text("kind: goodbye-letter\n  bad: indent\n")
    r = c.get("/letters/broken.yaml")
    assert r.status_code == 422 and "Traceback" not in r.text and "not valid YAML" in r.text
    assert c.get("/").status_code == 200  # the caseload still lists the rest


def test_form_data_back_to_a_letter() -> None:
    data = forms.to_data(
        {
            "patient.name": "Ana Gray",
            "session": "4",
            "ipaf.affect.0": "sadness",
            "ipaf.affect.1": "anger",
            "ipaf.affect.1.less_conscious": "on",
            "goals.0": "",
            "goals.2": "To be seen",
            "diagram": "no",
            "_note": "not part of the letter",
        },
        "formulation",
    )
    assert data == {
        "kind": "formulation",
        "patient": {"name": "Ana Gray"},
        "session": 4,
        "ipaf": {"affect": ["sadness", {"feeling": "anger", "less_conscious": True}]},
        "goals": ["To be seen"],
        "diagram": False,
    }


def test_scripts_are_our_own_files_with_their_licence(client: TestClient) -> None:
    page = client.get("/letters/peter.yaml").text
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert scripts == ["/static/htmx.min.js", "/static/keep.js", "/static/forms.js"]
    assert "/static/reading.js" in client.get("/letters/peter.yaml/read").text
    for ours in ("keep.js", "reading.js", "forms.js"):  # letterkit's own, and said so
        assert "letterkit" in client.get(f"/static/{ours}").text.splitlines()[0]
        assert ours in client.get("/static/README.txt").text
    assert "<script>" not in page and "style=" not in page.split("<main", 1)[1].split('id="preview"')[0]
    assert client.get("/static/htmx.min.js").status_code == 200
    assert "Zero-Clause BSD" in client.get("/static/htmx.LICENSE.txt").text
    # The NHS design system, vendored: its stylesheet and script with their licence, nothing
    # fetched from anywhere else (its font rules, which did, are taken out).
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert styles[:2] == ["/static/nhsuk/nhsuk-frontend.min.css", "/static/app.css"]
    css = client.get("/static/nhsuk/nhsuk-frontend.min.css").text
    assert "nhsuk-error-summary" in css and "http://" not in css and "https://" not in css
    assert "@font-face" not in css
    for icon in re.findall(r"url\(([^)]+\.svg)\)", css):
        assert client.get(f"/static/nhsuk/{icon}").status_code == 200, icon
    script = client.get("/static/nhsuk/nhsuk-frontend.min.js").text
    assert "initAll" in script and "https://" not in script
    assert 'from "/static/nhsuk/nhsuk-frontend.min.js"' in client.get("/static/forms.js").text
    licence = client.get("/static/nhsuk/LICENCE.txt").text
    assert "nhsuk-frontend 10.6.1" in licence and "The MIT License" in licence
    assert "nhsuk/" in client.get("/static/README.txt").text


def test_downloads_in_every_format(client: TestClient) -> None:
    for what, start in (
        ("pdf", b"%PDF"),
        ("archive", b"%PDF"),
        ("docx", b"PK"),
        ("md", b"# "),
        ("fhir", b"{"),
    ):
        r = client.get(f"/letters/peter.yaml/download?what={what}&style=large-print")
        assert r.status_code == 200 and r.content.lstrip().startswith(start), what
        assert r.headers["content-disposition"].startswith('attachment; filename="peter'), what
    assert client.get("/letters/peter.yaml/download?what=gif").status_code == 400


def test_dates_are_typed_as_day_month_and_year(client: TestClient, folder: Path) -> None:
    page = client.get("/letters/peter.yaml").text
    assert 'name="date.day" value="27"' in page and 'name="date.month" value="4"' in page
    assert 'placeholder="2026' not in page  # no example date anywhere
    values = form_of(page)
    for typed, saved in (
        ({"date.day": "5", "date.month": "12", "date.year": "2026"}, "2026-12-05"),
        ({"date.day": "7/1/2027", "date.month": "", "date.year": ""}, "2027-01-07"),
        ({"date.day": "", "date.month": "", "date.year": ""}, None),
    ):
        values = form_of(client.get("/letters/peter.yaml").text)
        r = client.post("/letters/peter.yaml", data={**values, **typed, "action": "save"}, headers=ORIGIN)
        assert r.status_code == 200, r.text[:300]
        got = letterkit.read_work(folder / "peter.yaml").data.get("date")
        assert (str(got) if got else None) == saved, typed
    values = form_of(client.get("/letters/peter.yaml").text)
    wrong = {"date.day": "31", "date.month": "2", "date.year": "2026", "action": "save"}
    r = client.post("/letters/peter.yaml", data={**values, **wrong}, headers=ORIGIN)
    assert r.status_code == 200 and "There is a problem" in r.text  # saved, as it is, and said
    summary = r.text.split('class="nhsuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert 'href="#f-date"' in summary and "Date on the letter" in summary
    assert 'id="f-date"' in r.text


def test_form_helpers_read_dates_move_focus_and_name_fields_plainly() -> None:
    assert forms.date_from("5", "12", "2026") == "2026-12-05"
    assert forms.date_from("05.12.2026", "", "") == "2026-12-05"
    assert forms.date_from("", "3", "2026") == "2026-03"
    assert forms.date_from("", "", "") == ""
    assert forms.date_parts("2026-03-05") == ("5", "3", "2026")
    data = {"changes": ["a", "b", "c"]}
    assert forms.focus_after("up:changes.2", data) == "changes.1"
    assert forms.focus_after("down:changes.2", data) == "changes.2"
    assert forms.focus_after("remove:changes.2", {"changes": ["a", "b"]}) == "changes.1"
    assert forms.focus_after("add:changes", data) == "changes.2"
    assert forms.focus_after("remove:changes.0", {"changes": []}) == "changes"
    text = forms.plain("ipaf.affect[1].feeling: is empty — put it in letterkit.toml")
    assert "ipaf" not in text and "[1]" not in text and "letterkit.toml" not in text
    assert "“The pattern we have been working on: the feelings that link them (2)”: is empty" in text


def test_a_new_letter_is_empty_with_the_kinds_examples_as_hints(client: TestClient, folder: Path) -> None:
    r = client.post("/letters", data={"kind": "goodbye-letter", "patient": "Ruth Abbot"}, headers=ORIGIN)
    page = r.text
    assert letterkit.read_work(folder / "ruth-abbot-goodbye-letter.yaml").data == {
        "kind": "goodbye-letter",
        "status": "draft",
        "patient": {"name": "Ruth Abbot"},
    }
    assert "For example: hopelessness" in page and "For example: You asked for help, and …" in page
    values = {k: v for k, v in form_of(page).items() if v and not k.startswith("_")}
    assert values == {"kind": "goodbye-letter", "status": "draft", "patient.name": "Ruth Abbot"}
    assert "[" not in "".join(values.values()) and "2026-01-01" not in page
    # Nothing is an error before a save; a draft asked for opens with the error summary.
    assert "There is a problem" not in page and 'class="problem nhsuk-error-message"' not in page
    values = form_of(page)
    r = client.post(
        "/letters/ruth-abbot-goodbye-letter.yaml", data={**values, "action": "draft"}, headers=ORIGIN
    )
    assert "There is a problem" in r.text and "autofocus" in r.text.split("There is a problem")[0][-400:]
    ids = set(re.findall(r'id="([^"]+)"', r.text))
    summary = r.text.split('class="nhsuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'href="#([^"]+)"', summary)
    assert len(links) == 10 and set(links) <= ids, set(links) - ids
    assert "Write “What brought you here”" in summary


def test_the_caseload_shows_full_names_starts_the_goodbye_letter_and_archives(
    client: TestClient, folder: Path
) -> None:
    shutil.copy(ROOT / "samples" / "aliya-formulation.yaml", folder / "aliya.yaml")
    page = client.get("/").text
    assert "Peter Hale" in page and "likes to be called Peter" in page and "Aliya Rahman" in page
    assert "Start the goodbye letter from this formulation" in page
    r = client.post("/letters/aliya.yaml/goodbye", data={}, headers=ORIGIN)
    assert r.url.path == "/letters/aliya-rahman-goodbye-letter.yaml"
    made = letterkit.read_work(folder / "aliya-rahman-goodbye-letter.yaml").data
    assert made["ipaf"] == letterkit.read_work(folder / "aliya.yaml").data["ipaf"]
    r = client.post("/letters/aliya.yaml/goodbye", data={}, headers=ORIGIN)
    assert "There is already a goodbye letter for Aliya Rahman. Start another?" in r.text
    r = client.post("/letters/peter.yaml/archive", data={"archived": "yes"}, headers=ORIGIN)
    listed, archived = r.text.split('id="archived"', 1)
    assert "peter.yaml" not in listed and "peter.yaml" in archived and "Archived (1)" in archived
    assert (folder / "peter.yaml").exists()
    r = client.post("/letters/peter.yaml/archive", data={"archived": "no"}, headers=ORIGIN)
    assert "peter.yaml" in r.text.split('id="archived"', 1)[0]
