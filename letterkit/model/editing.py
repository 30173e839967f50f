"""Letters as work in progress: read as plain data, written back in their own format.

A letter being written is often incomplete (sections missing, placeholders unfilled), so it
is handled here as data of the right *shape* (``LetterInProgress``: every field optional,
types as the schema has them, unknown fields refused) rather than as a valid letter. YAML is
written back with ruamel.yaml's round-trip mode, so comments and key order survive; JSON
stays JSON. A ``version`` (the file's content and its history's head) lets an editor refuse
to save over a file that changed since it was read.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import os
import re
import types
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from letterkit.errors import LetterFileError, LetterValidationError, Problem
from letterkit.model import kinds
from letterkit.model.fields import BY_NAME, GROUPS, dotted
from letterkit.model.loading import check_data, load_data, parse
from letterkit.model.schema import LetterBase

PLACEHOLDER = "…"
"""What a preview shows where a required section is not written yet."""

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --------------------------------------------------------------------------- the shape of a letter


def _lenient(annotation: Any) -> Any:
    """The same shape as ``annotation`` with its constraints dropped and its models made lenient."""
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return _lenient(args[0])
    if origin in (Union, types.UnionType):
        return Union[tuple(_lenient(a) for a in args)]  # noqa: UP007
    if origin is list:
        return list[_lenient(args[0])]  # type: ignore[misc]
    if origin is Literal:
        return annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return lenient_model(annotation)
    return annotation


@functools.cache
def lenient_model(model: type[BaseModel]) -> type[BaseModel]:
    """``model`` with every field optional and no constraint but its types (and no unknown fields)."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        inner = _lenient(info.annotation)
        if model is LetterBase and name == "kind":
            fields[name] = (str, Field(description="Which document: " + " or ".join(kinds.names()) + "."))
            continue
        fields[name] = (inner | None, Field(None, alias=info.alias, description=info.description))
    config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)
    title = "LetterInProgress" if model is LetterBase else f"{model.__name__}InProgress"
    built: type[BaseModel] = create_model(title, __config__=config, **fields)
    built.__doc__ = (
        "A letter as written so far: any field may be missing, but each one given has the right type."
        if model is LetterBase
        else model.__doc__
    )
    return built


def letter_in_progress() -> type[BaseModel]:
    """The shape of a letter being written (the JSON body an editor sends)."""
    return lenient_model(LetterBase)


def shape_problems(data: Any, name: str = "<letter>") -> list[Problem]:
    """What makes ``data`` not a letter at all (wrong types, unknown fields), in plain words."""
    try:
        check_data(data, name)  # the file limits, before any validation
    except LetterFileError as error:
        return [error.problem]
    kind = data.get("kind")
    if isinstance(kind, str) and kind not in kinds.names():
        # Every editor builds its form from the kind: a letter of no known kind could not be opened.
        return [Problem(name, None, "kind", f"is not a kind of letter: choose {' or '.join(kinds.names())}")]
    try:
        letter_in_progress().model_validate(dict(data))
    except ValidationError as error:
        bad = {_path(e["loc"]) for e in error.errors(include_url=False)}
        plain = problems(data, name)
        found = [p for p in plain if _within(p.path, bad)]
        return found or [
            Problem(name, None, _path(e["loc"]), str(e["msg"]).lower())
            for e in error.errors(include_url=False)
        ]
    return []


def _within(path: str, paths: set[str]) -> bool:
    """Whether ``path`` is one of ``paths`` or inside one (``a.b[0].c`` is inside ``a.b[0]``):
    a look-up per dot, so that checking every problem stays linear."""
    return path in paths or any(path[:index] in paths for index, char in enumerate(path) if char == ".")


def _path(loc: tuple[Any, ...]) -> str:
    return dotted(tuple(p for p in loc if isinstance(p, (str, int)))) or "kind"


def problems(data: Mapping[str, Any], name: str = "<letter>") -> list[Problem]:
    """Every problem with ``data`` as a letter, in the words ``letterkit validate`` uses."""
    try:
        load_data(data, name)
    except LetterValidationError as error:
        return list(error.problems)
    except LetterFileError as error:
        return [error.problem]
    return []


# --------------------------------------------------------------------------- files


def version(content: bytes, head: str | None) -> str:
    """A short tag for a letter file's content and its history's latest record."""
    digest = hashlib.sha256(content + b"\0" + (head or "").encode()).hexdigest()
    return digest[:20]


def is_json(path: str | os.PathLike[str]) -> bool:
    return os.fspath(path).lower().endswith(".json")


def to_data(text: str, name: str) -> dict[str, Any]:
    """A letter file's data as plain JSON-ready values (dates as ISO text)."""
    return _jsonable(parse(text, name).data)  # type: ignore[no-any-return]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def file_text(path: str | os.PathLike[str], old_text: str | None, data: Mapping[str, Any]) -> str:
    """``data`` as the text of the letter file at ``path``: JSON for .json, else YAML that
    keeps ``old_text``'s comments, key order and block style wherever the data allows."""
    if is_json(path):
        return json.dumps(_jsonable(dict(data)), indent=2, ensure_ascii=False) + "\n"
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    document: Any = None
    if old_text and old_text.strip():
        try:
            document = yaml.load(old_text)
        except Exception:  # an unreadable old file is replaced by the data, not merged
            document = None
    if not isinstance(document, dict):
        from ruamel.yaml.comments import CommentedMap

        document = CommentedMap()
    merged = _merge(document, dict(data), ())
    out = io.StringIO()
    yaml.dump(merged, out)
    return out.getvalue()


def _merge(old: Any, new: Any, path: tuple[str | int, ...]) -> Any:
    """``new`` written over ``old`` in place, so that ruamel keeps what it knows of ``old``."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(new, Mapping):
        target = old if isinstance(old, CommentedMap) else CommentedMap()
        for key in [k for k in target if k not in new]:
            del target[key]
        for key, value in new.items():
            target[key] = _merge(target.get(key), value, (*path, key))
        return target
    if isinstance(new, list):
        seq = old if isinstance(old, CommentedSeq) else CommentedSeq()
        while len(seq) > len(new):
            seq.pop()
        for index, value in enumerate(new):
            if index < len(seq):
                seq[index] = _merge(seq[index], value, (*path, index))
            else:
                seq.append(_merge(None, value, (*path, index)))
        return seq
    if isinstance(new, str):
        if path and path[-1] == "date" and _DATE.match(new):
            try:
                when = dt.date.fromisoformat(new)
            except ValueError:
                return new
            return old if old == when else when
        if isinstance(old, str) and str(old) == new:
            return old  # keeps its quoting and block style
        if "\n" in new or isinstance(old, LiteralScalarString):
            return LiteralScalarString(new)
        return new
    return new


# --------------------------------------------------------------------------- previews


def preview_letter(data: Mapping[str, Any]) -> LetterBase:
    """A letter to preview from work in progress: what is missing or wrong is shown as '…'.

    ``data`` must have the shape of a letter (``shape_problems`` empty) and a known ``kind``.
    """
    current: Any = _jsonable(dict(data))
    if current.get("kind") not in kinds.names():
        current["kind"] = kinds.names()[0]
    for _ in range(50):
        try:
            letter: LetterBase = kinds.validate(current)
            return letter
        except ValidationError as error:
            for problem in error.errors(include_url=False):
                _patch(current, tuple(problem["loc"]), problem["type"])
    raise LetterValidationError(problems(data))


def _patch(data: Any, loc: tuple[Any, ...], kind_of: str) -> None:
    """Make the value at ``loc`` previewable: a placeholder where text is missing, else removed."""
    container: Any = None
    key: Any = None
    here = data
    for index, part in enumerate(loc):
        if isinstance(here, dict) and part in here:
            container, key, here = here, part, here[part]
        elif isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here):
            container, key, here = here, part, here[part]
        elif kind_of == "missing" and index == len(loc) - 1 and isinstance(here, dict):
            container, key = here, part
    if container is None:
        return
    row = BY_NAME.get(key) if isinstance(key, str) else None
    if kind_of == "missing" and key in GROUPS:
        container[key] = {}  # a group of fields: started empty
    elif kind_of in ("missing", "too_short") and row is not None and row.shape == "records":
        container[key] = [{row.parts[0]: PLACEHOLDER}]
    elif kind_of == "too_short" or (
        kind_of == "missing" and key in LetterBase.model_fields and _is_list(key)
    ):
        container[key] = [PLACEHOLDER]
    elif kind_of == "missing" or (kind_of == "value_error" and isinstance(here, str)):
        container[key] = PLACEHOLDER
    elif isinstance(container, list):
        container.pop(key)
    else:
        container.pop(key, None)


def _is_list(name: str) -> bool:
    return get_origin(LetterBase.model_fields[name].annotation) is list
