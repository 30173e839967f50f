"""The letter as a FHIR R4B document: a Bundle holding a Composition and the printed PDF.

The bundle's entries, in order: the ``Composition`` (one section per section of the letter as
printed, its heading the title and its XHTML the narrative; the greeting before the first
heading and the sign-off after the last are sections without a title), the ``Patient`` and the
``Practitioner`` it names (by name only: letterkit invents no identifiers), a ``Practitioner``
for each supervisor who signed off a draft, a ``DocumentReference`` carrying the PDF, and, for
a letter with saved drafts, a ``Provenance`` for each draft up to the one rendered: its target
the Composition (named by the draft's number and reference), its ``author`` agent who saved
it, and a ``verifier`` agent for each supervisor who signed it off. A sign-off that holds for
the version rendered (nothing but the status changed since) is the Composition's
``attester``, in ``professional`` mode: the supervisor vouches for the letter in their
professional capacity (``legal`` would say they took legal responsibility for it). The letterhead, the date line and the draft marking are
not copied into the narrative: the record has them as the author, ``date`` and ``status``.

FHIR narrative allows only basic XHTML, so the print HTML is rewritten: ``<section>``,
``<main>``, ``<aside>`` and ``<figure>`` become ``<div>``, the pattern diagram becomes its text
alternative, attributes outside FHIR's list go, and anything else FHIR forbids is dropped with
a warning. Every ``fullUrl`` is a UUID derived from the letter as rendered, so the same letter
gives the same bytes.

This is the only module that imports fhir.resources.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from letterkit import writers
from letterkit.errors import RenderError
from letterkit.model import kinds
from letterkit.writers.document import Document
from letterkit.writers.history import DraftHistory

if TYPE_CHECKING:
    from collections.abc import Callable

    from fhir.resources.R4B.bundle import BundleEntry
    from fhir.resources.R4B.composition import CompositionAttester, CompositionSection
    from fhir.resources.R4B.reference import Reference

XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"

NARRATIVE_ELEMENTS = frozenset(
    "p br div h1 h2 h3 h4 h5 h6 a span b em i strong small big tt dfn q var abbr acronym cite "
    "blockquote hr address bdo kbd sub sup ul ol li dl dt dd pre table caption colgroup col thead "
    "tr tfoot tbody th td code samp img map area".split()
)
"""The elements FHIR narrative allows (the HL7 validator's list)."""

_RENAMED = {
    "section": "div",
    "main": "div",
    "aside": "div",
    "article": "div",
    "header": "div",
    "footer": "div",
    "nav": "div",
    "figure": "div",
    "figcaption": "div",
    "mark": "span",
    "ins": "span",
}
"""Elements FHIR forbids whose content is still the letter's: kept under an allowed name."""

_DROPPED = frozenset(
    "script style template noscript iframe object embed math head title meta link form input "
    "button select textarea canvas video audio del".split()
)
"""Elements dropped with everything inside them."""

_ATTRIBUTES = {"class", "title", "lang", "dir"}
_ELEMENT_ATTRIBUTES = {
    "a": {"href"},
    "th": {"colspan", "rowspan", "scope", "abbr"},
    "td": {"colspan", "rowspan", "headers"},
}
_LINK_SCHEMES = ("https:", "mailto:")
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://letterkit.invalid/fhir")
_STATUS = {"draft": "preliminary", "agreed": "preliminary", "final": "final"}
"""The Composition's status for the letter's: preliminary until the letter is final."""
ATTESTATION_MODE = "professional"
"""How a supervisor's sign-off attests the letter (FHIR's composition-attestation-mode)."""
_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
_DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"


# --------------------------------------------------------------------------- the printed HTML


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Element | str] = field(default_factory=list)

    def elements(self) -> list[_Element]:
        return [child for child in self.children if isinstance(child, _Element)]

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def find(self, tag: str) -> _Element | None:
        for child in self.elements():
            if child.tag == tag:
                return child
            found = child.find(tag)
            if found is not None:
                return found
        return None


class _TreeBuilder(HTMLParser):
    """The letter's HTML as a tree (letterkit's own markup: every element is closed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("#document")
        self._open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self._open[-1].children.append(element)
        if tag not in _VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open[-1].children.append(_Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


def _parse(page: str) -> _Element:
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


@dataclass(frozen=True)
class _Part:
    """One section of the letter: its heading as printed (None for the greeting and sign-off)
    and its content as FHIR narrative XHTML (a ``<div>`` in the XHTML namespace)."""

    title: str | None
    xhtml: str


def _titled(element: _Element) -> tuple[str | None, list[_Element | str]]:
    """An element's ``<h2>`` heading, if it starts with one, and what follows the heading."""
    first = next(iter(element.elements()), None)
    if first is None or first.tag != "h2":
        return None, element.children
    rest = element.children[element.children.index(first) + 1 :]
    # The heading's words, not an easy-read picture's text alternative drawn beside them.
    words = "".join(c if isinstance(c, str) else c.text() for c in first.children if not _is_svg(c))
    return " ".join(words.split()), rest


def _is_svg(node: _Element | str) -> bool:
    return isinstance(node, _Element) and node.tag == "svg"


def _parts(page: _Element, warnings: list[str] | None = None) -> list[_Part]:
    """The letter's sections, in order, from its HTML page (as ``_parse`` reads it).

    A section is an element of the letter's body (or the help box after it) that starts with
    an ``<h2>``; content between sections (the greeting, the sign-off) becomes an untitled part.
    Anything FHIR narrative forbids and letterkit cannot convert is reported in ``warnings``.
    """
    body = page.find("body")
    if body is None:
        raise RenderError("cannot make the FHIR record: the letter's HTML has no body")
    dropped: list[str] = []
    found: list[_Part] = []

    def add(title: str | None, content: list[_Element | str]) -> None:
        xhtml = _narrative(content, dropped)
        if xhtml is None and title is not None:
            # A heading with nothing under it (a service's own template): FHIR wants some text
            # in every section, and the heading is what was printed.
            xhtml = _narrative([_Element("h2", children=[title])], dropped)
        if xhtml is not None:
            found.append(_Part(title, xhtml))

    main = body.find("main")
    loose: list[_Element | str] = []
    for child in main.children if main is not None else []:
        title, content = _titled(child) if isinstance(child, _Element) else (None, [])
        if title is None:
            loose.append(child)
        else:
            add(None, loose)
            loose = []
            add(title, content)
    add(None, loose)
    for child in body.elements():
        if child.tag == "aside" and "help" in child.attrs.get("class", "").split():
            add(*_titled(child))
    if warnings is not None:
        warnings.extend(
            f"left {what} out of the FHIR record: FHIR narrative allows only basic XHTML"
            for what in dict.fromkeys(dropped)
        )
    return found


def _narrative(content: list[_Element | str], dropped: list[str]) -> str | None:
    """``content`` as a FHIR narrative ``<div>``; None when it holds no text."""
    div = (
        f'<div xmlns="{XHTML_NAMESPACE}">'
        + "".join(_xhtml(node, dropped) for node in content).strip()
        + "</div>"
    )
    # Well-formed, or a bug here: fail rather than put bad XHTML in a record.
    if not "".join(ElementTree.fromstring(div).itertext()).strip():
        return None
    return div


def _xhtml(node: _Element | str, dropped: list[str]) -> str:
    if isinstance(node, str):
        text = _NOT_XML.sub("", node)
        if text != node:
            dropped.append("characters that XML cannot hold")
        return html.escape(text, quote=False)
    if node.tag == "svg":
        alternative = next((el for el in node.elements() if el.tag in ("title", "desc")), None)
        if alternative is None:
            dropped.append("a picture with no text alternative")
            return ""
        label = html.escape(node.attrs.get("class", "figure"), quote=True)
        return f'<span class="{label}">{_xhtml(alternative.text(), dropped)}</span>'
    if node.tag in _DROPPED:
        dropped.append(f"<{node.tag}>")
        return ""
    inner = "".join(_xhtml(child, dropped) for child in node.children)
    tag = _RENAMED.get(node.tag, node.tag)
    if tag not in NARRATIVE_ELEMENTS:
        dropped.append(f"the <{node.tag}> markup (its text is kept)")
        return inner
    attrs = ""
    for name, value in node.attrs.items():
        if name not in _ATTRIBUTES | _ELEMENT_ATTRIBUTES.get(tag, set()):
            continue
        if name == "href" and not value.strip().lower().startswith(_LINK_SCHEMES):
            continue
        attrs += f' {name}="{html.escape(_NOT_XML.sub("", value), quote=True)}"'
    if tag in _VOID:
        return f"<{tag}{attrs}/>"
    return f"<{tag}{attrs}>{inner}</{tag}>"


# --------------------------------------------------------------------------- the bundle


def _printed(document: Document) -> bytes:
    """The letter as the PDF writer prints it, composed from this document's print HTML."""
    pdf_format = writers.get(writers.PDF)
    same_html = pdf_format.for_print == document.format.for_print
    pdf_document = dataclasses.replace(
        document,
        options=document.options.model_copy(update={"format": pdf_format.name}),
        _html=document.html() if same_html else None,
        _lock=threading.Lock(),
    )
    pdf = pdf_format.writer()(pdf_document)
    assert isinstance(pdf, bytes)
    return pdf


def _date(document: Document) -> str:
    when = document.letter.date
    if when is None:
        raise RenderError("a FHIR record needs the letter's date: add it to the letter as date: YYYY-MM-DD")
    return when if isinstance(when, str) else str(when.isoformat())


def _section(part: _Part) -> CompositionSection:
    from fhir.resources.R4B.composition import CompositionSection
    from fhir.resources.R4B.narrative import Narrative

    return CompositionSection(title=part.title, text=Narrative(status="generated", div=part.xhtml))


def write(document: Document) -> str:
    """The letter as a FHIR R4B document Bundle, in JSON."""
    from fhir.resources.R4B.attachment import Attachment
    from fhir.resources.R4B.bundle import Bundle, BundleEntry
    from fhir.resources.R4B.codeableconcept import CodeableConcept
    from fhir.resources.R4B.composition import Composition
    from fhir.resources.R4B.documentreference import (
        DocumentReference,
        DocumentReferenceContent,
        DocumentReferenceContext,
    )
    from fhir.resources.R4B.humanname import HumanName
    from fhir.resources.R4B.identifier import Identifier
    from fhir.resources.R4B.patient import Patient
    from fhir.resources.R4B.practitioner import Practitioner
    from fhir.resources.R4B.reference import Reference

    letter = document.letter
    date = _date(document)
    kind = kinds.get(letter.kind)
    page = document.html()
    tree = _parse(page)
    html_element = tree.find("html")
    language = html_element.attrs.get("lang") if html_element is not None else None
    sections = _parts(tree, document.warnings)
    pdf = _printed(document)

    seed = hashlib.sha256(
        json.dumps(letter.model_dump(mode="json"), sort_keys=True).encode() + b"\0" + page.encode()
    ).hexdigest()

    def urn(role: str) -> str:
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{seed}/{role}')}"

    patient_name = [HumanName(text=letter.patient.name)]
    if letter.patient.preferred_name and letter.patient.preferred_name != letter.patient.name:
        patient_name.append(HumanName(use="usual", text=letter.patient.preferred_name))
    patient = Patient(name=patient_name)
    practitioner = Practitioner(name=[HumanName(text=letter.therapist.name)])
    subject = Reference(reference=urn("patient"), display=letter.patient.name)
    author = Reference(reference=urn("practitioner"), display=letter.therapist.name)
    kind_type = CodeableConcept(text=kind.title)
    composition_status = _STATUS[letter.status]

    history = document.history
    supervisors = _supervisors(history)

    def someone(role: str, name: str) -> Reference:
        """Who saved a draft, as a reference to the bundle's entry for them where it has one."""
        if role == "patient" and name in ("", letter.patient.name, letter.patient.preferred_name):
            return subject
        if role == "therapist" and name in ("", letter.therapist.name):
            return author
        if name in supervisors:
            return Reference(reference=urn(f"supervisor/{name}"), display=name)
        return Reference(display=f"{name} ({role})" if name else f"the {role}")

    composition = Composition(
        language=language,
        status=composition_status,
        type=kind_type,
        subject=subject,
        date=date,
        author=[author],
        title=kind.title,
        attester=_attesters(history, someone) or None,
        section=[_section(part) for part in sections],
    )
    document_reference = DocumentReference(
        status="current",
        docStatus=composition_status,
        type=kind_type,
        subject=subject,
        author=[author],
        description=f"{kind.title} as printed (PDF)",
        content=[
            DocumentReferenceContent(
                attachment=Attachment(
                    contentType="application/pdf",
                    language=language,
                    data=base64.b64encode(pdf).decode("ascii"),
                    size=len(pdf),
                    hash=base64.b64encode(hashlib.sha1(pdf, usedforsecurity=False).digest()).decode("ascii"),
                    title=f"{kind.title}: {letter.patient.name}",
                    creation=date,
                )
            )
        ],
        context=DocumentReferenceContext(related=[Reference(reference=urn("composition"))]),
    )
    bundle = Bundle(
        identifier=Identifier(system="urn:ietf:rfc:3986", value=urn("bundle")),
        type="document",
        timestamp=document.letter_time(),
        entry=[
            BundleEntry(fullUrl=urn("composition"), resource=composition),
            BundleEntry(fullUrl=urn("patient"), resource=patient),
            BundleEntry(fullUrl=urn("practitioner"), resource=practitioner),
            *(
                BundleEntry(
                    fullUrl=urn(f"supervisor/{name}"), resource=Practitioner(name=[HumanName(text=name)])
                )
                for name in supervisors
            ),
            BundleEntry(fullUrl=urn("document-reference"), resource=document_reference),
            *_provenances(history, Reference(reference=urn("composition")), someone, urn),
        ],
    )
    return bundle.model_dump_json(indent=2) + "\n"


# --------------------------------------------------------------------------- who saved and signed off


def _supervisors(history: DraftHistory | None) -> list[str]:
    """Everyone who signed off a draft (or the version rendered), in order, once each."""
    if history is None:
        return []
    names = [s.supervisor for d in history.drafts for s in d.signed_off]
    return list(dict.fromkeys([*names, *(s.supervisor for s in history.attested)]))


def _attesters(
    history: DraftHistory | None, someone: Callable[[str, str], Reference]
) -> list[CompositionAttester]:
    from fhir.resources.R4B.composition import CompositionAttester

    if history is None:
        return []
    return [
        CompositionAttester(mode=ATTESTATION_MODE, time=s.time, party=someone("supervisor", s.supervisor))
        for s in history.attested
    ]


def _provenances(
    history: DraftHistory | None,
    composition: Reference,
    someone: Callable[[str, str], Reference],
    urn: Callable[[str], str],
) -> list[BundleEntry]:
    """A Provenance for each saved draft: the Composition as that draft, who saved it, and who
    signed it off."""
    from fhir.resources.R4B.bundle import BundleEntry
    from fhir.resources.R4B.codeableconcept import CodeableConcept
    from fhir.resources.R4B.coding import Coding
    from fhir.resources.R4B.provenance import Provenance, ProvenanceAgent
    from fhir.resources.R4B.reference import Reference

    def agent(kind: str, who: Reference) -> ProvenanceAgent:
        coding = Coding(system=_PARTICIPANT, code=kind, display=kind.capitalize())
        return ProvenanceAgent(type=CodeableConcept(coding=[coding]), who=who)

    entries = []
    for draft in history.drafts if history is not None else ():
        operation = "CREATE" if draft.number == 1 else "UPDATE"
        what = f"status set to {draft.status}" if draft.event == "status" else "saved"
        provenance = Provenance(
            target=[
                Reference(
                    reference=composition.reference, display=f"Draft {draft.number} (ref {draft.hash[:8]})"
                )
            ],
            occurredDateTime=draft.time,
            recorded=draft.time,
            activity=CodeableConcept(
                coding=[Coding(system=_DATA_OPERATION, code=operation, display=operation.lower())],
                text=f"Draft {draft.number} {what}",
            ),
            agent=[
                agent("author", someone(draft.role, draft.name)),
                *(agent("verifier", someone("supervisor", s.supervisor)) for s in draft.signed_off),
            ],
        )
        entries.append(BundleEntry(fullUrl=urn(f"provenance/{draft.number}"), resource=provenance))
    return entries
