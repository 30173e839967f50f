"""letterkit: the formulation and goodbye letters of Dynamic Interpersonal Therapy.

>>> import letterkit
>>> letter = letterkit.load("samples/peter-goodbye.yaml")
>>> markdown = letterkit.render(letter, "md")
>>> pdf = letterkit.render(letter, "pdf")
"""

from .api import (
    DEFAULT_OPTIONS,
    FORMATS,
    Letter,
    Rendered,
    RenderOptions,
    load,
    render,
    render_letter,
    scaffold,
    schema,
    settings_for,
    validate,
)
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

__all__ = [
    "DEFAULT_OPTIONS",
    "FORMATS",
    "Formulation",
    "GoodbyeLetter",
    "Letter",
    "LetterFileError",
    "LetterNotFoundError",
    "LetterValidationError",
    "LetterkitError",
    "OutputError",
    "Problem",
    "RenderError",
    "RenderOptions",
    "Rendered",
    "Settings",
    "SettingsError",
    "TemplateError",
    "load",
    "load_settings",
    "render",
    "render_letter",
    "scaffold",
    "schema",
    "settings_for",
    "validate",
]
