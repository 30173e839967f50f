"""The web handler shown in the README works as written."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

import letterkit.model.loading as loading

ROOT = Path(__file__).resolve().parent.parent


def _handler() -> Any:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(import json\nimport letterkit\n\ndef app.*?)```", readme, re.S)
    assert code, "the README's web handler example is missing"
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), "README.md", "exec"), namespace)  # the README's own code
    return namespace["app"]


def _call(app: Any, body: bytes) -> tuple[str, dict[str, str], bytes]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    environ = {"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
    out = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], out


def _sample_json() -> bytes:
    sample = ROOT / "samples" / "peter-formulation.yaml"
    data = loading.parse(sample.read_text(encoding="utf-8"), str(sample)).data  # dates stay text
    return json.dumps(data).encode()


def test_readme_handler_returns_a_pdf() -> None:
    status, headers, body = _call(_handler(), _sample_json())
    assert status == "200 OK"
    assert headers["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF-")


def test_readme_handler_reports_problems_by_field() -> None:
    data = json.loads(_sample_json())
    del data["ipaf"]["self"]
    status, _, body = _call(_handler(), json.dumps(data).encode())
    assert status.startswith("422")
    assert {
        "field": "ipaf.self",
        "message": "required — how does the patient see themselves in the pattern?",
    } in json.loads(body)


def test_readme_handler_refuses_bad_json() -> None:
    status, _, _ = _call(_handler(), b"{not json")
    assert status.startswith("400")


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ('"peter.yaml"', "text (a file name is read only by load, never from data)"),
        ('"/etc/passwd"', "text (a file name is read only by load, never from data)"),
        ("42", "a int"),
        ("null", "null"),
        ("[1,2]", "a list"),
    ],
)
def test_readme_handler_never_reads_a_path_from_the_body(
    body: str, what: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A body naming a file the server has (here peter.yaml, beside it) is refused as data."""
    sample = ROOT / "samples" / "peter-formulation.yaml"
    (tmp_path / "peter.yaml").write_bytes(sample.read_bytes())
    monkeypatch.chdir(tmp_path)
    status, headers, out = _call(_handler(), body.encode())
    assert status.startswith("400")
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert out.decode() == f"letter: a letter is a mapping of fields (a JSON object), not {what}"
