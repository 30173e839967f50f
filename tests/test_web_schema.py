"""schemathesis against letterkit serve's /openapi.json: no server error, no answer that breaks the schema."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from letterkit.web import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "schema-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLES = int(os.environ.get("LETTERKIT_SCHEMA_EXAMPLES", "12"))
"""Examples per operation: 12 in the suite; the release check runs 80."""

_folder = Path(tempfile.mkdtemp(prefix="letterkit-schema-"))
atexit.register(shutil.rmtree, _folder, True)
shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", _folder / "peter.yaml")
app = create_app(_folder, TOKEN, host="testserver")  # the name the ASGI test client uses
schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers=BEARER)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_keeps_its_schema(case: object) -> None:
    # An incomplete letter is schema-valid as work in progress, but rendering it is refused
    # (422, with its problems): that is the API's contract, not a failure.
    case.call_and_validate(headers=BEARER, excluded_checks=[positive_data_acceptance])  # type: ignore[attr-defined]


def test_the_schema_check_fails_on_a_server_error_or_a_broken_answer() -> None:
    """The check above can fail: the same call, on an app that errs and one that breaks its
    own schema, raises schemathesis's failures."""
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse
    from pydantic import BaseModel
    from schemathesis.core.failures import FailureGroup

    class Count(BaseModel):
        n: int

    broken = FastAPI()

    @broken.get("/error", response_model=Count)
    def error() -> JSONResponse:
        return JSONResponse({"detail": "boom"}, status_code=500)

    @broken.get("/lies", response_model=Count)
    def lies() -> JSONResponse:
        return JSONResponse({"n": "not a number"})

    bad = schemathesis.openapi.from_asgi("/openapi.json", broken)
    for path, code in (("/error", "Server error"), ("/lies", "Response violates schema")):
        with pytest.raises(FailureGroup) as failed:
            bad[path]["GET"].Case().call_and_validate(excluded_checks=[positive_data_acceptance])
        assert code in str(failed.value)
