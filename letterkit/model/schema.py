"""The parts of a DIT letter: patient, therapist, the pattern, coping, help...

Every kind of letter accepts every field (``LetterBase``); each kind, registered in
``letterkit.model.kinds``, says which fields it requires. Each field's
``description`` starts with a question a therapist can answer; validation messages, the JSON
Schema and the ``letterkit new`` scaffold all read it from here, so it is written once.
"""

# No ``from __future__ import annotations`` here: Pydantic takes these models' annotations as
# objects instead of evaluating each as text, so the models build faster on every start.
import datetime as dt
import re
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    WithJsonSchema,
)

Status = Literal["draft", "agreed", "final"]
AttachmentStyle = Literal["secure", "preoccupied", "dismissing", "fearful"]
AccessibleFormat = Literal["standard", "large-print", "easy-read"]

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("blank")
    return value


Text = Annotated[str, AfterValidator(_not_blank), WithJsonSchema({"type": "string", "pattern": "\\S"})]
"""Free text: Markdown paragraphs and inline emphasis; never blank."""

Month = Annotated[str, Field(pattern=_MONTH.pattern)]
LetterDate = Union[dt.date, Month]
"""An ISO date (2026-03-12), or a month (2026-03) in a pseudonymised copy."""


def no_items() -> list[Any]:
    """An empty list: the default of every list field. A function of letterkit's, not ``list``
    itself, because Pydantic reads each default factory's signature, and a built-in type's is
    parsed from its text (a few milliseconds on a command's first letter)."""
    return []


class Model(BaseModel):
    # defer_build: the validators are built once, on first use, for the union of both kinds,
    # rather than for every class at import (which would slow every command's start-up).
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Patient(Model):
    name: Text = Field(description="What is the patient's full name?")
    preferred_name: Text | None = Field(
        None, description="What would they like to be called? The letter opens 'Dear …' with it."
    )
    pronouns: Text | None = Field(
        None,
        description="Which pronouns do they use (she/her, he/him, they/them)? letterkit turns them "
        "into 'you' where it puts your notes into sentences ('harsh with herself' → 'harsh with "
        "yourself'); left out, it infers them from the notes.",
    )


class Therapist(Model):
    name: Text = Field(description="Who is the therapist writing the letter?")
    role: Text | None = Field(None, description="What is the therapist's role, under the signature?")
    service: Text | None = Field(None, description="Which service do they work for?")


class Referral(Model):
    by: Text | None = Field(None, description="Who referred the patient (e.g. 'your GP')?")
    reason: Text | None = Field(
        None,
        description="Why were they referred, in plain words? It follows 'because of …' "
        "(e.g. 'low mood since the spring'), or write a sentence of its own.",
    )
    date: LetterDate | None = Field(None, description="When were they referred (YYYY-MM-DD)?")


class Affect(Model):
    feeling: Text = Field(description="Which feeling links the two sides of the pattern?")
    less_conscious: bool = Field(
        False, description="Is the patient less aware of it? It is then offered tentatively."
    )


class DiagramLabels(Model):
    """Short labels for the diagram's boxes, drawn only when a part is too long to draw whole."""

    self_: Text | None = Field(
        None, alias="self", description="A short label for 'How you see yourself', in the patient's words."
    )
    other: Text | None = Field(None, description="A short label for 'How you experience others'.")
    reversal: Text | None = Field(None, description="A short label for 'Sometimes it turns round'.")
    internalised: Text | None = Field(None, description="A short label for 'Inside you'.")


class Ipaf(Model):
    self_: Text = Field(
        alias="self",
        description="How does the patient see themselves in the pattern? Write it to them: "
        "'You often feel …'.",
    )
    other: Text = Field(description="How does the patient experience other people in the pattern?")
    affect: list[Text | Affect] = Field(
        default_factory=no_items,
        description="Which feelings link the two? A feeling, or {feeling: …, less_conscious: true}.",
    )
    defensive_function: Text | None = Field(
        None,
        description="What does the pattern protect the patient from knowing? "
        "A note for the record; it is not printed in the letter.",
    )
    protects: Text | None = Field(
        None,
        description="What might the pattern protect the patient from, in plain words they can hear "
        "now? Printed tentatively: 'Perhaps the pattern also protects you from …'. Leave it out "
        "until they are ready.",
    )
    reversal: Text | None = Field(
        None, description="How does the pattern turn round, when the patient takes the other's part?"
    )
    internalised: Text | None = Field(
        None, description="How does the patient treat a part of themselves in the same way?"
    )
    imagery: list[Text] = Field(
        default_factory=no_items,
        description="Which words and images of the patient's own capture the pattern? Kept verbatim.",
    )
    labels: DiagramLabels | None = Field(
        None,
        description="Short labels for the diagram's boxes (self, other, reversal, internalised), "
        "used only when a part is too long to draw in full.",
    )


class CopingStrategy(Model):
    strategy: Text = Field(description="What does the patient do to cope with the pattern?")
    cost: Text | None = Field(None, description="What does coping this way cost them?")


class KeepingWell(Model):
    """Staying well after the ending: a plan the patient can turn to when the pattern comes back."""

    early_signs: list[Text] = Field(
        default_factory=no_items,
        description="Which early signs tell the patient that the old pattern is coming back? "
        "In their words, one a line ('saying yes to everything again').",
    )
    what_helps: list[Text] = Field(
        default_factory=no_items,
        description="What helps when they notice those signs? One a line ('reading this letter again').",
    )
    who_to_contact: list[Text] = Field(
        default_factory=no_items,
        description="Who can they turn to? One a line, with a number where it helps "
        "('my sister Jo, who knows about this letter').",
    )


_EASY = "Short sentences, one idea each, one a line; used in the easy-read letter instead of "


class EasyRead(Model):
    """The therapist's own easy-read text for a section, used in the easy-read style in place of
    the section's text (which is otherwise only split into one sentence a line)."""

    background: Text | None = Field(None, description=_EASY + "'What brought you here'.")
    ipaf: Text | None = Field(None, description=_EASY + "the words about the pattern.")
    goals: Text | None = Field(None, description=_EASY + "the goals.")
    coping_strategies: Text | None = Field(None, description=_EASY + "how they have coped.")
    course_of_therapy: Text | None = Field(None, description=_EASY + "'What happened in our sessions'.")
    changes: Text | None = Field(None, description=_EASY + "'What has changed'.")
    unfinished_business: Text | None = Field(None, description=_EASY + "'What is still unfinished'.")
    ending: Text | None = Field(None, description=_EASY + "'Looking ahead to our ending'.")
    transference: Text | None = Field(None, description=_EASY + "'How the pattern showed up between us'.")
    keeping_well: Text | None = Field(None, description=_EASY + "the plan for keeping well.")
    closing: Text | None = Field(None, description=_EASY + "the closing words.")


class Help(Model):
    """The 'where to find help' block; each line overrides the service's default."""

    gp: Text | None = Field(None, description="How to reach their GP.")
    urgent: Text | None = Field(None, description="What to do in a mental-health crisis.")
    samaritans: Text | None = Field(None, description="A listening line open day and night.")
    come_back: Text | None = Field(None, description="How to come back to the service.")


class Accessibility(Model):
    format: AccessibleFormat = Field("standard", description="Which print format does the patient need?")
    notes: Text | None = Field(None, description="Any other communication needs, for the record.")


class LetterBase(Model):
    """The fields every kind of letter accepts; each kind says which it requires."""

    kind: str
    status: Status = Field("draft", description="Is the letter a draft, agreed or final?")
    patient: Patient = Field(description="Who is the letter to?")
    therapist: Therapist = Field(description="Who is the letter from?")
    date: LetterDate | None = Field(None, description="What date does the letter carry (YYYY-MM-DD)?")
    session: Annotated[int, Strict()] | None = Field(
        None, ge=1, le=16, description="Which session is it for (1 to 16)?"
    )
    background: Text | None = Field(
        None, description="What is the patient's background, and what brought them to therapy?"
    )
    referral: Referral | None = Field(None, description="Who referred the patient, and why?")
    ipaf: Ipaf = Field(description="What is the pattern of relating you agreed to work on?")
    goals: list[Text] = Field(
        default_factory=no_items, description="What did you agree the patient would like to change?"
    )
    attachment_style: AttachmentStyle | None = Field(
        None, description="Which relationship style fits best? A note for the record, not printed."
    )
    coping_strategies: list[CopingStrategy] = Field(
        default_factory=no_items, description="How has the patient coped with the pattern, at what cost?"
    )
    course_of_therapy: Text | None = Field(None, description="What happened over the course of the therapy?")
    changes: list[Text] = Field(
        default_factory=no_items, description="What changes has the patient been able to make?"
    )
    unfinished_business: list[Text] = Field(
        default_factory=no_items, description="What is still unfinished, to carry on with?"
    )
    ending: Text | None = Field(
        None, description="What might the ending of therapy stir up, and what lies ahead?"
    )
    transference: Text | None = Field(
        None, description="How did the pattern show up between the patient and you?"
    )
    keeping_well: KeepingWell | None = Field(
        None,
        description="How will the patient stay well after the ending? Their early signs, what "
        "helps and who to contact, printed before 'Where to find help'.",
    )
    closing: Text | None = Field(None, description="What warm words close the letter?")
    people: list[Text] = Field(
        default_factory=no_items,
        description="Who else is named in the letter? A pseudonymised copy replaces them too.",
    )
    patient_comments: list[Text] = Field(
        default_factory=no_items,
        description="What has the patient written that does not fit a section? Kept and printed.",
    )
    help: Help | None = Field(
        None, description="Where to find help: overrides the service's defaults for this letter."
    )
    diagram: bool | None = Field(
        None,
        description="Should the letter include a diagram of the pattern? By default a "
        "formulation does and a goodbye letter does not.",
    )
    accessibility: Accessibility | None = Field(
        None, description="What communication needs does the patient have?"
    )
    reviewed: list[Text] = Field(
        default_factory=no_items,
        description="Which fields have you read and meant as written, though letterkit says they "
        "read as notes or speak about the patient (e.g. background, changes[0])? An agreed or "
        "final letter is not rendered with such a field unless it is listed here.",
    )
    easy_read: EasyRead | None = Field(
        None,
        description="Which sections have an easy-read text of your own? Each is used in the "
        "easy-read letter in place of the section's words: short sentences, one idea each.",
    )
