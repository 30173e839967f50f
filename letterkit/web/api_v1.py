"""The HTTP API under /api/v1: every body typed, every error a problem (RFC 9457).

Each route parses, calls one method of the folder's workspace and answers; routes are plain
``def`` functions, so FastAPI runs them in its thread pool and a slow save never holds up the
event loop. ``{name}`` is a letter file directly inside the served folder, nothing else.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Query, Response
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field

from letterkit import RenderOptions, registries, writers
from letterkit import errors as e
from letterkit.errors import LetterValidationError, Problem, VersionRequiredError
from letterkit.web.site import RENDER_TIMEOUT, NameError_, Site
from letterkit.workspace.reports import Summary, Work

if TYPE_CHECKING:
    LetterInProgress = BaseModel
else:  # the letter's shape with every field optional, built from the schema (FastAPI reads it by name)
    LetterInProgress = registries.letter_in_progress()

Role = Literal["therapist", "patient", "joint", "supervisor"]


class ProblemItem(BaseModel):
    """One thing wrong with a letter, as ``letterkit validate`` says it."""

    file: str
    line: int | None = None
    field: str = Field(description="The field's path, e.g. ipaf.self or changes[2]; empty for the file.")
    message: str

    @classmethod
    def of(cls, problem: Problem) -> ProblemItem:
        return cls(
            file=Path(problem.file).name, line=problem.line, field=problem.path, message=problem.message
        )


class ProblemDetails(BaseModel):
    """An error (RFC 9457), with the letter's problems when there are any."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    problems: list[ProblemItem] = Field(default_factory=list)


class DraftInfo(BaseModel):
    """One saved draft, as ``letterkit draft log`` lists it."""

    number: int
    event: str
    status: str
    role: str
    name: str
    note: str
    time: str
    hash: str
    short: str

    @classmethod
    def of(cls, draft: Any) -> DraftInfo:
        return cls(**{k: v for k, v in draft.to_json().items() if k in cls.model_fields}, short=draft.short)


class LetterSummary(BaseModel):
    """What the caseload shows of one letter (a file that cannot be read still appears)."""

    name: str
    kind: str | None = None
    patient: str | None = None
    status: str | None = None
    drafts: int = 0
    latest: DraftInfo | None = None
    problems: int = Field(0, description="How many problems stop it being a complete letter.")
    preferred_name: str | None = Field(None, description="The name the patient likes to be called.")
    archived: bool = Field(False, description="Put away in the archive (kept, with its history).")

    @classmethod
    def of(cls, item: Summary) -> LetterSummary:
        return cls(
            name=item.name,
            kind=item.kind,
            patient=item.patient,
            status=item.status,
            drafts=item.drafts,
            latest=DraftInfo.of(item.latest) if item.latest else None,
            problems=item.problems,
            preferred_name=item.preferred,
            archived=item.archived,
        )


class LetterList(BaseModel):
    letters: list[LetterSummary]


class LetterDocument(BaseModel):
    """A letter file as data: maybe incomplete; ``problems`` says what is missing or wrong."""

    name: str
    version: str = Field(
        description="Send it back (If-Match) when saving: a changed file is not overwritten."
    )
    letter: dict[str, Any]
    complete: bool
    problems: list[ProblemItem]


class DraftRequest(BaseModel):
    """Record the letter file as its next draft (it must be a complete letter)."""

    author: Role
    author_name: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)
    version: str | None = Field(None, description="The version read; a changed file is refused (409).")


class DraftSaved(BaseModel):
    saved: bool
    message: str
    draft: DraftInfo
    version: str


class SignOffInfo(BaseModel):
    """A supervisor's sign-off of one saved draft, and whether it still holds."""

    number: int
    draft: int
    draft_hash: str
    supervisor: str
    note: str
    time: str
    holds: bool = Field(description="False once a later draft changed more than the status.")
    void: str | None = Field(None, description="Why it no longer holds.")


class DraftList(BaseModel):
    drafts: list[DraftInfo]
    intact: bool = Field(description="False when a saved draft or record was changed or lost.")
    problems: list[str]
    sign_offs: list[SignOffInfo] = Field(
        default_factory=list, description="Supervisors' sign-offs of the drafts, oldest first."
    )


class FindingItem(BaseModel):
    file: str
    line: int | None = None
    section: str
    severity: str
    code: str
    message: str


class CheckResult(BaseModel):
    findings: list[FindingItem]
    errors: int
    warnings: int


class ValidateResult(BaseModel):
    valid: bool
    problems: list[ProblemItem]


PROBLEM = {"model": ProblemDetails, "content": {"application/problem+json": {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {
        "model": ProblemDetails,
        "description": what,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}},
    }
    for code, what in (
        (400, "A name or option that cannot be used"),
        (401, "Not signed in: send Authorization: Bearer TOKEN"),
        (403, "A change signed in by the browser's cookie that did not come from a letterkit page"),
        (404, "No such letter or draft"),
        (409, "The file changed since it was read"),
        (412, "If-None-Match: * and the letter exists already"),
        (428, "Saving an existing letter needs the version read (If-Match)"),
        (413, "The body is over 1 MiB"),
        (
            422,
            "Not a letter at all (wrong types, unknown fields), or incomplete where a letter must be complete",
        ),
    )
}


RENDERING: dict[int | str, dict[str, Any]] = {
    503: {**ERRORS[400], "description": "The letter could not be rendered (or took over 30 seconds)"}
}

ETAG = {
    200: {
        "headers": {
            "ETag": {
                "description": "The letter's version, quoted: send it back as If-Match when saving.",
                "schema": {"type": "string"},
            }
        }
    }
}


READER_HELP = (
    "Who the view is for: the patient's copy speaks to them ('you added …') and names each change "
    "by the section the letter prints it under, in every format"
)


def _binary(formats: tuple[str, ...]) -> dict[int | str, dict[str, Any]]:
    media = {writers.get(f).media_type for f in formats if f in writers.FORMATS} | {
        "text/plain; charset=utf-8"
    }
    media |= {"application/json"} if "json" in formats else set()
    return {
        200: {"content": {m: {"schema": {"type": "string"}} for m in sorted(media)}},
        **ERRORS,
        **RENDERING,
    }


def _pattern(names: tuple[str, ...]) -> str:
    return "^(" + "|".join(names) + ")$"


def _content(content: str | bytes, media: str, filename: str | None = None) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'} if filename else None
    return Response(content, media_type=media, headers=headers)


def document(name: str, work: Work) -> LetterDocument:
    return LetterDocument(
        name=name,
        version=work.version,
        letter=work.data,
        complete=work.complete,
        problems=[ProblemItem.of(p) for p in work.problems],
    )


def router(site: Site) -> APIRouter:
    """The /api/v1 routes for ``site``."""
    # The gate checks the token before any route runs; the dependency only documents it
    # (securitySchemes: bearer, on every operation).
    bearer = HTTPBearer(auto_error=False, description="The token `letterkit serve` prints.")
    r = APIRouter(prefix="/api/v1", responses=ERRORS, dependencies=[Depends(bearer)])
    ws = site.workspace
    formats = registries.FORMATS
    styles = registries.styles()
    diff_formats = registries.diff_formats()
    contribution_formats = registries.contributions_formats()
    readers = registries.readers()

    @r.get("/letters", response_model=LetterList, summary="The letters in the folder")
    def list_letters() -> LetterList:
        return LetterList(letters=[LetterSummary.of(s) for s in ws.summaries(archived=None)])

    @r.get(
        "/letters/{name}",
        response_model=LetterDocument,
        summary="A letter as JSON, with its problems",
        responses=ETAG,  # type: ignore[arg-type]
    )
    def get_letter(name: str, response: Response) -> LetterDocument:
        work = ws.read_work(site.name(name))
        response.headers["ETag"] = f'"{work.version}"'
        return document(name, work)

    @r.put(
        "/letters/{name}",
        response_model=LetterDocument,
        summary="Write a letter (work in progress too)",
        responses=ETAG,  # type: ignore[arg-type]
        description="Writes the letter file in its own format (YAML keeps its comments), even when "
        "it is incomplete; the answer lists what is missing. Send the version you read as "
        "If-Match: a file changed since is not overwritten (409). Without If-Match the PUT only "
        "creates: a letter that exists already is left alone (428; 412 with If-None-Match: *). "
        "422 for a body that is not a letter at all.",
    )
    def put_letter(
        name: str,
        response: Response,
        letter: LetterInProgress = Body(...),  # noqa: B008
        if_match: str | None = Header(None),  # noqa: B008
        if_none_match: str | None = Header(  # noqa: B008
            None,
            pattern=r"^\*$",
            description="`*`: create the letter only if it does not exist yet (else 412).",
        ),
    ) -> LetterDocument:
        version = if_match.removeprefix("W/").strip().strip('"') if if_match else None
        data = letter.model_dump(by_alias=True, exclude_unset=True, mode="json")
        create = version is None
        required = create and if_none_match is None
        work = ws.save_work(site.name(name), data, version, version_required=required, create=create)
        response.headers["ETag"] = f'"{work.version}"'
        return document(name, work)

    @r.get("/letters/{name}/drafts", response_model=DraftList, summary="The saved drafts, oldest first")
    def list_drafts(name: str) -> DraftList:
        check = ws.verify(site.name(name))
        return DraftList(
            drafts=[DraftInfo.of(d) for d in ws.history(name)],
            intact=not check.problems,
            problems=[site.relative(p) for p in check.problems],
            sign_offs=[SignOffInfo(**s.to_json()) for s in ws.attestations(site.name(name))],
        )

    @r.post(
        "/letters/{name}/drafts", response_model=DraftSaved, summary="Record the letter as its next draft"
    )
    def post_draft(name: str, request_body: DraftRequest) -> DraftSaved:
        body = request_body
        result = ws.save_draft(
            site.name(name), body.author, body.author_name, body.note, version=body.version
        )
        return DraftSaved(
            saved=result.saved,
            message=result.message,
            draft=DraftInfo.of(result.draft),
            version=ws.version(name),
        )

    @r.get(
        "/letters/{name}/render",
        summary="The letter (or a saved draft) in any format",
        responses=_binary(formats),
    )
    def render_letter(
        name: str,
        format: str = Query("html", pattern=_pattern(formats)),
        rev: str | None = Query(None, max_length=64),
        style: str | None = Query(None, pattern=_pattern(styles)),
        archive: bool = False,
    ) -> Response:
        options = RenderOptions(format=format, style=style, archive=archive, timeout=RENDER_TIMEOUT)
        rendered = ws.render_file(site.spec(name, rev), options, "-").rendered
        assert rendered is not None
        stem = Path(name).stem + (f"-draft{rev}" if rev else "")
        binary = isinstance(rendered.content, bytes)
        return _content(rendered.content, rendered.media_type, stem + rendered.suffix if binary else None)

    @r.get("/letters/{name}/diff", summary="What changed between two drafts", responses=_binary(diff_formats))
    def diff_letter(
        name: str,
        a: str = Query(..., max_length=64, description="A draft: its number, latest, or its hash."),
        b: str = Query("latest", max_length=64),
        format: str = Query("json", pattern=_pattern(diff_formats)),
        reader: str = Query(readers[0], pattern=_pattern(readers), description=READER_HELP),
    ) -> Response:
        first, second = site.spec(name, a), site.spec(name, b)
        return _view(
            lambda out: _named(site, ws.compare(first, second, format, out, reader=reader).content),
            format,
            Path(name).stem + ".redline",
        )

    @r.get(
        "/letters/{name}/contributions",
        summary="Who wrote which words",
        responses=_binary(contribution_formats),
    )
    def contributions(
        name: str,
        format: str = Query("json", pattern=_pattern(contribution_formats)),
        reader: str = Query(readers[0], pattern=_pattern(readers), description=READER_HELP),
    ) -> Response:
        letter = site.name(name)
        return _view(
            lambda out: _named(site, ws.contributions_report(letter, format, out, reader=reader).content),
            format,
            Path(name).stem + ".contributions",
        )

    @r.get("/letters/{name}/check", response_model=CheckResult, summary="How the letter reads")
    def check(name: str) -> CheckResult:
        data = json.loads(ws.check([site.name(name)], format="json").content)
        for finding in data["findings"]:
            finding["file"] = Path(finding["file"]).name
        return CheckResult(**{k: data[k] for k in ("findings", "errors", "warnings")})

    @r.post("/render", summary="Render a letter sent as JSON (nothing is stored)", responses=_binary(formats))
    def render_posted(
        letter: LetterInProgress = Body(...),  # noqa: B008
        format: str = Query("html", pattern=_pattern(formats)),
        style: str | None = Query(None, pattern=_pattern(styles)),
    ) -> Response:
        valid = ws.from_data(letter.model_dump(by_alias=True, exclude_unset=True, mode="json"))
        rendered = ws.render(valid, RenderOptions(format=format, style=style, timeout=RENDER_TIMEOUT))
        binary = isinstance(rendered.content, bytes)
        return _content(rendered.content, rendered.media_type, "letter" + rendered.suffix if binary else None)

    @r.post("/validate", response_model=ValidateResult, summary="Check a letter sent as JSON")
    def validate_posted(letter: LetterInProgress = Body(...)) -> ValidateResult:  # noqa: B008
        found = ws.problems(letter.model_dump(by_alias=True, exclude_unset=True, mode="json"))
        return ValidateResult(valid=not found, problems=[ProblemItem.of(p) for p in found])

    return r


def _named(site: Site, content: str | bytes) -> str | bytes:
    return site.relative(content) if isinstance(content, str) else content


def _view(make: Any, format: str, stem: str) -> Response:
    """A report in ``format``; a file format is made in a private temporary folder, not beside the letter."""
    if format in ("json",):
        return Response(make(None), media_type="application/json")
    if format == "text":
        return Response(make(None), media_type="text/plain; charset=utf-8")
    output = writers.get(format)
    if not output.binary:
        return Response(make(None), media_type=output.media_type)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / ("view" + output.suffix)
        make(out)
        data = out.read_bytes()
    return _content(data, output.media_type, stem + output.suffix)


def problem_of(error: Exception) -> ProblemDetails:
    """The problem document for an error raised while answering a request."""
    status, title = 400, "Cannot do that"
    problems: list[ProblemItem] = []
    detail = str(error)
    if isinstance(error, VersionRequiredError):
        status, title = 428, "Which version?"
    elif isinstance(error, e.AlreadyExistsError):
        status, title = 412, "Already exists"
    elif isinstance(error, NameError_):
        status, title = 404, "No such letter"
    elif isinstance(error, e.NoSuchDraftError):
        status, title = 404, "No such draft"
    elif isinstance(error, e.LetterNotFoundError):
        status, title = 404, "No such letter"
        detail = Path(error.problem.file).name + ": " + error.problem.message
    elif isinstance(error, LetterValidationError):
        status, title = 422, "The letter is not complete"
        problems = [ProblemItem.of(p) for p in error.problems]
        detail = f"{len(problems)} problem{'s' if len(problems) != 1 else ''} to fix"
    elif isinstance(error, e.LetterFileError):
        status, title = 422, "The letter file cannot be read"
        problems = [ProblemItem.of(error.problem)]
        detail = problems[0].message
    elif isinstance(error, e.ConflictError):
        status, title = 409, "Changed somewhere else"
    elif isinstance(error, e.SignOffNeededError):
        status, title = 409, "Needs a supervisor's sign-off"
    elif isinstance(error, e.HistoryError):
        status, title = 409, "The draft history says no"
    elif isinstance(error, e.RenderError):
        status, title = 503, "The letter could not be rendered"
    elif isinstance(error, e.OutputError):
        status, title = 500, "Could not write the file"
    return ProblemDetails(title=title, status=status, detail=_names_only(detail), problems=problems)


def _names_only(text: str) -> str:
    """The message with the served folder's path taken out of it: names only."""
    import re

    return re.sub(r"(?:/[^\s:'\"]+)+/([^/\s:'\"]+)", r"\1", text)
