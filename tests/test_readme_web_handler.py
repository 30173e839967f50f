"""The web handler shown in the README works as written."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

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
