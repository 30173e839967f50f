"""letterkit: the formulation and goodbye letters of Dynamic Interpersonal Therapy.

    >>> import letterkit
    >>> letter = letterkit.load("samples/peter-goodbye.yaml")
    >>> markdown = letterkit.render(letter, "md")
    >>> pdf = letterkit.render(letter, "pdf")

Every error is a ``letterkit.LetterkitError``. The library never prints and never touches the
network; it logs through ``logging.getLogger("letterkit")``.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names for type checkers; at run time they load on first use
    from letterkit.api import (
        DEFAULT_OPTIONS,
        FORMATS,
        BatchItem,
        Letter,
        Opened,
        Rendered,
        RenderOptions,
        contributions,
        diff,
        draft_label,
        expand_inputs,
        extract,
        history,
        import_edited,
        load,
        open_letter,
        redact,
        reference,
        render,
        render_batch,
        render_contributions,
        render_letter,
        render_redline,
        save_draft,
        scaffold,
        schema,
        settings_for,
        validate,
        verify_history,
    )
    from letterkit.diffs.core import Change, Diff
    from letterkit.drafts.store import Draft, HistoryError, SaveResult
    from letterkit.errors import (
        LetterFileError,
        LetterkitError,
        LetterNotFoundError,
        LetterValidationError,
        OutputError,
        Problem,
        RenderError,
        SettingsError,
        TemplateError,
    )
    from letterkit.model.schema import Formulation, GoodbyeLetter
    from letterkit.model.settings import Settings, load_settings

_WHERE = {
    "BatchItem": "api",
    "Change": "diffs.core",
    "DEFAULT_OPTIONS": "api",
    "Diff": "diffs.core",
    "Draft": "drafts.store",
    "FORMATS": "api",
    "Formulation": "model.schema",
    "GoodbyeLetter": "model.schema",
    "HistoryError": "drafts.store",
    "Letter": "api",
    "LetterFileError": "errors",
    "LetterNotFoundError": "errors",
    "LetterValidationError": "errors",
    "LetterkitError": "errors",
    "Opened": "api",
    "OutputError": "errors",
    "Problem": "errors",
    "RenderError": "errors",
    "RenderOptions": "api",
    "Rendered": "api",
    "SaveResult": "drafts.store",
    "Settings": "model.settings",
    "SettingsError": "errors",
    "TemplateError": "errors",
    "contributions": "api",
    "diff": "api",
    "draft_label": "api",
    "expand_inputs": "api",
    "extract": "api",
    "history": "api",
    "import_edited": "api",
    "load": "api",
    "load_settings": "model.settings",
    "open_letter": "api",
    "redact": "api",
    "reference": "api",
    "render": "api",
    "render_batch": "api",
    "render_contributions": "api",
    "render_letter": "api",
    "render_redline": "api",
    "save_draft": "api",
    "scaffold": "api",
    "schema": "api",
    "settings_for": "api",
    "validate": "api",
    "verify_history": "api",
}


def __getattr__(name: str) -> Any:
    """Import public names lazily, so that `letterkit --help` and Markdown output start fast."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'letterkit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"letterkit.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "BatchItem",
    "Change",
    "DEFAULT_OPTIONS",
    "Diff",
    "Draft",
    "FORMATS",
    "Formulation",
    "GoodbyeLetter",
    "HistoryError",
    "Letter",
    "LetterFileError",
    "LetterNotFoundError",
    "LetterValidationError",
    "LetterkitError",
    "Opened",
    "OutputError",
    "Problem",
    "RenderError",
    "RenderOptions",
    "Rendered",
    "SaveResult",
    "Settings",
    "SettingsError",
    "TemplateError",
    "contributions",
    "diff",
    "draft_label",
    "expand_inputs",
    "extract",
    "history",
    "import_edited",
    "load",
    "load_settings",
    "open_letter",
    "redact",
    "reference",
    "render",
    "render_batch",
    "render_contributions",
    "render_letter",
    "render_redline",
    "save_draft",
    "scaffold",
    "schema",
    "settings_for",
    "validate",
    "verify_history",
]
