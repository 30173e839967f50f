"""The kinds of letter letterkit writes, each in one registry entry.

A kind is its model (which fields it requires), its title, its Markdown template, its
scaffold, whether it shows the pattern diagram by default, the sections ``check`` expects to
hold some text, and the headings its template prints above its sections. Adding a kind is one
``register(Kind(...))`` call plus its templates (``templates/<name>.md.j2`` and
``templates/scaffolds/<name>.yaml``); everything else (loading, the JSON Schema, the command
line's choices, rendering, check, the web form) reads it here.
"""

# No ``from __future__ import annotations`` here: Pydantic takes these models' annotations as
# objects instead of evaluating each as text, so the models build faster on every start.
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, Field, TypeAdapter

from letterkit.errors import UnknownKindError
from letterkit.model import fields
from letterkit.model.fields import FieldPath
from letterkit.model.schema import CopingStrategy, LetterBase, Referral, Text


@dataclass(frozen=True)
class Kind:
    """One kind of letter."""

    name: str
    model: type[LetterBase]
    title: str
    """The document's title (with the patient's name) in the PDF's and HTML's metadata."""
    sections: tuple[FieldPath, ...]
    """The sections that must hold some text; ``check`` reports the missing ones."""
    diagram: bool = False
    """Whether the pattern diagram is shown when the letter does not say."""
    keeping_well: bool = False
    """Whether the letter is written for the ending, so ``check`` asks for a plan for staying
    well after it (``keeping_well``)."""
    template: str = ""
    """The Markdown template's name; default ``<name>.md.j2``."""
    scaffold: str = ""
    """The scaffold's name under templates/scaffolds/; default ``<name>.yaml``."""
    headings: tuple[tuple[str, str], ...] = ()
    """(top-level field, the heading its template prints above that field's section): a form
    and a list of sections name a section as the letter does."""
    followed_by: str = ""
    """The kind of letter that follows this one in the therapy and can start from it (the
    pattern, names and therapist carried across); empty for none."""

    @property
    def template_name(self) -> str:
        return self.template or f"{self.name}.md.j2"

    @property
    def scaffold_name(self) -> str:
        return self.scaffold or f"{self.name}.yaml"

    def heading(self, name: str) -> str | None:
        """The heading this kind's letter prints above the field ``name``, if it prints one."""
        return dict(self.headings).get(name)


# --------------------------------------------------------------------------- the built-in kinds


class Formulation(LetterBase):
    """The pattern agreed with the patient around session 4, and their goals."""

    kind: Literal["formulation"]
    goals: list[Text] = Field(
        min_length=1, description="What did you agree the patient would like to change?"
    )


class GoodbyeLetter(LetterBase):
    """The letter drafted for session 13 and revised with the patient until the end."""

    kind: Literal["goodbye-letter"]
    background: Text = Field(
        description="What is the patient's background, and what brought them to therapy?"
    )
    referral: Referral = Field(description="Who referred the patient, and why?")
    coping_strategies: list[CopingStrategy] = Field(
        min_length=1, description="How has the patient coped with the pattern, at what cost?"
    )
    course_of_therapy: Text = Field(description="What happened over the course of the therapy?")
    changes: list[Text] = Field(min_length=1, description="What changes has the patient been able to make?")
    unfinished_business: list[Text] = Field(
        min_length=1, description="What is still unfinished, to carry on with?"
    )
    ending: Text = Field(description="What might the ending of therapy stir up, and what lies ahead?")
    transference: Text = Field(description="How did the pattern show up between the patient and you?")


_BOTH_PRINT = (
    ("background", "What brought you here"),
    ("coping_strategies", "How you have coped, and what it has cost you"),
    ("course_of_therapy", "What happened in our sessions"),
    ("patient_comments", "In your own words"),
)

BUILT_IN = (
    Kind(
        name="goodbye-letter",
        model=GoodbyeLetter,
        title="Goodbye letter",
        sections=(
            ("background",),
            ("referral",),
            ("ipaf", "self"),
            ("ipaf", "other"),
            ("coping_strategies",),
            ("course_of_therapy",),
            ("changes",),
            ("unfinished_business",),
            ("ending",),
            ("transference",),
        ),
        keeping_well=True,
        headings=(
            *_BOTH_PRINT,
            ("ipaf", "The pattern we have been working on"),
            ("goals", "What you hoped to change"),
            ("changes", "What has changed"),
            ("unfinished_business", "What is still unfinished"),
            ("ending", "Looking ahead to our ending"),
            ("transference", "How the pattern showed up between us"),
            ("keeping_well", "Keeping well after our sessions end"),
        ),
    ),
    Kind(
        name="formulation",
        model=Formulation,
        title="Our shared understanding",
        sections=(("ipaf", "self"), ("ipaf", "other"), ("goals",)),
        diagram=True,
        followed_by="goodbye-letter",
        headings=(
            *_BOTH_PRINT,
            ("ipaf", "The pattern we have noticed together"),
            ("goals", "What you would like to change"),
        ),
    ),
)

# --------------------------------------------------------------------------- the registry

_lock = threading.Lock()
_kinds: dict[str, Kind] = {kind.name: kind for kind in BUILT_IN}
_adapter: TypeAdapter[Any] | None = None


def register(kind: Kind) -> None:
    """Add (or replace) a kind of letter. Its model's ``kind`` field must be ``Literal[name]``."""
    global _adapter
    with _lock:
        _kinds[kind.name] = kind
        _adapter = None


def unregister(name: str) -> None:
    """Remove a kind added with ``register`` (tests use this to clean up)."""
    global _adapter
    with _lock:
        _kinds.pop(name, None)
        _adapter = None


def get(name: str) -> Kind:
    """The kind called ``name``; ``UnknownKindError`` if there is none."""
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownKindError(str(name), names()) from None


def names() -> tuple[str, ...]:
    """Every kind's name, in the order they were registered."""
    return tuple(_kinds)


def all_kinds() -> Iterator[Kind]:
    return iter(tuple(_kinds.values()))


def field_label(kind: str, name: str) -> str:
    """What a form calls the top-level field ``name`` of a letter of ``kind``: its own words
    from the field table where it has them, else the heading the kind prints above it (or, for
    a field this kind does not print, the heading another kind prints)."""
    row = fields.BY_NAME.get(name)
    if row is not None and row.label:
        return row.label
    own = _kinds[kind].heading(name) if kind in _kinds else None
    found = own or next((h for k in all_kinds() if (h := k.heading(name))), None)
    return found or fields.label(name)


def letter_adapter() -> TypeAdapter[Any]:
    """The validator for every registered kind, chosen by ``kind`` (built on first use)."""
    global _adapter
    with _lock:
        if _adapter is None:
            models = tuple(kind.model for kind in _kinds.values())
            union: Any = Union[models] if len(models) > 1 else models[0]  # noqa: UP007
            # Built at run time from the registry, so it is a value here, not an annotation.
            target: Any = Annotated[union, Field(discriminator="kind")] if len(models) > 1 else union
            _adapter = TypeAdapter(target)
        return _adapter


def validate(data: Any) -> Any:
    """A letter from its data, validated as the kind it names: by that kind's own model, which
    then also serves ``model_dump``, so a command builds one model's validator, not the union's
    and then the model's. Data naming no registered kind goes through the union
    (``letter_adapter``), which says which kinds there are."""
    kind = data.get("kind") if isinstance(data, dict) else None
    if isinstance(kind, str) and (known := _kinds.get(kind)) is not None:
        return known.model.model_validate(data)
    return letter_adapter().validate_python(data)


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one kind of letter, for editors and other systems."""
    schema = get(name).model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "DIT " + name.replace("-", " ")
    return schema


# --------------------------------------------------------------------------- the fields


def describe(kind: object, path: tuple[str | int, ...]) -> str | None:
    """The question the schema asks for the field at ``path``, if there is one.

    ``kind`` is a registered kind's name or a letter model; any other value reads the fields
    every kind accepts.
    """
    model: Any = LetterBase
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        model = kind
    elif isinstance(kind, str) and kind in _kinds:
        model = _kinds[kind].model
    info = None
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        info = next((f for name, f in model.model_fields.items() if (f.alias or name) == part), None)
        if info is None:
            return None
        model = _inner_model(info.annotation)
    return info.description if info else None


def _inner_model(annotation: Any) -> Any:
    """The model class inside ``X | None`` or ``list[X]``, else the annotation itself."""
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return annotation


def field_names(kind: object, path: tuple[str | int, ...]) -> tuple[str, ...]:
    """The names of the fields allowed inside the field at ``path`` (``()``: the letter's own),
    as a letter file spells them; empty if ``path`` holds no group of fields."""
    model: Any = LetterBase
    if isinstance(kind, str) and kind in _kinds:
        model = _kinds[kind].model
    for part in path:
        if isinstance(part, int):
            continue
        info = next((f for name, f in model.model_fields.items() if (f.alias or name) == part), None)
        model = _inner_model(info.annotation) if info else None
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return ()
    return tuple(info.alias or name for name, info in model.model_fields.items())
