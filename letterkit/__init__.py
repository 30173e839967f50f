"""letterkit: the formulation and goodbye letters of Dynamic Interpersonal Therapy.

    >>> import letterkit
    >>> letter = letterkit.load("samples/peter-goodbye.yaml")
    >>> markdown = letterkit.render(letter, "md")
    >>> ws = letterkit.Workspace("samples")
    >>> result = ws.render_file("peter-goodbye.yaml", letterkit.RenderOptions(format="pdf"))

A ``Workspace`` holds a folder (or store) of letters, its settings and one renderer, and has
every workflow as a method; the module-level functions use a shared default one. Every
error is a ``letterkit.LetterkitError``. The library never prints and never touches the
network; it logs through ``logging.getLogger("letterkit")``. Names load on first use, so
that the command line starts fast: ``__all__`` is the one list of public names, and each is
found in the first of ``_HOMES`` that has it (the imports below are for type checkers).
"""

from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from letterkit.accounts import (
        Account as Account,
    )
    from letterkit.accounts import (
        Accounts as Accounts,
    )
    from letterkit.accounts import (
        AuditEntry as AuditEntry,
    )
    from letterkit.accounts import (
        Login as Login,
    )
    from letterkit.accounts import (
        NewAccount as NewAccount,
    )
    from letterkit.accounts import (
        NewLink as NewLink,
    )
    from letterkit.accounts import (
        PasswordLogin as PasswordLogin,
    )
    from letterkit.accounts import (
        PatientLink as PatientLink,
    )
    from letterkit.accounts import (
        acting_as as acting_as,
    )
    from letterkit.api import (
        Letter as Letter,
    )
    from letterkit.api import (
        check as check,
    )
    from letterkit.api import (
        compare as compare,
    )
    from letterkit.api import (
        contributions as contributions,
    )
    from letterkit.api import (
        contributions_report as contributions_report,
    )
    from letterkit.api import (
        default_workspace as default_workspace,
    )
    from letterkit.api import (
        diff as diff,
    )
    from letterkit.api import (
        extract as extract,
    )
    from letterkit.api import (
        extract_file as extract_file,
    )
    from letterkit.api import (
        from_data as from_data,
    )
    from letterkit.api import (
        history as history,
    )
    from letterkit.api import (
        import_edits as import_edits,
    )
    from letterkit.api import (
        letter_version as letter_version,
    )
    from letterkit.api import (
        load as load,
    )
    from letterkit.api import (
        new_letter as new_letter,
    )
    from letterkit.api import (
        open_letter as open_letter,
    )
    from letterkit.api import (
        preview as preview,
    )
    from letterkit.api import (
        read_work as read_work,
    )
    from letterkit.api import (
        redact as redact,
    )
    from letterkit.api import (
        redact_file as redact_file,
    )
    from letterkit.api import (
        render as render,
    )
    from letterkit.api import (
        render_file as render_file,
    )
    from letterkit.api import (
        render_files as render_files,
    )
    from letterkit.api import (
        save_draft as save_draft,
    )
    from letterkit.api import (
        save_work as save_work,
    )
    from letterkit.api import (
        schema as schema,
    )
    from letterkit.api import (
        serve as serve,
    )
    from letterkit.api import (
        validate as validate,
    )
    from letterkit.api import (
        verify as verify,
    )
    from letterkit.diffs.core import (
        Change as Change,
    )
    from letterkit.diffs.core import (
        Diff as Diff,
    )
    from letterkit.drafts.attribution import (
        Contributions as Contributions,
    )
    from letterkit.drafts.store import (
        Draft as Draft,
    )
    from letterkit.drafts.store import (
        SaveResult as SaveResult,
    )
    from letterkit.errors import (
        ConflictError as ConflictError,
    )
    from letterkit.errors import (
        HistoryError as HistoryError,
    )
    from letterkit.errors import (
        HistoryKeyError as HistoryKeyError,
    )
    from letterkit.errors import (
        LetterFileError as LetterFileError,
    )
    from letterkit.errors import (
        LetterkitError as LetterkitError,
    )
    from letterkit.errors import (
        LetterNotFoundError as LetterNotFoundError,
    )
    from letterkit.errors import (
        LetterValidationError as LetterValidationError,
    )
    from letterkit.errors import (
        MarkdownCopyError as MarkdownCopyError,
    )
    from letterkit.errors import (
        MissingExtraError as MissingExtraError,
    )
    from letterkit.errors import (
        OptionsError as OptionsError,
    )
    from letterkit.errors import (
        OutputError as OutputError,
    )
    from letterkit.errors import (
        Problem as Problem,
    )
    from letterkit.errors import (
        RenderError as RenderError,
    )
    from letterkit.errors import (
        SettingsError as SettingsError,
    )
    from letterkit.errors import (
        SignOffError as SignOffError,
    )
    from letterkit.errors import (
        SignOffNeededError as SignOffNeededError,
    )
    from letterkit.errors import (
        TemplateError as TemplateError,
    )
    from letterkit.errors import (
        UnknownBaseError as UnknownBaseError,
    )
    from letterkit.errors import (
        UnknownFormatError as UnknownFormatError,
    )
    from letterkit.errors import (
        UnknownKindError as UnknownKindError,
    )
    from letterkit.errors import (
        UnknownRoleError as UnknownRoleError,
    )
    from letterkit.errors import (
        UnknownStyleError as UnknownStyleError,
    )
    from letterkit.errors import (
        UnsavedChangesError as UnsavedChangesError,
    )
    from letterkit.errors import (
        VersionRequiredError as VersionRequiredError,
    )
    from letterkit.model.kinds import (
        Formulation as Formulation,
    )
    from letterkit.model.kinds import (
        GoodbyeLetter as GoodbyeLetter,
    )
    from letterkit.model.kinds import (
        Kind as Kind,
    )
    from letterkit.model.kinds import (
        register as register_kind,
    )
    from letterkit.model.schema import (
        LetterBase as LetterBase,
    )
    from letterkit.model.settings import (
        Settings as Settings,
    )
    from letterkit.model.settings import (
        load_settings as load_settings,
    )
    from letterkit.model.settings import (
        settings_for as settings_for,
    )
    from letterkit.registries import (
        FORMATS as FORMATS,
    )
    from letterkit.registries import (
        account_roles as account_roles,
    )
    from letterkit.registries import (
        contributions_formats as contributions_formats,
    )
    from letterkit.registries import (
        diff_formats as diff_formats,
    )
    from letterkit.registries import (
        letter_kinds as letter_kinds,
    )
    from letterkit.registries import (
        readers as readers,
    )
    from letterkit.registries import (
        roles as roles,
    )
    from letterkit.registries import (
        styles as styles,
    )
    from letterkit.rendering import (
        Rendered as Rendered,
    )
    from letterkit.rendering import (
        Renderer as Renderer,
    )
    from letterkit.review.check import (
        Finding as Finding,
    )
    from letterkit.review.redact import (
        Kept as Kept,
    )
    from letterkit.review.redact import (
        Redaction as Redaction,
    )
    from letterkit.store import (
        FileStore as FileStore,
    )
    from letterkit.store import (
        PostgresStore as PostgresStore,
    )
    from letterkit.store import (
        Store as Store,
    )
    from letterkit.workspace import (
        Workspace as Workspace,
    )
    from letterkit.workspace.letters import (
        scaffold as scaffold,
    )
    from letterkit.workspace.reports import (
        CheckReport as CheckReport,
    )
    from letterkit.workspace.reports import (
        Comparison as Comparison,
    )
    from letterkit.workspace.reports import (
        ContributionsReport as ContributionsReport,
    )
    from letterkit.workspace.reports import (
        DraftLog as DraftLog,
    )
    from letterkit.workspace.reports import (
        Extracted as Extracted,
    )
    from letterkit.workspace.reports import (
        Imported as Imported,
    )
    from letterkit.workspace.reports import (
        Passage as Passage,
    )
    from letterkit.workspace.reports import (
        Reading as Reading,
    )
    from letterkit.workspace.reports import (
        RedactedFile as RedactedFile,
    )
    from letterkit.workspace.reports import (
        SignOff as SignOff,
    )
    from letterkit.workspace.reports import (
        Summary as Summary,
    )
    from letterkit.workspace.reports import (
        Verification as Verification,
    )
    from letterkit.workspace.reports import (
        Work as Work,
    )
    from letterkit.workspace.reports import (
        Written as Written,
    )
    from letterkit.workspace.results import (
        Opened as Opened,
    )
    from letterkit.workspace.results import (
        RenderedFile as RenderedFile,
    )
    from letterkit.workspace.results import (
        RenderReport as RenderReport,
    )
    from letterkit.writers import (
        OutputFormat as OutputFormat,
    )
    from letterkit.writers.document import (
        DEFAULT_OPTIONS as DEFAULT_OPTIONS,
    )
    from letterkit.writers.document import (
        Marks as Marks,
    )
    from letterkit.writers.document import (
        RenderOptions as RenderOptions,
    )

_HOMES = (
    "letterkit.errors",
    # The command line's names (Workspace, RenderOptions, FORMATS) from their own modules: a
    # command does not load the façade's module-level functions.
    "letterkit.workspace",
    "letterkit.writers.document",
    "letterkit.registries",
    "letterkit.api",
    "letterkit.workspace.letters",
    "letterkit.workspace.results",
    "letterkit.workspace.reports",
    "letterkit.store",
    "letterkit.diffs.core",
    "letterkit.drafts.attribution",
    "letterkit.drafts.store",
    "letterkit.model.kinds",
    "letterkit.model.schema",
    "letterkit.model.settings",
    "letterkit.rendering",
    "letterkit.review.check",
    "letterkit.review.redact",
    "letterkit.writers",
    "letterkit.accounts",
)

_RENAMED = {"register_kind": ("letterkit.model.kinds", "register")}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'letterkit' has no attribute {name!r}")
    import importlib

    if name in _RENAMED:
        home, original = _RENAMED[name]
        value = getattr(importlib.import_module(home), original)
        globals()[name] = value
        return value
    for home in _HOMES:
        module = importlib.import_module(home)
        if name in vars(module) or name in getattr(module, "__all__", ()):
            value = getattr(module, name)  # through the module's own __getattr__ if it loads lazily
            if isinstance(value, ModuleType):
                continue  # a package's submodule (workspace.history), not the public name
            globals()[name] = value
            return value
    raise AttributeError(f"module 'letterkit' has no attribute {name!r}")  # pragma: no cover


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Account",
    "Accounts",
    "AuditEntry",
    "Change",
    "CheckReport",
    "Comparison",
    "ConflictError",
    "Contributions",
    "ContributionsReport",
    "DEFAULT_OPTIONS",
    "Diff",
    "Draft",
    "DraftLog",
    "Extracted",
    "FORMATS",
    "FileStore",
    "Finding",
    "Formulation",
    "GoodbyeLetter",
    "HistoryError",
    "HistoryKeyError",
    "Imported",
    "Kept",
    "Kind",
    "Letter",
    "LetterBase",
    "LetterFileError",
    "LetterNotFoundError",
    "LetterValidationError",
    "LetterkitError",
    "Login",
    "MarkdownCopyError",
    "Marks",
    "MissingExtraError",
    "NewAccount",
    "NewLink",
    "Opened",
    "OptionsError",
    "OutputError",
    "OutputFormat",
    "Passage",
    "PasswordLogin",
    "PatientLink",
    "PostgresStore",
    "Problem",
    "Reading",
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
    "SignOff",
    "SignOffError",
    "SignOffNeededError",
    "Store",
    "Summary",
    "TemplateError",
    "UnknownBaseError",
    "UnknownFormatError",
    "UnknownKindError",
    "UnknownRoleError",
    "UnknownStyleError",
    "UnsavedChangesError",
    "Verification",
    "VersionRequiredError",
    "Work",
    "Workspace",
    "Written",
    "account_roles",
    "acting_as",
    "check",
    "compare",
    "contributions",
    "contributions_formats",
    "contributions_report",
    "default_workspace",
    "diff",
    "diff_formats",
    "extract",
    "extract_file",
    "from_data",
    "history",
    "import_edits",
    "letter_kinds",
    "letter_version",
    "load",
    "load_settings",
    "new_letter",
    "open_letter",
    "preview",
    "read_work",
    "readers",
    "redact",
    "redact_file",
    "register_kind",
    "render",
    "render_file",
    "render_files",
    "roles",
    "save_draft",
    "save_work",
    "scaffold",
    "schema",
    "serve",
    "settings_for",
    "styles",
    "validate",
    "verify",
]
