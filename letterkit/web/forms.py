"""A letter's JSON Schema as a form, and a posted form back as a letter's data.

Each input's ``name`` is its field path with dots (``ipaf.self``, ``ipaf.affect.0``,
``coping_strategies.1.cost``); names starting with ``_`` belong to the page, not the letter.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from letterkit.model import fields, kinds
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


def build(kind: str, data: Mapping[str, Any], problems: Mapping[str, list[str]]) -> list[Field]:
    """The form for a letter of ``kind`` holding ``data``, in the schema's order."""
    schema = _schema(kinds.get(kind))
    required = set(schema.get("required", ()))
    fields = []
    for name, node in schema["properties"].items():
        if name == "kind":
            continue
        label = kinds.field_label(kind, name)
        fields.append(_field(schema, node, name, label, data.get(name), problems, name in required))
    return fields


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
    help_text = str(raw.get("description") or node.get("description") or "")
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
        given_list = value if isinstance(value, list) else []
        for index, item in enumerate(given_list):
            out.items.append(_item(schema, item_node, f"{path}.{index}", label, index, item, problems))
    elif kind_of == "integer":
        out.widget = "number"
    elif kind_of == "boolean" or path == "diagram":
        out.widget, out.choices = "yesno", ("", "yes", "no")
        out.value = {True: "yes", False: "no"}.get(value, "") if isinstance(value, bool) else value
    elif path.endswith("date"):
        out.widget = "date"
    elif path in _LONG or re.sub(r"\.\d+", "", path) in _LONG:
        out.widget = "textarea"
    return out


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
    item = _field(schema, node, path, f"{label}: {index + 1}", value, problems, True)
    if item.widget == "text" and re.sub(r"\.\d+", "", path) in _LONG:
        item.widget = "textarea"
    return item


def problems_by_field(problems: list[Any]) -> dict[str, list[str]]:
    """Problems keyed by form path (``coping_strategies[1].cost`` → ``coping_strategies.1.cost``)."""
    out: dict[str, list[str]] = {}
    for problem in problems:
        out.setdefault(form_path(problem.path), []).append(problem.message)
    return out


def form_path(dotted: str) -> str:
    return re.sub(r"\[(\d+)\]", r".\1", dotted) or "kind"


def plain_label(dotted: str) -> str:
    """A field's path in the form's words, for a page (never the path itself):
    ``changes[1]`` → "What has changed (2)", ``ipaf.self`` → "The pattern…: how you see
    yourself"; the empty path is "The letter"."""
    parts = [p for p in re.split(r"[.\[\]]+", dotted) if p]
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
