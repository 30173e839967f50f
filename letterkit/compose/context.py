"""What every template sees: the letter's fields as escaped Markdown, dates and names in words."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from letterkit.compose.escaping import Span, md_block, md_block_spans, md_inline
from letterkit.compose.pattern import compose_pattern
from letterkit.compose.phrases import Person, infer_pronouns, pronouns_of
from letterkit.compose.prose import Passage
from letterkit.compose.sentences import coping_passage, mentions_referral, referral_sentence
from letterkit.compose.styling import STANDARD, get_style
from letterkit.model.fields import EASY_READ_SECTIONS, NOT_PRINTED
from letterkit.model.schema import Affect, LetterBase
from letterkit.model.settings import Settings


def long_date(value: dt.date | str | None) -> str:
    """12 March 2026; a month alone (2026-03) as March 2026."""
    if value is None:
        return ""
    if isinstance(value, str):
        year, month = value.split("-")[:2]
        return dt.date(int(year), int(month), 1).strftime("%B %Y")
    return f"{value.day} {value.strftime('%B %Y')}"


def month_year(value: dt.date | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return long_date(value)
    return value.strftime("%B %Y")


def join_words(items: Iterable[str]) -> str:
    """a, b and c."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _sentence_subject(text: str) -> str:
    """'your GP, Dr Okafor' -> 'Your GP, Dr Okafor,' to start a sentence."""
    text = " ".join(text.split())
    text = text[:1].upper() + text[1:]
    return text + "," if "," in text and not text.endswith(",") else text


def _some(feeling: str) -> str:
    """'some anger', but 'a fear of …' stays as it is."""
    return feeling if re.match(r"(?i)(a|an|the|some|your)\s", feeling) else "some " + feeling


@dataclass(frozen=True)
class RenderContext:
    """What every template sees. Text values are already escaped Markdown."""

    letter: LetterBase
    settings: Settings
    draft_label: str | None = None
    reference: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    style: str = STANDARD
    """standard, large-print or easy-read (see letterkit.styling)."""
    marks: Mapping[tuple[str | int, ...], Sequence[Span]] = field(default_factory=dict)
    """Text fields to show marked up (redline, contributions), by field path."""
    list_marks: Mapping[str, Sequence[Sequence[Span]]] = field(default_factory=dict)
    """Whole lists to show marked up, by field name: removed items appear struck through."""
    diagram_first: bool = True
    """A formulation shows its diagram after the opening (so it sits on page 1); False puts it
    at the top of the pattern section, for a diagram too tall for page 1."""
    diagram_scale: float | None = None
    """The diagram's scale, when not the style's (a PDF shrinks it to keep it on page 1)."""
    patients_own: frozenset[tuple[str | int, ...]] = frozenset()
    """Fields holding words the patient wrote (from the draft history): letterkit never
    changes them to fit a frame."""


def person_of(letter: LetterBase) -> Person:
    """The patient as framed phrases speak of them: their pronouns (``patient.pronouns``, or
    inferred from phrases that can only be about them), their names, the people named."""
    ipaf = letter.ipaf
    pronouns = pronouns_of(letter.patient.pronouns) or infer_pronouns(
        [
            ipaf.self_,
            ipaf.reversal or "",
            ipaf.internalised or "",
            *(c.strategy for c in letter.coping_strategies),
        ]
    )
    names = {w.lower() for n in (letter.patient.name, letter.patient.preferred_name or "") for w in n.split()}
    people = {w.lower() for p in letter.people for w in p.split()}
    return Person(pronouns, frozenset(names), frozenset(people))


def _referral(letter: LetterBase, block: Any, person: Person, frozen: frozenset[Any]) -> Passage:
    """The referral sentence, unless the therapist wrote one of their own in the background."""
    referral = letter.referral
    if referral is None or mentions_referral(letter.background):
        return Passage(())
    return referral_sentence(
        referral.by, month_year(referral.date), referral.reason, block, person=person, frozen=frozen
    )


def template_vars(ctx: RenderContext) -> dict[str, Any]:
    """The variables templates use. Documented in templates/README.md."""

    letter, settings = ctx.letter, ctx.settings
    ipaf = letter.ipaf
    plain_affects = [a for a in ipaf.affect if isinstance(a, str) or not a.less_conscious]
    tentative = [a for a in ipaf.affect if isinstance(a, Affect) and a.less_conscious]
    names = [a if isinstance(a, str) else a.feeling for a in plain_affects]
    service_name = settings.service.name or letter.therapist.service
    help_text = settings.help.model_dump()
    if help_text["come_back"] is None:
        phone = f" on {settings.service.phone}" if settings.service.phone else ""
        who = service_name or "us"
        help_text["come_back"] = (
            f"If you would like more help in the future, you can contact {who}{phone}, "
            "or ask your GP to refer you back to us."
        )
    if letter.help:
        help_text.update({k: v for k, v in letter.help.model_dump().items() if v})

    def block(path: tuple[str | int, ...], value: str | None, indent: str = "") -> str:
        spans = ctx.marks.get(path)
        if spans is not None:
            return md_block_spans(spans, indent)
        return md_block(value or "", indent)

    def items(name: str, values: Sequence[str], indent: str = "    ") -> list[str]:
        if name in ctx.list_marks:
            return [md_block_spans(spans, indent) for spans in ctx.list_marks[name]]
        return [block((name, i), value, indent) for i, value in enumerate(values)]

    referral = letter.referral
    easy_read = get_style(ctx.style).sentence_per_line  # short sentences, a glossary of hard words
    person = person_of(letter)
    frozen = ctx.patients_own
    # Every section named, "" where there is none: templates test them under StrictUndefined.
    easy_texts = dict.fromkeys(EASY_READ_SECTIONS, "") | (
        _easy_read_texts(letter, block) if easy_read else {}
    )
    pattern = compose_pattern(
        ipaf,
        block,
        _letter_text(letter),
        ctx.list_marks.get("ipaf.imagery"),
        short=easy_read,
        person=person,
        frozen=frozen,
    )
    referral_md = _referral(letter, block, person, frozen).markdown
    return {
        "kind": letter.kind,
        "status": letter.status,
        "is_draft": letter.status == "draft",
        "draft_label": ctx.draft_label,
        "reference": ctx.reference,
        "date": long_date(letter.date),
        "session": letter.session,
        "patient": {
            "name": md_inline(letter.patient.name),
            "dear": md_inline(letter.patient.preferred_name or letter.patient.name),
        },
        "therapist": {
            "name": md_inline(letter.therapist.name),
            "role": md_inline(letter.therapist.role or ""),
            "service": md_inline(letter.therapist.service or ""),
        },
        "service": {
            "name": md_inline(service_name or ""),
            "address": [md_inline(line) for line in settings.service.address],
            "phone": md_inline(settings.service.phone or ""),
            "email": md_inline(settings.service.email or ""),
            "website": md_inline(settings.service.website or ""),
        },
        "sign_off": "" if closing_signs_off(letter.closing) else md_inline(settings.sign_off),
        "background": block(("background",), letter.background),
        "referral": {
            "by": md_inline(referral.by or "") if referral else "",
            "by_sentence": md_inline(_sentence_subject(referral.by)) if referral and referral.by else "",
            "reason": block(("referral", "reason"), referral.reason) if referral else "",
            "when": month_year(referral.date) if referral else "",
            "sentence": "".join(referral_md),
        },
        "pattern": pattern.markdown,
        "ipaf": {
            "self": block(("ipaf", "self"), ipaf.self_),
            "other": block(("ipaf", "other"), ipaf.other),
            "feelings": md_inline(join_words(names)),
            "tentative": [md_inline(_some(a.feeling)) for a in tentative],
            "reversal": block(("ipaf", "reversal"), ipaf.reversal),
            "internalised": block(("ipaf", "internalised"), ipaf.internalised),
            "protects": block(("ipaf", "protects"), ipaf.protects),
            "imagery": [md_inline(phrase) for phrase in ipaf.imagery],
        },
        "goals": items("goals", letter.goals),
        "coping": _with_removed(
            [
                {
                    "strategy": block(("coping_strategies", i, "strategy"), c.strategy, "    "),
                    "cost": block(("coping_strategies", i, "cost"), c.cost, "    "),
                    "item": "\n\n    ".join(
                        coping_passage(c.strategy, c.cost, i, block, easy_read, person, frozen).markdown
                    ),
                }
                for i, c in enumerate(letter.coping_strategies)
            ],
            ctx.list_marks.get("coping_strategies"),
        ),
        "course_of_therapy": block(("course_of_therapy",), letter.course_of_therapy),
        "changes": items("changes", letter.changes),
        "unfinished_business": items("unfinished_business", letter.unfinished_business),
        "ending": block(("ending",), letter.ending),
        "transference": block(("transference",), letter.transference),
        "keeping_well": _keeping_well(letter, block),
        "closing": easy_texts.get("closing") or block(("closing",), letter.closing),
        "easy_read": easy_texts,
        "patient_comments": items("patient_comments", letter.patient_comments, ""),
        "help": {key: block(("help", key), value) for key, value in help_text.items()},
        "style": ctx.style,
        "diagram": "",
        "diagram_first": ctx.diagram_first,
        "glossary": _glossary(letter) if easy_read else [],
        **ctx.extra,
    }


KEEPING_WELL_PARTS = ("early_signs", "what_helps", "who_to_contact")


def _keeping_well(letter: LetterBase, block: Any) -> dict[str, list[str]]:
    """The patient's plan for staying well, each part a list of escaped items; empty when the
    letter has none (so that templates can leave the section out)."""
    plan = letter.keeping_well
    if plan is None:
        return {}
    parts = {
        part: [block(("keeping_well", part, i), value, "    ") for i, value in enumerate(getattr(plan, part))]
        for part in KEEPING_WELL_PARTS
    }
    return parts if any(parts.values()) else {}


_SIGN_OFFS = re.compile(
    r"(?i)^(?:with\s+)?(?:(?:very\s+)?(?:best|warm|warmest|kind|kindest|good)\s+(?:wishes|regards)"
    r"|all\s+(?:the|my)\s+(?:very\s+)?best|take\s+care|yours(?:\s+(?:sincerely|truly|faithfully))?"
    r"|warmly|warm\s+regards|regards|best|thank\s+you|thanks|with\s+thanks|good\s+luck"
    r"|with\s+(?:warmth|love|care))\b"
)


def _with_removed(
    coping: list[dict[str, str]], marked: Sequence[Sequence[Span]] | None
) -> list[dict[str, str]]:
    """A redline's or contributions view's coping strategies: ``marked`` has one entry per
    item in order, empty for an item of the letter, the struck-through words for one taken out."""
    if not marked:
        return coping
    out: list[dict[str, str]] = []
    kept = iter(coping)
    for spans in marked:
        if spans:
            shown = md_block_spans(spans, "    ")
            out.append({"strategy": shown, "cost": "", "item": shown})
        else:
            out.extend(item for item in [next(kept, None)] if item is not None)
    out.extend(kept)
    return out


def composed_passages(ctx: RenderContext) -> tuple[Passage, ...]:
    """The passages letterkit writes around the fields, as ``template_vars`` composes them
    (the pattern, the referral), each piece traced to a field or to letterkit: ``draft
    import`` finds a patient's edit to a framed phrase, a feeling or an image through them."""
    letter = ctx.letter

    def block(path: tuple[str | int, ...], value: str | None, indent: str = "") -> str:
        return md_block(value or "", indent)

    short = get_style(ctx.style).sentence_per_line
    person = person_of(letter)
    frozen = ctx.patients_own
    out = [
        compose_pattern(letter.ipaf, block, _letter_text(letter), short=short, person=person, frozen=frozen)
    ]
    out.append(_referral(letter, block, person, frozen))

    def item_block(path: tuple[str | int, ...], value: str, indent: str) -> str:
        return md_block(value, indent)

    for i, c in enumerate(letter.coping_strategies):
        out.append(coping_passage(c.strategy, c.cost, i, item_block, short, person, frozen))
    return tuple(out)


def closing_signs_off(closing: str | None) -> bool:
    """Whether the letter's closing ends with a sign-off of its own ("All the best,"), which
    then replaces the service's: a letter signs off once."""
    if not closing or not closing.strip():
        return False
    last = re.split(r"\n\s*\n|\n", closing.strip())[-1].strip().strip("*_")
    if len(last.split()) > 8:
        return False
    return bool(_SIGN_OFFS.match(last)) or last.endswith(",")


def printed_texts(letter: LetterBase, imagery: bool = True) -> list[str]:
    """The text of every field the letter prints (not the notes for the record)."""
    # The easy-read texts stand in for sections only in an easy-read letter: not the letter's text.
    data = letter.model_dump(by_alias=True, exclude=set(NOT_PRINTED) | {"easy_read"})
    ipaf = data.get("ipaf") or {}
    for key in ("defensive_function", "labels", "affect", *(() if imagery else ("imagery",))):
        ipaf.pop(key, None)
    (data.get("referral") or {}).pop("date", None)
    texts: list[str] = []
    _walk(data, texts)
    return texts


def _letter_text(letter: LetterBase) -> str:
    """Everything the letter prints from its fields, but the images: to find the images it
    already uses."""
    return "\n".join(printed_texts(letter, imagery=False))


def _walk(value: Any, texts: list[str]) -> None:
    if isinstance(value, str):
        texts.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _walk(item, texts)
    elif isinstance(value, list):
        for item in value:
            _walk(item, texts)


def _easy_read_texts(letter: LetterBase, block: Any) -> dict[str, str]:
    from letterkit.compose.easy_read import section_texts

    return section_texts(letter, block)


def _glossary(letter: LetterBase) -> list[dict[str, str]]:
    """Easy read: the hard words the letter uses, with their plain meanings."""
    from letterkit.lexicon.jargon import glossary

    data = letter.model_dump(
        by_alias=True,
        exclude={
            "kind",
            "status",
            "date",
            "session",
            "attachment_style",
            "accessibility",
            "diagram",
            "reviewed",
        },
    )
    data.get("ipaf", {}).pop("defensive_function", None)
    texts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return [{"word": md_inline(word), "meaning": md_inline(meaning)} for word, meaning in glossary(texts)]
