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
- ``reading-age-unavailable`` (warning): the figures could not be measured without the
  network (see below), so they are left out.
- ``long-sentence`` (warning): a sentence of more than 25 words.
- ``jargon`` (warning): a clinical word from ``letterkit/data/jargon.txt`` (and any lists a
  service adds), with a plain alternative where the list gives one.
- ``third-person`` (warning): "the patient", "the client", the patient's name used as the
  subject of a verb ("Peter feels") or as a possessive ("Peter's"), and he/him/his or
  she/her/hers when ``patient.pronouns`` says those are the patient's pronouns (they/them is
  not flagged: it is far more often about other people).
- ``unused-imagery`` (warning): a phrase from ``ipaf.imagery`` that appears nowhere in the
  letter's text, ignoring case, curly or straight quotes and surrounding punctuation.

Reading figures come from textstat, which never touches the network here
(``letterkit.review.readability`` says how). The findings and the JSON report are described in
``letterkit.review.findings``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from letterkit.model.loading import Source, parse, read_text
from letterkit.review.fields import TEXT_FIELDS, Locator, text_fields
from letterkit.review.findings import FORMAT, VERSION, Finding, Severity, report_json, report_text
from letterkit.review.imagery import unused_imagery
from letterkit.review.jargon import glossary, jargon_terms
from letterkit.review.jargon_check import jargon
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
    "glossary",
    "measure",
    "report_json",
    "report_text",
]


def check_file(path: str | os.PathLike[str], jargon_files: Sequence[str | Path] = ()) -> list[Finding]:
    """Read, parse and check one letter file. It need not be valid.

    Raises ``LetterFileError`` if the file cannot be read or parsed, and ``SettingsError`` if a
    jargon list is missing or wrong.
    """
    from letterkit.drafts.store import resolve
    from letterkit.model.loading import decode

    revision = resolve(os.fspath(path))  # FILE, or a saved draft FILE@N
    name = revision.label
    text = read_text(name) if revision.draft is None else decode(revision.content(), name)
    return check_letter(parse(text, name), jargon_files, text=text)


def check_letter(
    source: Source, jargon_files: Sequence[str | Path] = (), *, text: str | None = None
) -> list[Finding]:
    """Check a parsed letter; the findings are in order of line.

    ``text`` is the file's text, if there is one: with it, a finding inside a multi-line
    field points at the exact line; without it, at the field's first line.
    """
    data = source.data if isinstance(source.data, Mapping) else {}
    if isinstance(jargon_files, (str, Path)):
        jargon_files = [jargon_files]
    where = Locator(source, text)
    terms = jargon_terms(tuple(str(p) for p in jargon_files))
    fields = text_fields(data)
    patient = patient_of(data)
    findings: list[Finding] = []
    findings += missing_sections(data, where)
    findings += reading_age(fields, where)
    for path, value in fields:
        findings += long_sentences(path, value, where)
        findings += jargon(path, value, terms, where)
        findings += third_person(path, value, patient, where)
    findings += unused_imagery(data, fields, where)
    findings += unfinished(source)
    return sorted(findings, key=lambda f: f.line or 0)
