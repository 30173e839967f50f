"""``letterkit schema KIND``: a JSON Schema that other systems can use to check a letter.

The schema must agree with letterkit itself: it accepts every sample and rejects the letters
letterkit rejects. YAML dates are compared as ISO text, as letterkit's own loader keeps them.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import FORMULATION_DATA, GOODBYE_DATA, SAMPLE_NAMES, SAMPLES
from jsonschema import Draft202012Validator

import letterkit.api as api
from letterkit.cli import main
from letterkit.errors import LetterValidationError
from letterkit.model.loading import load_data

KINDS = ("goodbye-letter", "formulation")


def as_json(data: Any) -> Any:
    """The data as a JSON system would hold it: dates as ISO strings."""
    return json.loads(json.dumps(data, default=str))


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft202012Validator]:
    runner = CliRunner()
    out = {}
    for kind in KINDS:
        result = runner.invoke(main, ["schema", kind])
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        schema = json.loads(result.stdout)
        Draft202012Validator.check_schema(schema)
        # Formats asserted, as a careful consumer would: "2026-13-45" is a string but not a date.
        out[kind] = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return out


def errors(validator: Draft202012Validator, data: Any) -> list[str]:
    return sorted(error.message for error in validator.iter_errors(data))


def test_schema_declares_its_dialect_and_title(validators):
    for kind, validator in validators.items():
        assert validator.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert validator.schema["title"] == "DIT " + kind.replace("-", " ")
        assert validator.schema["additionalProperties"] is False


def test_schema_matches_the_library(validators):
    for kind in KINDS:
        assert json.loads(api.schema(kind)) == validators[kind].schema


def test_field_descriptions_are_questions(validators):
    props = validators["goodbye-letter"].schema["properties"]
    assert props["session"]["description"] == "Which session is it for (1 to 16)?"
    ipaf = validators["goodbye-letter"].schema["$defs"]["Ipaf"]["properties"]
    assert ipaf["self"]["description"].startswith("How does the patient see themselves in the pattern?")


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_schema_accepts_every_sample(validators, name):
    data = as_json(yaml.safe_load((SAMPLES / f"{name}.yaml").read_text(encoding="utf-8")))
    kind = data["kind"]
    assert errors(validators[kind], data) == []
    other = "formulation" if kind == "goodbye-letter" else "goodbye-letter"
    assert errors(validators[other], data), "a letter must not pass as the other kind"


@pytest.mark.parametrize("data", [GOODBYE_DATA, FORMULATION_DATA], ids=["goodbye", "formulation"])
def test_schema_accepts_the_built_in_letters(validators, data):
    assert errors(validators[data["kind"]], as_json(data)) == []


def test_month_dates_are_accepted(validators):
    data = as_json(GOODBYE_DATA)
    data["date"] = "2026-03"
    data["referral"]["date"] = "2026-01"
    assert errors(validators["goodbye-letter"], data) == []


def broken(change: str) -> dict[str, Any]:
    data = as_json(copy.deepcopy(GOODBYE_DATA))
    if change == "missing ipaf.self":
        del data["ipaf"]["self"]
    elif change == "unknown field":
        data["backgroud"] = data.pop("background")
    elif change == "unknown nested field":
        data["patient"]["nickname"] = "Sammy"
    elif change == "session 20":
        data["session"] = 20
    elif change == "session 0":
        data["session"] = 0
    elif change == "session as text":
        data["session"] = "twenty"
    elif change == "wrong kind":
        data["kind"] = "letter"
    elif change == "status":
        data["status"] = "sent"
    elif change == "empty changes":
        data["changes"] = []
    elif change == "affect number":
        data["ipaf"]["affect"] = [5]
    elif change == "less_conscious text":
        data["ipaf"]["affect"] = [{"feeling": "anger", "less_conscious": "maybe"}]
    elif change == "bad month":
        data["date"] = "2026-13"
    elif change == "bad date":
        data["date"] = "2026-02-30"
    else:  # pragma: no cover
        raise AssertionError(change)
    return data


CHANGES = [
    "missing ipaf.self",
    "unknown field",
    "unknown nested field",
    "session 20",
    "session 0",
    "session as text",
    "wrong kind",
    "status",
    "empty changes",
    "affect number",
    "less_conscious text",
    "bad month",
    "bad date",
]


@pytest.mark.parametrize("change", CHANGES)
def test_schema_rejects_what_letterkit_rejects(validators, change):
    data = broken(change)
    assert errors(validators["goodbye-letter"], data)
    with pytest.raises(LetterValidationError):
        load_data(data)


def test_schema_reports_the_missing_field_by_name(validators):
    assert errors(validators["goodbye-letter"], broken("missing ipaf.self")) == [
        "'self' is a required property"
    ]


def test_schema_reports_the_unknown_field_by_name(validators):
    messages = errors(validators["goodbye-letter"], broken("unknown field"))
    assert "'background' is a required property" in messages
    assert any("'backgroud' was unexpected" in m for m in messages)


def test_schema_rejects_blank_text_like_letterkit(validators):
    data = as_json(GOODBYE_DATA)
    data["ending"] = "   "
    with pytest.raises(LetterValidationError):
        load_data(data)
    assert errors(validators["goodbye-letter"], data)


def test_schema_of_an_unknown_kind_is_a_usage_error():
    result = CliRunner().invoke(main, ["schema", "letter"])
    assert result.exit_code == 2
    assert "'letter' is not one of 'goodbye-letter', 'formulation'" in result.stderr
    assert result.stdout == ""
