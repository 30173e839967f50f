"""Where letterkit's own files are: templates, styles, fonts and word lists.

Installed, ``templates/`` and ``styles/`` sit inside the package (the wheel puts them there);
in a checkout they sit at the repository's top. Nothing else in letterkit builds these paths.
"""

from __future__ import annotations

from pathlib import Path

from letterkit.errors import TemplateError

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
JARGON_FILE = DATA_DIR / "jargon.txt"


def _data_dir(name: str) -> Path:
    for candidate in (PACKAGE_DIR / name, PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise TemplateError(f"letterkit's {name}/ folder is missing — reinstall letterkit")


def templates_dir() -> Path:
    """The built-in templates (``templates/``)."""
    return _data_dir("templates")


def styles_dir() -> Path:
    """The built-in style sheets and fonts (``styles/``)."""
    return _data_dir("styles")


def fonts_dir() -> Path:
    """The bundled fonts (``styles/fonts/``)."""
    return styles_dir() / "fonts"
