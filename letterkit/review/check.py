"""Check how a letter reads: the checks behind ``letterkit check``.

``check_file(path)`` (or ``check_letter(source, text=...)`` on an already parsed letter) returns
a list of ``Finding``: one thing to look at, located as ``file:line: section: severity: message``,
in order of line. ``measure(text)`` gives the reading figures of any text.
The letter does not have to validate: the checker works on the parsed YAML, so a missing or
empty section is reported here, as an error, rather than stopping the check.

What is checked, in the text the patient reads (``TEXT_FIELDS``; field names are never checked,
nor the notes that are not printed, nor the patient's own words in ``ipaf.imagery``):

- ``missing-section`` (error): a section the document needs is missing or empty — for a
  goodbye letter background, referral, ipaf.self, ipaf.other, coping_strategies,
  course_of_therapy, changes, unfinished_business, ending and transference; for a
  formulation ipaf.self, ipaf.other and goals. Also a missing or unknown ``kind``.
- ``placeholder`` (error): a value is still a scaffold's example text, ``[Full name]``.
- ``duplicate-field`` (error): a field is given twice (only the second would be kept).
- ``reading-age`` (warning): the whole letter reads above age 11 (NHS content guidance aims
  at 9 to 11), or one section with at least 3 sentences reads above age 14; and one ``info``
  finding with the whole letter's figures.
- ``long-sentence`` (warning): a sentence of more than 25 words.
- ``jargon`` (warning): a clinical word from ``letterkit/data/jargon.txt`` (and any lists a
  service adds), with a plain alternative where the list gives one.
- ``third-person`` (warning): "the patient", "the client", the patient's name used as the
  subject of a verb ("Peter feels") or as a possessive ("Peter's"), and he/him/his or
  she/her/hers when ``patient.pronouns`` says those are the patient's pronouns (they/them is
  not flagged: it is far more often about other people).
  A he/she pronoun after another person is mentioned, by name or by relation ("your mother
  often said you were her rock"), is about them and is not flagged; nor is anything the
  patient wrote themselves (from the draft history's attribution, when there is one).
- ``unused-imagery`` (warning): a phrase from ``ipaf.imagery`` that appears nowhere in the
  letter as printed (the letter quotes images its text does not use, so this is rare),
  ignoring case, curly or straight quotes and surrounding punctuation.
- ``notes-style`` (warning; info where letterkit frames the field in a sentence of its
  own): a field that reads as notes rather than sentences to the patient (no verb, starts in
  lower case, no you/your/I/we: two of the three); never for the patient's own words.
- ``double-sign-off`` (warning): the letter signs off twice — a sign-off in the closing that
  the settings' sign-off is printed below, two in the closing, or the therapist's name at
  the end of the closing above the signature.
- ``no-keeping-well`` (info): a goodbye letter with no ``keeping_well`` plan (early signs,
  what helps, who to contact) for staying well after the ending.
- ``no-contact`` (warning): the help box asks the patient to come back but gives no phone
  number, address or email (no letterkit.toml with them, and no ``help.come_back`` of the
  letter's own with one).
- Easy read (``accessibility.format: easy-read``, or ``style="easy-read"``): the sentence
  limit is 15 words, not 25, measured in each section's ``easy_read`` text where it has one;
  ``easy-read-verbs``, ``easy-read-notes`` and ``easy-read-missing`` (warnings) name the
  sentences with more than one verb, the lines typed as notes and the sections with no
  easy-read text yet, and ``easy-read-content`` (warning) counts them over the whole letter
  (``letterkit.review.easy_read``).

Reading figures are counted offline from dictionaries that ship with letterkit's dependencies
(``letterkit.review.readability`` says how). The findings and the JSON report are described in
``letterkit.review.findings``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from letterkit.compose import RenderContext, to_markdown
from letterkit.compose.easy_read import one_line_each, section_of
from letterkit.compose.styling import EASY_READ_WORDS
from letterkit.drafts.attribution import history_contributions
from letterkit.drafts.store import drafts, resolve
from letterkit.errors import LetterkitError
from letterkit.lexicon.jargon import jargon_terms
from letterkit.model.fields import FieldPath
from letterkit.model.loading import Source, decode, load_data, parse, read_text
from letterkit.model.settings import Settings, settings_for
from letterkit.review.contact import no_contact
from letterkit.review.easy_read import easy_read_findings
from letterkit.review.fields import TEXT_FIELDS, Locator, text_fields, value_at
from letterkit.review.findings import FORMAT, VERSION, Finding, Severity, report_json, report_text
from letterkit.review.imagery import unused_imagery
from letterkit.review.jargon_check import jargon
from letterkit.review.keeping_well import no_keeping_well
from letterkit.review.notes_style import notes_style
from letterkit.review.person import patient_of, third_person
from letterkit.review.readability import (
    LETTER_READING_AGE,
    MIN_SENTENCES,
    READING_AGE_OFFSET,
    SECTION_READING_AGE,
    Readability,
    measure,
    reading_age,
)
from letterkit.review.sections import missing_sections
from letterkit.review.sentences import MAX_SENTENCE_WORDS, long_sentences
from letterkit.review.sign_off import double_sign_off

if TYPE_CHECKING:
    from letterkit.drafts.attribution import Contributions
from letterkit.review.unfinished import unfinished

__all__ = [
    "FORMAT",
    "LETTER_READING_AGE",
    "MAX_SENTENCE_WORDS",
    "MIN_SENTENCES",
    "READING_AGE_OFFSET",
    "SECTION_READING_AGE",
    "TEXT_FIELDS",
    "VERSION",
    "Finding",
    "Readability",
    "Severity",
    "check_file",
    "check_letter",
    "measure",
    "report_json",
    "report_text",
]


PatientsOwn = Mapping[FieldPath, Sequence[tuple[int, int]]]
"""Per field path, the spans of its text the patient wrote themselves."""


def check_file(
    path: str | os.PathLike[str],
    jargon_files: Sequence[str | Path] = (),
    *,
    style: str | None = None,
    settings: Settings | None = None,
) -> list[Finding]:
    """Read, parse and check one letter file. It need not be valid.

    The service's settings are the ``letterkit.toml`` beside the letter, unless given; the
    draft history, if the letter has one, tells which words the patient wrote.
    Raises ``LetterFileError`` if the file cannot be read or parsed, and ``SettingsError`` if a
    jargon list (or the settings file) is missing or wrong.
    """
    revision = resolve(os.fspath(path))  # FILE, or a saved draft FILE@N
    name = revision.label
    text = read_text(name) if revision.draft is None else decode(revision.content(), name)
    source = parse(text, name)
    data = source.data if isinstance(source.data, Mapping) else {}
    return check_letter(
        source,
        jargon_files,
        text=text,
        settings=settings or settings_for(revision.file),
        style=style,
        patients_own=patients_own(revision.file, data),
    )


def patients_own(file: str, data: Mapping[str, Any]) -> dict[FieldPath, list[tuple[int, int]]]:
    """The spans of each field's text that the patient wrote, from the letter's draft history
    (empty when it has none)."""
    try:
        if not drafts(file):
            return {}
        credit = history_contributions(file)
    except LetterkitError:
        return {}
    return patients_spans(credit, data)


def patients_spans(credit: Contributions, data: Mapping[str, Any]) -> dict[FieldPath, list[tuple[int, int]]]:
    """The spans of each field's text that the patient wrote, by the credit of its drafts."""
    out: dict[FieldPath, list[tuple[int, int]]] = {}
    for path, runs in credit.fields.items():
        value = value_at(data, path)
        if not isinstance(value, str):
            continue
        same = "".join(text for text, _ in runs) == value
        at = 0
        for text, number in runs:
            if credit.role_of(number) == "patient" and text.strip():
                if same:
                    out.setdefault(path, []).append((at, at + len(text)))
                elif (found := value.find(text.strip())) >= 0:
                    out.setdefault(path, []).append((found, found + len(text.strip())))
            at += len(text)
    return out


def check_letter(
    source: Source,
    jargon_files: Sequence[str | Path] = (),
    *,
    text: str | None = None,
    settings: Settings | None = None,
    style: str | None = None,
    patients_own: PatientsOwn | None = None,
) -> list[Finding]:
    """Check a parsed letter; the findings are in order of line.

    ``text`` is the file's text, if there is one: with it, a finding inside a multi-line
    field points at the exact line; without it, at the field's first line. ``settings`` are
    the service's (``check_file`` reads the letterkit.toml beside the letter; without them,
    ``no-contact`` is not checked); ``style`` overrides the
    letter's ``accessibility.format`` (easy read has its own sentence limit);
    ``patients_own`` are the spans the patient wrote (see ``patients_own``).
    """
    data = source.data if isinstance(source.data, Mapping) else {}
    if isinstance(jargon_files, (str, Path)):
        jargon_files = [jargon_files]
    service = settings
    settings = settings or Settings()
    own = patients_own or {}
    where = Locator(source, text)
    terms = jargon_terms(tuple(str(p) for p in jargon_files))
    fields = text_fields(data)
    patient = patient_of(data)
    easy_read = (style or value_at(data, ("accessibility", "format"))) == "easy-read"
    limit = EASY_READ_WORDS if easy_read else MAX_SENTENCE_WORDS
    findings: list[Finding] = []
    findings += missing_sections(data, where)
    findings += reading_age(fields, where)
    # Easy read prints a section's easy-read text in place of its words: those are measured.
    replaced = _replaced_in_easy_read(data) if easy_read else set()
    for path, value in fields:
        if section_of(path) not in replaced:
            findings += long_sentences(path, value, where, limit, easy_read)
        findings += jargon(path, value, terms, where)
        findings += third_person(path, value, patient, where, own.get(path, ()))
        # The plan for keeping well is lists of short items under headings ("Staying in all
        # day."): phrases there are the form, not notes. Easy-read texts are checked line by line.
        if path[0] not in ("closing", "patient_comments", "referral", "keeping_well", "easy_read"):
            findings += notes_style(path, value, where, patient.called, own.get(path, ()))
    printed = _printed(data, settings)
    findings += unused_imagery(data, fields, where, printed)
    findings += double_sign_off(data, settings, where)
    findings += no_keeping_well(data, where, patient.called)
    if service is not None:  # only a service's settings say whether it can be contacted
        findings += no_contact(data, service, where, patient.called)
    if easy_read:
        printed_easy = [
            one_line_each(value) if path[0] == "easy_read" else value
            for path, value in fields
            if section_of(path) not in replaced
        ]
        findings += easy_read_findings(data, fields, printed_easy, where)
    findings += unfinished(source)
    return sorted(findings, key=lambda f: f.line or 0)


def _printed(data: Mapping[str, Any], settings: Settings) -> str:
    """The letter as printed (Markdown), if it is valid; else nothing."""
    try:
        return to_markdown(RenderContext(load_data(data), settings))
    except (LetterkitError, ValueError):
        return ""


def _replaced_in_easy_read(data: Mapping[str, Any]) -> set[str]:
    """The sections whose words an easy-read letter replaces with their easy-read text."""
    given = data.get("easy_read")
    if not isinstance(given, Mapping):
        return set()
    return {str(k) for k, v in given.items() if isinstance(v, str) and v.strip()}
