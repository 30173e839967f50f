"""The shape of a phrase as a clinician types it, and the patient's pronouns turned to "you".

Before letterkit puts a field into a sentence of its own it reads the phrase's shape: a
sentence; a clause with its own subject ("people get fed up with you"); a verb phrase in the
third person ("becomes the critical one"), the base form ("become …"), with a modal ("can be
hard on herself") or in -ing ("keeping busy"); an adjective phrase ("exhausted, on edge"); a
noun phrase ("loneliness", "a spare part who is only kept around while useful"); or a list of
those. Each part of the letter then picks a frame that is grammatical for the shape
(``letterkit.compose.frames``).

Word classes and inflections come from ``lemminflect`` (which ships its data); articles from
``inflect``. Only the closed classes (determiners, prepositions, pronouns…) are listed here.

``second_person`` turns the patient's pronouns inside a framed phrase into the second person,
with agreement ("she feels" → "you feel", "her sister" → "your sister", "herself" →
"yourself"); a pronoun after another person of a fitting gender is theirs and stays, and so
does anything in quotation marks (the patient's own words).
"""

from __future__ import annotations

from letterkit.compose.phrase_person import (
    UNKNOWN,
    Edit,
    Person,
    Pronouns,
    apply_edits,
    infer_pronouns,
    pronouns_of,
    second_person,
    verb_rewrite,
)
from letterkit.compose.phrase_shapes import PhraseShape, analyse, classes_of_next_is_adverb, is_adjunct
from letterkit.compose.phrase_words import (
    ADVERBS,
    CLAUSE_OPENERS,
    CONJUNCTIONS,
    DETERMINERS,
    MODALS,
    PEOPLE_WORDS,
    PREPOSITIONS,
    RELATIVES,
    SUBJECT_PRONOUNS,
    SUBORDINATORS,
    Kind,
    Token,
    VerbForm,
    article,
    base_form,
    gerund_form,
    lower_first,
    participle_form,
    past_form,
    split_items,
    tokens,
    verb_tags,
)

__all__ = [
    "ADVERBS",
    "CLAUSE_OPENERS",
    "CONJUNCTIONS",
    "DETERMINERS",
    "Edit",
    "Kind",
    "MODALS",
    "PEOPLE_WORDS",
    "PREPOSITIONS",
    "Person",
    "PhraseShape",
    "Pronouns",
    "RELATIVES",
    "SUBJECT_PRONOUNS",
    "SUBORDINATORS",
    "Token",
    "UNKNOWN",
    "VerbForm",
    "analyse",
    "apply_edits",
    "article",
    "base_form",
    "classes_of_next_is_adverb",
    "gerund_form",
    "infer_pronouns",
    "is_adjunct",
    "lower_first",
    "participle_form",
    "past_form",
    "pronouns_of",
    "second_person",
    "split_items",
    "tokens",
    "verb_rewrite",
    "verb_tags",
]
