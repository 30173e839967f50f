"""letterkit: the formulation and goodbye letters of Dynamic Interpersonal Therapy.

    >>> import letterkit
    >>> letter = letterkit.load("samples/peter-goodbye.yaml")
    >>> markdown = letterkit.render(letter, "md")
    >>> pdf = letterkit.render(letter, "pdf")

Every error is a ``letterkit.LetterkitError``. The library never prints and never touches the
network; it logs through ``logging.getLogger("letterkit")``.
"""

from .api import (
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
from .diffing import Change, Diff
from .errors import (
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
from .models import Formulation, GoodbyeLetter
from .settings import Settings, load_settings
from .store import Draft, HistoryError, SaveResult

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
