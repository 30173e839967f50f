"""A letter's JSON Schema as a form, and a posted form back as a letter's data.

Each input's ``name`` is its field path with dots (``ipaf.self``, ``ipaf.affect.0``,
``coping_strategies.1.cost``); names starting with ``_`` belong to the page, not the letter.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from letterkit.model import fields, kinds
from letterkit.model import fields as fields_table
from letterkit.model.fields import TEXT_FIELDS

HEADINGS = {f.name: kinds.field_label(kinds.names()[0], f.name) for f in fields.FIELDS}
"""Each top-level field's label as the first registered kind names it. A letter's own kind is
better (``kinds.field_label``); this is for pages that show sections without one."""

LABELS = fields.PART_LABELS
"""Each field's label inside a group or a record (``fields.part_label``)."""

_LONG = {p.replace("[]", "") for p in TEXT_FIELDS} | {"closing", "help.gp", "help.urgent", "help.come_back"}


@dataclass
class Field:
    """One field of the form; ``items`` for a list, ``children`` for a group."""

    path: str
    label: str
    help: str = ""
    widget: str = "text"
    value: Any = None
    choices: tuple[str, ...] = ()
    children: list[Field] = field(default_factory=list)
    items: list[Field] = field(default_factory=list)
    required: bool = False
    problems: list[str] = field(default_factory=list)
    example: str = ""
    """The kind's example for this field (shown as a hint, never as a value)."""
    limit: int | None = None
    """Characters past which the letter changes (a character count shows them)."""

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.path)

    @property
    def slot(self) -> str:
        """The id of the element that shows this field's problems."""
        return "p-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.path)


def _resolve(schema: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str):
        return _resolve(schema, schema["$defs"][ref.rsplit("/", 1)[-1]])
    options = [o for o in node.get("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1:
        merged = {**node, **_resolve(schema, options[0])}
        merged.pop("anyOf", None)
        return merged
    return node


@functools.lru_cache(maxsize=32)
def _schema(kind: kinds.Kind) -> dict[str, Any]:
    """The kind's JSON Schema, made once (it takes longer than the rest of a preview)."""
    return kinds.json_schema(kind.name)


def build(
    kind: str,
    data: Mapping[str, Any],
    problems: Mapping[str, list[str]],
    examples: Mapping[str, str] | None = None,
) -> list[Field]:
    """The form for a letter of ``kind`` holding ``data``, in the schema's order; ``examples``
    (by field pattern, ``changes[]``) become each field's hint."""
    schema = _schema(kinds.get(kind))
    required = set(schema.get("required", ()))
    data = _with_empty_items(data, examples or {})
    fields = []
    for name, node in schema["properties"].items():
        if name == "kind":
            continue
        label = kinds.field_label(kind, name)
        fields.append(_field(schema, node, name, label, data.get(name), problems, name in required))
    for f in _walk(fields):
        f.example = (examples or {}).get(pattern(f.path), "")
        if f.widget == "list" and not f.items:  # no item to show it under: the list shows it
            f.example = (examples or {}).get(pattern(f.path) + "[]", "")
        f.limit = fields_table.CHARACTER_LIMITS.get(f.path)
    return fields


def _with_empty_items(data: Mapping[str, Any], examples: Mapping[str, str]) -> dict[str, Any]:
    """``data`` (copied where changed) with one empty item in each empty list the kind gives an
    example for, so that its example shows under a box to write in (never as its value)."""
    out: dict[str, Any] = copy.deepcopy(dict(data))
    for found in examples:
        if "[]" not in found:
            continue
        keys = found.split("[]", 1)[0].split(".")
        node: Any = out
        for key in keys[:-1]:
            if not isinstance(node, dict):
                break
            node = node.setdefault(key, {}) if node.get(key) is None else node[key]
        else:
            if isinstance(node, dict) and not node.get(keys[-1]):
                node[keys[-1]] = [_blank(".".join(keys))]
    return out


def pattern(path: str) -> str:
    """A form path as a field pattern: ``coping_strategies.0.cost`` → ``coping_strategies[].cost``."""
    return re.sub(r"\.\d+(?=\.|$)", "[]", path)


def _walk(fields: list[Field]) -> list[Field]:
    out: list[Field] = []
    for f in fields:
        out.append(f)
        out.extend(_walk(f.children))
        out.extend(_walk(f.items))
    return out


def _field(
    schema: Mapping[str, Any],
    raw: Mapping[str, Any],
    path: str,
    label: str,
    value: Any,
    problems: Mapping[str, list[str]],
    required: bool,
) -> Field:
    node = _resolve(schema, raw)
    help_text = _plain_help(str(raw.get("description") or node.get("description") or ""))
    out = Field(path, label, help_text, value=value, required=required, problems=list(problems.get(path, [])))
    kind_of = node.get("type")
    if "enum" in node:
        out.widget, out.choices = "select", tuple(str(c) for c in node["enum"])
    elif kind_of == "object" and "properties" in node:
        out.widget = "group"
        needed = set(node.get("required", ()))
        given = value if isinstance(value, Mapping) else {}
        for name, child in node["properties"].items():
            child_label = fields.part_label(name)
            out.children.append(
                _field(
                    schema, child, f"{path}.{name}", child_label, given.get(name), problems, name in needed
                )
            )
    elif kind_of == "array":
        out.widget = "list"
        item_node = node.get("items", {})
        # An empty list that must hold something shows one empty item to write in.
        given_list = value if isinstance(value, list) and value else ([_blank(path)] if required else [])
        for index, item in enumerate(given_list):
            out.items.append(_item(schema, item_node, f"{path}.{index}", label, index, item, problems))
    elif kind_of == "integer":
        out.widget = "number"
    elif kind_of == "boolean" or path == "diagram":
        out.widget, out.choices = "yesno", ("", "yes", "no")
        out.value = {True: "yes", False: "no"}.get(value, "") if isinstance(value, bool) else value
    elif path.endswith("date"):
        out.widget = "date"
        out.value = date_parts(value)
    elif path in _LONG or re.sub(r"\.\d+", "", path) in _LONG:
        out.widget = "textarea"
    return out


def _plain_help(text: str) -> str:
    """A schema description as a form's hint: without the file's syntax (``{feeling: …}``) or
    a date's format, which the form's own boxes take care of."""
    text = re.sub(r",? or \{[^}]*\}", "", text)
    return text.replace(" (YYYY-MM-DD)", "").strip()


def _item(
    schema: Mapping[str, Any],
    node: Mapping[str, Any],
    path: str,
    label: str,
    index: int,
    value: Any,
    problems: Mapping[str, list[str]],
) -> Field:
    if path.startswith("ipaf.affect."):
        # A feeling, or {feeling, less_conscious}: one text box and a tick box.
        feeling = value.get("feeling") if isinstance(value, Mapping) else value
        less = bool(value.get("less_conscious")) if isinstance(value, Mapping) else False
        own = list(problems.get(path, [])) + list(problems.get(path + ".feeling", []))
        return Field(path, f"Feeling {index + 1}", widget="affect", value=(feeling, less), problems=own)
    item = _field(schema, node, path, f"{label}: {index + 1}", value, problems, False)
    if item.widget == "text" and re.sub(r"\.\d+", "", path) in _LONG:
        item.widget = "textarea"
    return item


def date_parts(value: Any) -> tuple[str, str, str]:
    """A date's day, month and year as a form shows them (``2026-03-05`` → 5, 3, 2026); a
    month alone (``2026-03``) has no day; anything else is left in the day box as typed."""
    text = str(value or "").strip()
    found = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", text)
    if found:
        year, month, day = found.groups()
        return (str(int(day)) if day else "", str(int(month)), year)
    return (text, "", "")


def date_from(day: str, month: str, year: str) -> str:
    """A date from its three boxes, as a letter holds it (``2026-03-05``). ``5/12/2026``
    (or ``5.12.2026``, ``5 12 2026``) typed into the day box alone is read the same way.
    What cannot be read is passed on as typed, for the letter's checks to name."""
    day, month, year = day.strip(), month.strip(), year.strip()
    if day and not month and not year:
        whole = re.fullmatch(r"(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{4})", day)
        if whole:
            day, month, year = whole.groups()
        elif re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", day):
            return day
    if not (day or month or year):
        return ""
    if day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4:
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    if not day and month.isdigit() and year.isdigit() and len(year) == 4:
        return f"{int(year):04d}-{int(month):02d}"
    return f"{year}-{month}-{day}"


def problems_by_field(problems: list[Any], *, missing: bool = True) -> dict[str, list[str]]:
    """Problems keyed by form path (``coping_strategies[1].cost`` → ``coping_strategies.1.cost``),
    each in words that name no field path. Without ``missing``, what is only not written yet
    is left for the list of what is missing (a new letter's form is not all errors)."""
    out: dict[str, list[str]] = {}
    for problem in problems:
        if not missing and is_missing(problem):
            continue
        path = form_path(problem.path)
        if re.fullmatch(r"ipaf\.affect\.\d+\.feeling", path):
            path = path.removesuffix(".feeling")  # one box holds the feeling
        out.setdefault(path, []).append(plain(problem.message))
    return out


def is_missing(problem: Any) -> bool:
    """A problem that says only that something needed is not written yet."""
    return str(problem.message).startswith("required")


_SETTINGS = "the service's settings (its phone, email and address)"
_PATH_IN_TEXT = re.compile(r"\b[a-z][a-z_]*(?:\[\d+\]|\.[a-z_]+|\.\d+)+\b")


def plain(message: str) -> str:
    """A problem's words with any field path in them put in the form's words, and the
    checker's "required —" said plainly."""
    text = re.sub(r"^required\s*—\s*", "Needed: ", str(message))
    text = re.sub(r"(?:a |the )?letterkit\.toml beside the letter \(\[service\][^)]*\)", _SETTINGS, text)
    text = text.replace("letterkit.toml", "the service's settings")
    text = re.sub(r"\s*\((?:[a-z]+_)+[a-z]+\)", "", text)  # "(what_helps)" after its own words
    text = _SNAKE.sub(
        lambda m: f"“{_name_label(m.group(0))}”" if _name_label(m.group(0)) else m.group(0), text
    )
    return _PATH_IN_TEXT.sub(
        lambda m: f"“{plain_label(m.group(0))}”" if _is_path(m.group(0)) else m.group(0), text
    )


_SNAKE = re.compile(r"(?<![.\w])(?:[a-z]+_)+[a-z]+\b(?![.\[])")


def _name_label(name: str) -> str:
    """A field's name (``keeping_well``, ``early_signs``) in the form's words, or ""."""
    if name in HEADINGS:
        return HEADINGS[name]
    return LABELS.get(name, "")


def _is_path(text: str) -> bool:
    return text.split(".")[0].split("[")[0] in HEADINGS


def in_form_order(problems: list[Any], built: list[Field]) -> list[Any]:
    """Problems in the order their fields come in the form (those of no field first)."""
    order = {f.path: n for n, f in enumerate(_walk(built))}

    def place(problem: Any) -> int:
        key = form_path(problem.path)
        while key and key not in order:
            key = key.rpartition(".")[0]
        return order.get(key, -1)

    return sorted(problems, key=place)


def targets(built: list[Field]) -> dict[str, str]:
    """Each form path, and the id of the box a link to it should go to: the field's own, or
    for a group or a list the first box inside it."""
    out: dict[str, str] = {}
    for f in reversed(_walk(built)):
        inner = [c for c in (*f.children, *f.items)]
        out[f.path] = out[inner[0].path] if inner else f.id
    return out


def target(found: Mapping[str, str], path: str) -> str:
    """The id a link to the problem at ``path`` (a dotted path) goes to: its field's box, or
    the nearest enclosing field that is on the form."""
    key = form_path(path)
    while key and key not in found:
        key = key.rpartition(".")[0]
    return found.get(key) or "letter-form"


def form_path(dotted: str) -> str:
    return re.sub(r"\[(\d+)\]", r".\1", dotted) or "kind"


def plain_label(dotted: str) -> str:
    """A field's path in the form's words, for a page (never the path itself):
    ``changes[1]`` → "What has changed (2)", ``ipaf.self`` → "The pattern…: how you see
    yourself"; the empty path is "The letter"."""
    parts = [p for p in re.split(r"[.\[\]]+", dotted) if p]
    if parts[-3:-2] == ["affect"] and parts[-1] == "feeling":
        parts = parts[:-1]  # one box holds the feeling
    if not parts:
        return "The letter"
    text = HEADINGS.get(parts[0], parts[0].replace("_", " ").capitalize())
    for part in parts[1:]:
        if part.isdigit():
            text += f" ({int(part) + 1})"
        else:
            text += ": " + (LABELS.get(part) or part.replace("_", " ")).lower()
    return text


# --------------------------------------------------------------------------- posted forms


def to_data(form: Mapping[str, str], kind: str) -> dict[str, Any]:
    """A letter's data from a posted form: empty boxes are left out; lists close their gaps."""
    tree: dict[str, Any] = {"kind": kind}
    for key, raw in form.items():
        if key.startswith("_") or key == "action" or key == "kind":
            continue
        value = raw.replace("\r\n", "\n")
        if not value.strip() and not key.endswith(".less_conscious"):
            continue
        if re.fullmatch(r"ipaf\.affect\.\d+", key):
            key += ".feeling"  # its tick box is ipaf.affect.N.less_conscious
        parts = key.split(".")
        if not all(re.fullmatch(r"[A-Za-z_]{1,40}|\d{1,4}", p) for p in parts):
            continue
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node[parts[-1]] = value
    return _finish(tree, ())  # type: ignore[no-any-return]


def _finish(node: Any, path: tuple[str, ...]) -> Any:
    if not isinstance(node, dict):
        return _scalar(node, path)
    if node and set(node) <= {"day", "month", "year"} and path and path[-1] == "date":
        return (
            date_from(str(node.get("day", "")), str(node.get("month", "")), str(node.get("year", ""))) or None
        )
    if node and all(k.isdigit() for k in node):
        items = [_finish(node[k], (*path, "[]")) for k in sorted(node, key=int)]
        return [i for i in items if i not in (None, {}, "")]
    if path[-2:] == ("affect", "[]") or (len(path) >= 2 and path[-1] == "[]" and "affect" in path):
        feeling = node.get("feeling")
        if isinstance(node.get("less_conscious"), str):
            return {"feeling": feeling, "less_conscious": True} if feeling else None
        return feeling
    out = {k: _finish(v, (*path, k)) for k, v in node.items()}
    return {k: v for k, v in out.items() if v not in (None, {}, "")}


def _scalar(value: str, path: tuple[str, ...]) -> Any:
    name = path[-1] if path else ""
    if name == "session":
        return int(value) if value.strip().isdigit() and len(value.strip()) < 6 else value
    if name == "diagram":
        return {"yes": True, "no": False}.get(value)
    return value


def apply_action(data: dict[str, Any], action: str, kind: str) -> dict[str, Any]:
    """A list edit asked for by a button (no JavaScript needed): ``add:PATH``, ``remove:PATH.N``,
    ``up:PATH.N``, ``down:PATH.N``."""
    verb, _, where = action.partition(":")
    parts = where.split(".")
    if verb == "add":
        container = _at(data, parts, create=True)
        if isinstance(container, list):
            container.append(_blank(where))
        return data
    if not parts or not parts[-1].isdigit():
        return data
    items = _at(data, parts[:-1], create=False)
    index = int(parts[-1])
    if not isinstance(items, list) or not 0 <= index < len(items):
        return data
    if verb == "remove":
        items.pop(index)
    elif verb == "up" and index > 0:
        items[index - 1], items[index] = items[index], items[index - 1]
    elif verb == "down" and index < len(items) - 1:
        items[index + 1], items[index] = items[index], items[index + 1]
    return data


def focus_after(action: str, data: Mapping[str, Any]) -> str:
    """The form path to focus once a list button's action is done: the item added or moved,
    the one now in a removed item's place (or the one before it), or the list itself."""
    verb, _, where = action.partition(":")
    if verb == "add":
        items = _at(data, where.split("."), create=False)
        return f"{where}.{max(len(items) - 1, 0)}" if isinstance(items, list) else where
    base, _, index = where.rpartition(".")
    if not index.isdigit():
        return where
    items = _at(data, base.split("."), create=False)
    count = len(items) if isinstance(items, list) else 0
    n = int(index) + {"up": -1, "down": 1}.get(verb, 0)
    return f"{base}.{max(0, min(n, count - 1))}" if count else base


def _blank(path: str) -> Any:
    row = fields.BY_NAME.get(path)
    return {row.parts[0]: ""} if row is not None and row.shape == "records" else ""


def _at(data: Any, parts: list[str], *, create: bool) -> Any:
    node = data
    for i, part in enumerate(parts):
        if isinstance(node, dict):
            if part not in node:
                if not create:
                    return None
                node[part] = [] if i == len(parts) - 1 else {}
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


# --------------------------------------------------------------------------- sections

SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("who", "Who the letter is for and from", ("status", "patient", "therapist", "date", "session")),
    ("story", "What brought them", ("background", "referral")),
    ("pattern", "The pattern", ("ipaf", "goals", "attachment_style")),
    (
        "therapy",
        "Coping and the therapy",
        ("coping_strategies", "course_of_therapy", "changes", "unfinished_business"),
    ),
    (
        "ending",
        "The ending and after",
        ("ending", "transference", "keeping_well", "closing", "patient_comments"),
    ),
)
MORE = ("more", "More: printing, help, notes for the record, easy read")
"""The section for every other field: closed until it holds a problem or the focus."""


@dataclass
class Section:
    """A part of the form shown as one collapsible section."""

    id: str
    title: str
    fields: list[Field]
    open: bool = True


def sections(built: list[Field], focus: str = "") -> list[Section]:
    """The form's fields in its sections, in the schema's order within each; a section with no
    field of this kind is left out. A section is open when it holds something written, a
    problem shown or the focus (the first always), so a new letter opens short; the last
    ("More") only for a problem or the focus."""
    by_name = {f.path: f for f in built}
    out: list[Section] = []
    placed: set[str] = set()
    for key, title, names in SECTIONS:
        here = [by_name[n] for n in names if n in by_name]
        placed.update(names)
        if here:
            busy = _busy(here, focus) or any(_written(g) for g in _walk(here))
            out.append(Section("s-" + key, title, here, open=busy or not out))
    rest = [f for f in built if f.path not in placed]
    if rest:
        out.append(Section("s-" + MORE[0], MORE[1], rest, open=_busy(rest, focus)))
    return out


def _busy(here: list[Field], focus: str) -> bool:
    return any(
        g.problems or (focus and (g.path == focus or focus.startswith(g.path + "."))) for g in _walk(here)
    )


def _written(f: Field) -> bool:
    if f.widget in ("group", "list", "select", "yesno"):
        return False  # a group or list by what is inside it; a choice is no writing
    value = f.value
    if isinstance(value, tuple):
        return any(isinstance(v, str) and v.strip() for v in value)
    return value not in (None, "") and bool(str(value).strip())
