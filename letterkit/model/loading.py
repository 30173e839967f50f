"""Letter files (YAML or JSON) to validated ``Letter`` objects.

Every problem is reported at once as ``file:line: field.path: message``, in words a therapist
can act on. Bad input of any kind raises a ``LetterkitError``, never anything else.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from letterkit.errors import LetterFileError, LetterNotFoundError, LetterValidationError, Problem
from letterkit.files import read_bytes
from letterkit.model import placeholders
from letterkit.model.fields import dotted
from letterkit.model.kinds import describe, field_names, names, validate
from letterkit.model.schema import LetterBase

MAX_BYTES = 1024 * 1024
"""Largest letter file accepted. A real letter is a few KiB; 50,000 words still fit."""
MAX_DEPTH = 12
"""Deepest nesting accepted; a letter needs four levels."""
MAX_ITEMS = 1000
"""Longest list or mapping accepted."""
MAX_VALUES = 100_000
"""Most values (texts, numbers, lists, mappings) in one letter held as data; a letter has hundreds."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")
_MAX_FLOW_DEPTH = 100
"""Brackets nested deeper than this are refused before libyaml sees them (it would crash)."""

LetterModel = LetterBase


@dataclass(frozen=True)
class Source:
    """A letter's parsed data, with the line each field path starts on."""

    file: str
    data: Any
    lines: Mapping[tuple[str | int, ...], int] = field(default_factory=dict)
    scalars: Mapping[tuple[str | int, ...], tuple[int, int, int]] = field(default_factory=dict)
    """Where each text value sits in the file: start and end character offsets, first line."""
    problems: tuple[Problem, ...] = ()
    """What parsing found wrong but could read past (a field given twice); loading reports
    these together with every other problem."""


def read_text(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> str:
    """Read a letter file as text, refusing anything that is not a reasonable UTF-8 file."""
    return decode(read_letter_bytes(path, max_bytes), os.fspath(path), max_bytes)


def read_letter_bytes(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> bytes:
    """A letter file's bytes: a regular file only, its size checked before anything is read,
    so a huge file, a device or a FIFO is refused at once."""
    import errno

    name = os.fspath(path)
    try:
        return read_bytes(name, what="letter file", max_bytes=max_bytes)
    except FileNotFoundError:
        raise LetterNotFoundError(name, "no such file — check the name and folder") from None
    except IsADirectoryError:
        raise LetterFileError(name, "is a folder, not a letter file") from None
    except PermissionError:
        raise LetterFileError(name, "cannot be read: permission denied") from None
    except OSError as error:
        if error.errno == errno.EFBIG:
            raise LetterFileError(name, _too_large(max_bytes)) from None
        if error.errno == errno.EINVAL and error.strerror:  # not a regular file: read_bytes says so
            raise LetterFileError(name, error.strerror) from None
        raise LetterFileError(name, f"cannot be read: {error.strerror or error}") from None


def decode(raw: bytes, name: str, max_bytes: int = MAX_BYTES) -> str:
    """Check and decode the bytes of a letter file."""
    if len(raw) > max_bytes:
        raise LetterFileError(name, _too_large(max_bytes))
    if b"\x00" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        raise LetterFileError(name, "looks like a binary file, not a letter", line)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise LetterFileError(
            name,
            f"is not UTF-8 text (byte 0x{raw[error.start]:02x}) — save it as UTF-8",
            line,
        ) from None
    text = text.removeprefix("\ufeff")
    if bad := _CONTROL.search(text):
        line = text.count("\n", 0, bad.start()) + 1
        raise LetterFileError(
            name,
            f"contains an invisible control character (U+{ord(bad.group()):04X}) — delete it",
            line,
        )
    return text


def _too_large(max_bytes: int) -> str:
    return (
        f"is larger than {max_bytes // 1024} KiB, too large for a letter "
        "(a real letter is a few KiB) — is this the right file?"
    )


def _check_flow_depth(text: str, name: str) -> None:
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        if depth > _MAX_FLOW_DEPTH:
            line = text.count("\n", 0, match.start()) + 1
            raise LetterFileError(name, f"is nested more than {MAX_DEPTH} levels deep", line)


def parse(text: str, name: str) -> Source:
    """Parse YAML (or JSON, which is YAML too), keeping each field's line number."""
    import yaml

    _check_flow_depth(text, name)
    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise LetterFileError(name, "is empty — start from a new letter's scaffold")
        lines: dict[tuple[str | int, ...], int] = {}
        scalars: dict[tuple[str | int, ...], tuple[int, int, int]] = {}
        twice: list[Problem] = []
        _walk(node, (), 0, lines, scalars, set(), name, twice)
        data = loader.construct_document(node)
    except LetterFileError:
        raise
    except (ValueError, TypeError, OverflowError) as error:
        raise LetterFileError(name, f"holds a value that cannot be read: {error}") from None
    except yaml.MarkedYAMLError as error:
        from letterkit.model.yaml_errors import explain  # only for a file that is not valid YAML

        mark = error.problem_mark or error.context_mark
        problem = (error.problem or error.context or "unreadable").strip()
        if mark and (explained := explain(text, mark.line + 1, mark.column, problem, _top_level())):
            raise LetterFileError(name, f"is not valid YAML: {explained.message}", explained.line) from None
        raise LetterFileError(
            name,
            f"is not valid YAML: {problem} — check the indentation, and put text "
            "containing ': ' or starting with a symbol in quotes",
            mark.line + 1 if mark else None,
        ) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise LetterFileError(
            name, f"contains a character that cannot be used (U+{error.character:04X}) — delete it", line
        ) from None
    except yaml.YAMLError as error:
        raise LetterFileError(name, "is not valid YAML: " + " ".join(str(error).split())) from None
    except RecursionError:
        raise LetterFileError(name, "is nested too deeply to be a letter") from None
    finally:
        loader.dispose()
    _check_strings(data, (), lines, name)
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else "a single value"
        raise LetterFileError(
            name, f"holds {what}, not a letter — a letter is a set of fields like 'kind: {names()[0]}'", 1
        )
    return Source(name, data, lines, scalars, tuple(twice))


def _check_strings(
    value: Any, path: tuple[str | int, ...], lines: Mapping[tuple[str | int, ...], int], name: str
) -> None:
    """Refuse control characters written as escapes ("\\e", "\\x07", "\\u001b") too: they
    could drive a terminal that shows the letter."""
    if isinstance(value, str):
        if bad := _CONTROL.search(value):
            line = line_of(lines, path, False) if path else 1
            raise LetterFileError(
                name,
                f"{dotted(path) or 'letter'}: contains an invisible control character (U+{ord(bad.group()):04X}) — delete it",
                line,
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(item, path + (key,), lines, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_strings(item, path + (index,), lines, name)


@functools.cache
def _top_level() -> frozenset[str]:
    """The names of the fields a letter of any kind has at its top level."""
    return frozenset(info.alias or name for name, info in LetterBase.model_fields.items())


@functools.cache
def _loader_class() -> Any:
    """libyaml's safe loader where present, leaving dates as text for the schema to check."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    resolvers = {
        first: [(tag, regexp) for tag, regexp in entries if tag != "tag:yaml.org,2002:timestamp"]
        for first, entries in base.yaml_implicit_resolvers.items()
    }
    return type("LetterLoader", (base,), {"yaml_implicit_resolvers": resolvers})


def _walk(
    node: Any,
    path: tuple[str | int, ...],
    depth: int,
    lines: dict[tuple[str | int, ...], int],
    scalars: dict[tuple[str | int, ...], tuple[int, int, int]],
    seen: set[int],
    name: str,
    twice: list[Problem],
) -> None:
    """Record line numbers, and refuse aliases, deep nesting and huge lists before building.

    A field given twice is added to ``twice`` (the later value is the one kept), so that it is
    reported with every other problem rather than hiding them.
    """
    import yaml

    line = node.start_mark.line + 1
    if id(node) in seen:
        raise LetterFileError(name, "uses a YAML alias (*name) — write the text out in full instead", line)
    seen.add(id(node))
    if depth > MAX_DEPTH:
        raise LetterFileError(name, f"is nested more than {MAX_DEPTH} levels deep", line)
    if isinstance(node, yaml.SequenceNode):
        if len(node.value) > MAX_ITEMS:
            raise LetterFileError(
                name, f"has a list of {len(node.value)} items; at most {MAX_ITEMS} are allowed", line
            )
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _walk(item, path + (index,), depth + 1, lines, scalars, seen, name, twice)
    elif isinstance(node, yaml.MappingNode):
        if len(node.value) > MAX_ITEMS:
            raise LetterFileError(name, f"has more than {MAX_ITEMS} fields in one place", line)
        seen_keys: set[str] = set()
        for key, value in node.value:
            if key.tag == "tag:yaml.org,2002:merge":
                raise LetterFileError(name, "uses a YAML merge key (<<) — write the fields out", line)
            step: str | int = key.value if isinstance(key, yaml.ScalarNode) else str(key.value)
            if str(step) in seen_keys:
                first = lines.get(path + (step,))
                twice.append(
                    Problem(
                        name,
                        key.start_mark.line + 1,
                        dotted(path + (step,)),
                        f"is given twice (first on line {first}) — the first would be lost; keep one",
                    )
                )
            seen_keys.add(str(step))
            lines[path + (step,)] = key.start_mark.line + 1
            _walk(value, path + (step,), depth + 1, lines, scalars, seen, name, twice)
    else:
        scalars[path] = (node.start_mark.index, node.end_mark.index, line)


def load_source(source: Source, *, allow_placeholders: bool = False) -> LetterModel:
    """Validate parsed data, turning every problem into a located, plain-words message.

    A value still holding a scaffold's example text (``[Full name]``) is a problem too, unless
    ``allow_placeholders`` (work in progress that is saved but not sent).
    """
    from pydantic import ValidationError

    problems = list(source.problems)
    if not allow_placeholders:
        problems += placeholder_problems(source)
    try:
        letter: LetterBase = validate(source.data)
    except ValidationError as error:
        problems += _problems(source, error.errors(include_url=False))
    if problems:
        raise LetterValidationError(sorted(problems, key=lambda p: (p.line or 0, p.path))) from None
    return letter


def placeholder_problems(source: Source) -> list[Problem]:
    """One problem for each field that still holds a scaffold's example text."""
    return [
        Problem(source.file, line_of(source.lines, path, False), dotted(path), placeholders.message(text))
        for path, text in placeholders.find_placeholders(source.data)
    ]


def load_file(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> LetterModel:
    """Read, parse and validate one letter file (a letter held as data: ``from_data``)."""
    if not isinstance(path, str | os.PathLike) or isinstance(os.fspath(path), bytes):
        raise LetterFileError(
            "<path>",
            f"a letter file's path is text, not {_kind_of_value(path).split(' (')[0]}; "
            "for a letter held as data use letterkit.from_data",
        )
    name = os.fspath(path)
    return load_source(parse(read_text(name, max_bytes), name))


def load_text(text: str, name: str = "<text>", *, allow_placeholders: bool = False) -> LetterModel:
    """Parse and validate a letter held in a string (see ``load_source`` for placeholders)."""
    return load_source(parse(text, name), allow_placeholders=allow_placeholders)


def from_data(data: Mapping[str, object], name: str = "<data>") -> LetterModel:
    """A validated letter from data already parsed (a JSON body, a web form): never a path.

    The file limits apply first (``check_data``); anything but a mapping of fields is a
    ``LetterFileError``.
    """
    check_data(data, name)
    return load_source(Source(name, dict(data)))


load_data = from_data
"""The earlier name of ``from_data``."""


def _kind_of_value(value: Any) -> str:
    if isinstance(value, (str, bytes, bytearray)):
        return "text (a file name is read only by load, never from data)"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


def check_data(data: Any, name: str = "<data>") -> None:
    """Refuse data no letter file could hold, before any validation and in time linear in its
    size: not a mapping, nesting deeper than ``MAX_DEPTH``, a list or mapping over
    ``MAX_ITEMS``, more than ``MAX_VALUES`` values or ``MAX_BYTES`` characters of text in all,
    a control character in a text. Raises ``LetterFileError`` naming the field."""
    if not isinstance(data, Mapping):
        raise LetterFileError(
            name,
            f"a letter is a mapping of fields (a JSON object), not {_kind_of_value(data)}",
        )
    values = text = 0
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        values += 1
        if values > MAX_VALUES:
            raise LetterFileError(name, f"holds more than {MAX_VALUES:,} values; a letter has a few hundred")
        if len(path) > MAX_DEPTH:
            raise LetterFileError(name, f"is nested more than {MAX_DEPTH} levels deep", None, dotted(path))
        if isinstance(value, str):
            text += len(value)
            if text > MAX_BYTES:
                raise LetterFileError(
                    name,
                    f"holds more than {MAX_BYTES:,} characters of text, too much for a letter (a real letter holds a few thousand)",
                )
            if bad := _CONTROL.search(value):
                raise LetterFileError(
                    name,
                    f"contains an invisible control character (U+{ord(bad.group()):04X}) — delete it",
                    None,
                    dotted(path) or "letter",
                )
        elif isinstance(value, Mapping):
            if len(value) > MAX_ITEMS:
                raise LetterFileError(
                    name, f"has more than {MAX_ITEMS} fields in one place", None, dotted(path)
                )
            stack.extend(
                (item, path + (key if isinstance(key, str | int) else str(key),))
                for key, item in value.items()
            )
        elif isinstance(value, list | tuple):
            if len(value) > MAX_ITEMS:
                raise LetterFileError(
                    name,
                    f"has a list of {len(value)} items; at most {MAX_ITEMS} are allowed",
                    None,
                    dotted(path),
                )
            stack.extend((item, path + (index,)) for index, item in enumerate(value))


SYNONYMS = {"price": "cost", "costs": "cost", "cost_of_coping": "cost"}
"""Words therapists use for a field under another name."""


def _problems(source: Source, errors: list[Any]) -> list[Problem]:
    data = source.data
    kind = data.get("kind") if isinstance(data, dict) else None
    found: dict[tuple[str | int, ...], Problem] = {}
    meant: dict[tuple[str | int, ...], str] = {}
    for error in errors:
        if error["type"] == "extra_forbidden":
            path = _data_path(data, tuple(error["loc"]), False)
            if guess := _did_you_mean(data, str(kind), path):
                meant[path] = guess
    folded = {path[:-1] + (guess,) for path, guess in meant.items()}
    for error in errors:
        path = _data_path(data, tuple(error["loc"]), error["type"] == "missing")
        if error["type"] == "missing" and path in folded:
            continue  # reported as the misspelt field's "did you mean"
        if path in meant:
            line = line_of(source.lines, path, False)
            message = f"unknown field {path[-1]!r} — did you mean {meant[path]!r}?"
            found[path] = Problem(source.file, line, dotted(path), message)
            continue
        if error["type"] in ("union_tag_not_found", "union_tag_invalid"):
            path = ("kind",)
        # A mapping given where a union allows text or fields: report the fields' errors.
        if error["type"] == "string_type" and isinstance(error.get("input"), dict):
            if any(other["loc"][: len(error["loc"])] != error["loc"] for other in errors):
                continue
        if path in found:
            continue
        message = _message(error, str(kind), path)
        line = line_of(source.lines, path, error["type"] in ("missing", "union_tag_not_found"))
        found[path] = Problem(source.file, line, dotted(path) or "kind", message)
    return sorted(found.values(), key=lambda p: (p.line or 0, p.path))


def _did_you_mean(data: Any, kind: str, path: tuple[str | int, ...]) -> str | None:
    """The allowed field at ``path``'s place that its name is most likely a misspelling of."""
    import difflib

    if not path or not isinstance(path[-1], str):
        return None
    allowed = field_names(kind, path[:-1])
    here = data
    for part in path[:-1]:
        here = here[part]
    present = set(here) if isinstance(here, dict) else set()
    name = path[-1]
    if SYNONYMS.get(name.lower()) in allowed and SYNONYMS[name.lower()] not in present:
        return SYNONYMS[name.lower()]
    candidates = [field for field in allowed if field not in present]
    close = difflib.get_close_matches(name.lower(), candidates, n=1, cutoff=0.75)
    return close[0] if close else None


def _data_path(data: Any, loc: tuple[Any, ...], missing: bool) -> tuple[str | int, ...]:
    """Keep the parts of a Pydantic location that are real keys or indexes in the data.

    Pydantic adds the names of union members (``str``, ``Affect``, the kind tag...) to a
    location; those are not in the letter file, so walking the data filters them out.
    """
    path: list[str | int] = []
    here = data
    for index, part in enumerate(loc):
        if isinstance(here, dict) and part in here:
            here = here[part]
        elif isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here):
            here = here[part]
        elif missing and index == len(loc) - 1 and isinstance(part, str):
            pass
        else:
            continue
        path.append(part)
    return tuple(path)


def line_of(
    lines: Mapping[tuple[str | int, ...], int], path: tuple[str | int, ...], missing: bool
) -> int | None:
    probe = path[:-1] if missing else path
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return 1 if lines else None


def _message(error: Mapping[str, Any], kind: str, path: tuple[str | int, ...]) -> str:
    kind_of = error["type"]
    ctx = error.get("ctx") or {}
    hint = describe(kind, path)
    question = _lower_first(hint.split("?")[0] + "?") if hint and "?" in hint else ""
    if kind_of in ("union_tag_not_found", "union_tag_invalid"):
        return "should say which document this is: " + " or ".join(f"'kind: {k}'" for k in names())
    if kind_of == "missing":
        return f"required — {question}" if question else "required"
    if kind_of == "extra_forbidden":
        return "unknown field — check the spelling (the letter's schema lists the fields allowed here)"
    if (kind_of == "value_error" and "blank" in str(error.get("msg"))) or (
        kind_of in ("string_type", "string_pattern_mismatch")
        and error.get("input") in (None, "")
        or (kind_of == "string_pattern_mismatch" and path and path[-1] != "date")
    ):
        return f"is empty — {question}" if question else "is empty"
    if kind_of == "too_short":
        return "needs at least one item" + (f" — {question}" if question else "")
    if kind_of == "literal_error":
        return f"should be one of {ctx.get('expected', '')}"
    if kind_of in ("less_than_equal", "greater_than_equal", "int_parsing", "int_type", "int_from_float"):
        return (
            "should be a session number from 1 to 16" if path == ("session",) else "should be a whole number"
        )
    if (
        kind_of in ("string_type", "string_pattern_mismatch")
        and path
        and path[-1] == "date"
        or kind_of.startswith("date")
    ):
        return "should be a date written like 2026-03-12 (or a month, 2026-03)"
    if kind_of == "string_type":
        return "should be text — put it in quotes if it looks like a number, yes/no or a date"
    if kind_of == "list_type":
        return "should be a list, each item on its own line starting with '- '"
    if kind_of in ("model_type", "model_attributes_type", "dict_type"):
        if len(path) >= 2 and path[-2] == "affect":
            return "should be a feeling, or {feeling: …, less_conscious: true}"
        return "should be a group of fields, each on its own line as 'name: value'"
    if kind_of.startswith("bool"):
        return "should be true or false"
    return str(error.get("msg", "is not valid")).lower()


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
