"""The field table (``letterkit.model.fields``) and the kinds' headings are the one place that
knows the letter's fields: they agree with the schema and the templates, and no other module
keeps a copy."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
import yaml
from pydantic import BaseModel

import letterkit
from letterkit.diffs.core import letter_data
from letterkit.diffs.places import Places, printed_headings
from letterkit.model import fields, kinds
from letterkit.model.loading import load_data
from letterkit.resources import templates_dir
from letterkit.web import forms

PACKAGE = Path(letterkit.__file__).resolve().parent
SAMPLES = PACKAGE.parent / "samples"
TABLE = {"model/fields.py", "model/kinds.py"}
GLOSSARY = "Words in this letter"
"""The easy-read glossary's heading: a section letterkit adds, not a field's."""


def template_headings(name: str) -> list[str]:
    text = (templates_dir() / name).read_text(encoding="utf-8")
    return [h for h in re.findall(r"(?m)^## +(.+?) *$", text) if "{" not in h]


def all_headings() -> set[str]:
    return {h for path in templates_dir().glob("*.md.j2") for h in template_headings(path.name)}


def string_literals(tree: ast.Module) -> list[str]:
    """The module's strings, its docstrings left out."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


# --------------------------------------------------------------------------- one home


def test_section_headings_are_written_only_in_the_table() -> None:
    headings = all_headings()
    assert {"What brought you here", "What you would like to change", "Where to find help"} <= headings
    holders: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = str(path.relative_to(PACKAGE))
        for literal in string_literals(ast.parse(path.read_text(encoding="utf-8"))):
            if literal in headings:
                holders.setdefault(literal, []).append(name)
    elsewhere = {heading: where for heading, where in holders.items() if not set(where) <= TABLE}
    assert not elsewhere, f"section headings outside the field table: {elsewhere}"
    twice = {heading: where for heading, where in holders.items() if len(where) > 1}
    assert not twice, f"section headings written more than once: {twice}"


def test_roles_are_defined_once() -> None:
    assert get_args(fields.Role) == fields.ROLES
    assert set(fields.WITH_PATIENT) <= set(fields.ROLES)
    from letterkit.drafts import store

    assert store.ROLES is fields.ROLES
    # The list of roles written out again (a tuple, list, set or Literal[...] holding
    # "supervisor" and another role) anywhere but the field table. A record's field that happens to be called
    # "supervisor" (a sign-off's) is no list of roles.
    lists = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if any(
            "supervisor" in _constants(node) and len(set(_constants(node)) & set(fields.ROLES)) >= 2
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Tuple | ast.List | ast.Set)
        )
    ]
    # web/api_v1.py still spells out its own Role literal: it is being rewritten over the workspace.
    assert set(lists) <= {"model/fields.py", "web/api_v1.py"}, lists


def _constants(node: ast.Tuple | ast.List | ast.Set) -> list[str]:
    return [
        item.value for item in node.elts if isinstance(item, ast.Constant) and isinstance(item.value, str)
    ]


# --------------------------------------------------------------------------- the table agrees with the schema


def _is_model(annotation: Any) -> bool:
    return any(isinstance(a, type) and issubclass(a, BaseModel) for a in (annotation, *get_args(annotation)))


def _list_item(annotation: Any) -> Any:
    for candidate in (annotation, *get_args(annotation)):
        if get_origin(candidate) is list:
            return get_args(candidate)[0]
    return None


@pytest.mark.parametrize("kind", kinds.names())
def test_the_table_lists_every_field_of_every_kind_in_file_order(kind: str) -> None:
    model = kinds.get(kind).model
    assert [info.alias or name for name, info in model.model_fields.items()] == [
        f.name for f in fields.FIELDS
    ]
    for name, info in model.model_fields.items():
        row = fields.BY_NAME[info.alias or name]
        item = _list_item(info.annotation)
        if row.shape == "group":
            assert _is_model(info.annotation), row
        elif row.shape == "records":
            assert item is not None and _is_model(item), row
            record = next(
                a for a in (item, *get_args(item)) if isinstance(a, type) and issubclass(a, BaseModel)
            )
            assert row.parts == tuple(record.model_fields), row
        elif row.shape == "texts":
            assert item is not None and not _is_model(item), row
        else:
            assert item is None and not _is_model(info.annotation), row


def test_the_text_fields_are_printed_fields_of_the_table() -> None:
    tops = {re.split(r"[.\[]", path)[0] for path in fields.TEXT_FIELDS}
    assert tops <= {f.name for f in fields.FIELDS if f.printed and f.words}
    assert set(fields.TEXT_LISTS) == {f.name for f in fields.FIELDS if f.shape == "texts" and f.name in tops}


# --------------------------------------------------------------------------- the headings agree with the templates


@pytest.mark.parametrize("kind", kinds.names())
def test_a_kinds_headings_are_the_ones_its_template_prints(kind: str) -> None:
    printed = [h for h in template_headings(kinds.get(kind).template_name) if h != GLOSSARY]
    assert sorted(printed) == sorted(heading for _, heading in kinds.get(kind).headings)
    assert template_headings("help.md.j2") == [fields.BY_NAME["help"].place]


def _filled(sample: str) -> dict[str, Any]:
    """A sample letter with every section its kind can print given some text."""
    data: dict[str, Any] = yaml.safe_load((SAMPLES / sample).read_text(encoding="utf-8"))
    data.setdefault("background", "Things were hard at work and at home.")
    data.setdefault("course_of_therapy", "We met every week.")
    data.setdefault("coping_strategies", [{"strategy": "You kept busy.", "cost": "You were tired."}])
    data.setdefault("goals", ["To say no sometimes."])
    data["patient_comments"] = ["I liked our sessions."]
    data["ipaf"]["self"] = "You see yourself as a burden to others."
    return data


@pytest.mark.parametrize("sample", ["peter-goodbye.yaml", "peter-formulation.yaml"])
def test_each_section_is_printed_under_its_kinds_heading(sample: str) -> None:
    letter = load_data(_filled(sample))
    wanted = dict(kinds.get(letter.kind).headings)
    markdown = letterkit.render(letter, "md")
    assert isinstance(markdown, str)
    seen = set()
    for path, title in printed_headings(markdown, letter_data(letter)).items():
        top = str(path[0])
        if top in wanted and (top != "ipaf" or path == ("ipaf", "self")):  # the pattern quotes its parts
            # keeping well's lists print under sub-headings of their own, named in the table
            parts = (fields.part_label(str(path[1])),) if top == "keeping_well" else ()
            assert title in (wanted[top], *parts), path
            seen.add(top)
    assert seen == set(wanted)


def test_places_name_unheaded_fields_from_the_table() -> None:
    places = Places({})
    assert places.heading(("help", "gp")) == fields.BY_NAME["help"].place == "Where to find help"
    assert places.heading(("ipaf", "defensive_function")) == fields.FOR_THE_RECORD
    assert places.heading(("closing",)) == "The closing words"


# --------------------------------------------------------------------------- readers of the table


def test_a_form_names_each_section_as_its_own_letter_does() -> None:
    for kind in kinds.names():
        labels = {f.path: f.label for f in forms.build(kind, {}, {})}
        for name, heading in kinds.get(kind).headings:
            assert labels[name] == heading, (kind, name)
    goodbye = {f.path: f.label for f in forms.build("goodbye-letter", {}, {})}
    formulation = {f.path: f.label for f in forms.build("formulation", {}, {})}
    assert goodbye["ipaf"] == "The pattern we have been working on"
    assert formulation["ipaf"] == "The pattern we have noticed together"
    assert formulation["goals"] == "What you would like to change"
    # a section a formulation does not print keeps the words the goodbye letter uses for it
    assert formulation["changes"] == "What has changed"
    assert goodbye["help"] == "Where to find help (this letter's own wording)"


def test_a_form_adds_a_record_with_its_first_part() -> None:
    data: dict[str, Any] = {}
    assert forms.apply_action(data, "add:coping_strategies", "goodbye-letter") == {
        "coping_strategies": [{"strategy": ""}]
    }
    assert forms.apply_action({}, "add:goals", "goodbye-letter") == {"goals": [""]}
