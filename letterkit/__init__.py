"""letterkit: the formulation and goodbye letters of Dynamic Interpersonal Therapy.

    >>> import letterkit
    >>> letter = letterkit.load("samples/peter-goodbye.yaml")
    >>> markdown = letterkit.render(letter, "md")
    >>> result = letterkit.render_file("samples/peter-goodbye.yaml", letterkit.RenderOptions(format="pdf"))

Every public name is listed in ``__all__``; every error is a ``letterkit.LetterkitError``. The
library never prints and never touches the network; it logs through
``logging.getLogger("letterkit")``. Names load on first use, so that the command line starts fast.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names for type checkers; at run time they load on first use
    from letterkit.api import (
        FORMATS,
        BatchItem,
        CheckReport,
        Comparison,
        ContributionsReport,
        Extracted,
        Imported,
        Letter,
        Opened,
        RedactedFile,
        RenderedFile,
        RenderReport,
        Verification,
        Written,
        check,
        compare,
        contributions,
        contributions_formats,
        contributions_report,
        diff,
        diff_formats,
        draft_label,
        expand_inputs,
        extract,
        extract_file,
        history,
        import_edited,
        import_edits,
        letter_kinds,
        load,
        new_letter,
        open_letter,
        readers,
        redact,
        redact_file,
        reference,
        render,
        render_batch,
        render_contributions,
        render_file,
        render_files,
        render_letter,
        render_redline,
        roles,
        save_draft,
        scaffold,
        schema,
        styles,
        validate,
        verify,
        verify_history,
    )
    from letterkit.diffs.core import (
        Change,
        Diff,
    )
    from letterkit.drafts.attribution import (
        Contributions,
    )
    from letterkit.drafts.store import (
        Draft,
        SaveResult,
    )
    from letterkit.errors import (
        HistoryError,
        LetterFileError,
        LetterkitError,
        LetterNotFoundError,
        LetterValidationError,
        OptionsError,
        OutputError,
        Problem,
        RenderError,
        SettingsError,
        TemplateError,
        UnknownFormatError,
        UnknownKindError,
        UnknownRoleError,
        UnknownStyleError,
        UnsavedChangesError,
    )
    from letterkit.model.kinds import (
        Formulation,
        GoodbyeLetter,
        Kind,
    )
    from letterkit.model.kinds import (
        register as register_kind,
    )
    from letterkit.model.schema import (
        LetterBase,
    )
    from letterkit.model.settings import (
        Settings,
        load_settings,
        settings_for,
    )
    from letterkit.rendering import (
        Rendered,
        Renderer,
    )
    from letterkit.review.check import (
        Finding,
    )
    from letterkit.review.redact import (
        Redaction,
    )
    from letterkit.writers import (
        OutputFormat,
    )
    from letterkit.writers.document import (
        DEFAULT_OPTIONS,
        Marks,
        RenderOptions,
    )

_WHERE: dict[str, tuple[str, str]] = {
    "BatchItem": ("api", "BatchItem"),
    "Change": ("diffs.core", "Change"),
    "CheckReport": ("api", "CheckReport"),
    "Comparison": ("api", "Comparison"),
    "Contributions": ("drafts.attribution", "Contributions"),
    "ContributionsReport": ("api", "ContributionsReport"),
    "DEFAULT_OPTIONS": ("writers.document", "DEFAULT_OPTIONS"),
    "Diff": ("diffs.core", "Diff"),
    "Draft": ("drafts.store", "Draft"),
    "Extracted": ("api", "Extracted"),
    "FORMATS": ("api", "FORMATS"),
    "Finding": ("review.check", "Finding"),
    "Formulation": ("model.kinds", "Formulation"),
    "GoodbyeLetter": ("model.kinds", "GoodbyeLetter"),
    "HistoryError": ("errors", "HistoryError"),
    "Imported": ("api", "Imported"),
    "Kind": ("model.kinds", "Kind"),
    "Letter": ("api", "Letter"),
    "LetterBase": ("model.schema", "LetterBase"),
    "LetterFileError": ("errors", "LetterFileError"),
    "LetterNotFoundError": ("errors", "LetterNotFoundError"),
    "LetterValidationError": ("errors", "LetterValidationError"),
    "LetterkitError": ("errors", "LetterkitError"),
    "Marks": ("writers.document", "Marks"),
    "Opened": ("api", "Opened"),
    "OptionsError": ("errors", "OptionsError"),
    "OutputError": ("errors", "OutputError"),
    "OutputFormat": ("writers", "OutputFormat"),
    "Problem": ("errors", "Problem"),
    "RedactedFile": ("api", "RedactedFile"),
    "Redaction": ("review.redact", "Redaction"),
    "RenderError": ("errors", "RenderError"),
    "RenderOptions": ("writers.document", "RenderOptions"),
    "RenderReport": ("api", "RenderReport"),
    "Rendered": ("rendering", "Rendered"),
    "RenderedFile": ("api", "RenderedFile"),
    "Renderer": ("rendering", "Renderer"),
    "SaveResult": ("drafts.store", "SaveResult"),
    "Settings": ("model.settings", "Settings"),
    "SettingsError": ("errors", "SettingsError"),
    "TemplateError": ("errors", "TemplateError"),
    "UnknownFormatError": ("errors", "UnknownFormatError"),
    "UnknownKindError": ("errors", "UnknownKindError"),
    "UnknownRoleError": ("errors", "UnknownRoleError"),
    "UnknownStyleError": ("errors", "UnknownStyleError"),
    "UnsavedChangesError": ("errors", "UnsavedChangesError"),
    "Verification": ("api", "Verification"),
    "Written": ("api", "Written"),
    "check": ("api", "check"),
    "compare": ("api", "compare"),
    "contributions": ("api", "contributions"),
    "contributions_formats": ("api", "contributions_formats"),
    "contributions_report": ("api", "contributions_report"),
    "diff": ("api", "diff"),
    "diff_formats": ("api", "diff_formats"),
    "draft_label": ("api", "draft_label"),
    "expand_inputs": ("api", "expand_inputs"),
    "extract": ("api", "extract"),
    "extract_file": ("api", "extract_file"),
    "history": ("api", "history"),
    "import_edited": ("api", "import_edited"),
    "import_edits": ("api", "import_edits"),
    "letter_kinds": ("api", "letter_kinds"),
    "load": ("api", "load"),
    "load_settings": ("model.settings", "load_settings"),
    "new_letter": ("api", "new_letter"),
    "open_letter": ("api", "open_letter"),
    "redact": ("api", "redact"),
    "redact_file": ("api", "redact_file"),
    "readers": ("api", "readers"),
    "reference": ("api", "reference"),
    "register_kind": ("model.kinds", "register"),
    "render": ("api", "render"),
    "render_batch": ("api", "render_batch"),
    "render_contributions": ("api", "render_contributions"),
    "render_file": ("api", "render_file"),
    "render_files": ("api", "render_files"),
    "render_letter": ("api", "render_letter"),
    "render_redline": ("api", "render_redline"),
    "roles": ("api", "roles"),
    "save_draft": ("api", "save_draft"),
    "scaffold": ("api", "scaffold"),
    "schema": ("api", "schema"),
    "settings_for": ("model.settings", "settings_for"),
    "styles": ("api", "styles"),
    "validate": ("api", "validate"),
    "verify": ("api", "verify"),
    "verify_history": ("api", "verify_history"),
}


def __getattr__(name: str) -> Any:
    """Import public names lazily, so that the command line and Markdown output start fast."""
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'letterkit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"letterkit.{where[0]}"), where[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "BatchItem",
    "Change",
    "CheckReport",
    "Comparison",
    "Contributions",
    "ContributionsReport",
    "DEFAULT_OPTIONS",
    "Diff",
    "Draft",
    "Extracted",
    "FORMATS",
    "Finding",
    "Formulation",
    "GoodbyeLetter",
    "HistoryError",
    "Imported",
    "Kind",
    "Letter",
    "LetterBase",
    "LetterFileError",
    "LetterNotFoundError",
    "LetterValidationError",
    "LetterkitError",
    "Marks",
    "Opened",
    "OptionsError",
    "OutputError",
    "OutputFormat",
    "Problem",
    "RedactedFile",
    "Redaction",
    "RenderError",
    "RenderOptions",
    "RenderReport",
    "Rendered",
    "RenderedFile",
    "Renderer",
    "SaveResult",
    "Settings",
    "SettingsError",
    "TemplateError",
    "UnknownFormatError",
    "UnknownKindError",
    "UnknownRoleError",
    "UnknownStyleError",
    "UnsavedChangesError",
    "Verification",
    "Written",
    "check",
    "compare",
    "contributions",
    "contributions_formats",
    "contributions_report",
    "diff",
    "diff_formats",
    "draft_label",
    "expand_inputs",
    "extract",
    "extract_file",
    "history",
    "import_edited",
    "import_edits",
    "letter_kinds",
    "load",
    "load_settings",
    "new_letter",
    "open_letter",
    "readers",
    "redact",
    "redact_file",
    "reference",
    "register_kind",
    "render",
    "render_batch",
    "render_contributions",
    "render_file",
    "render_files",
    "render_letter",
    "render_redline",
    "roles",
    "save_draft",
    "scaffold",
    "schema",
    "settings_for",
    "styles",
    "validate",
    "verify",
    "verify_history",
]
