"""A service's settings: its letterhead, sign-off and 'where to find help' wording.

Read from ``--settings FILE``, else ``letterkit.toml`` beside the letter; without either, the
letterhead is just the therapist's service and the help block uses the defaults below.
"""

# No ``from __future__ import annotations`` here: Pydantic takes these models' annotations as
# objects instead of evaluating each as text, so the models build faster on every start.
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from letterkit.errors import SettingsError
from letterkit.files import read_bytes
from letterkit.model.schema import no_items

SETTINGS_NAME = "letterkit.toml"
MAX_SETTINGS = 1024 * 1024
"""Largest settings file read (a real one is a few hundred bytes)."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Service(_Section):
    name: str | None = Field(None, description="The service's name, at the top of every letter.")
    address: list[str] = Field(default_factory=no_items, description="Address lines.")
    phone: str | None = None
    email: str | None = None
    website: str | None = None


class HelpText(_Section):
    gp: str = Field(
        "Your GP is a good first person to talk to if you notice your low mood coming back.",
        description="How to reach the GP.",
    )
    urgent: str = Field(
        "If you need help urgently for your mental health, call NHS 111 and choose option 2, "
        "at any time of day or night. In an emergency, call 999.",
        description="Urgent mental-health help.",
    )
    samaritans: str = Field(
        "Samaritans are there to listen, day or night. Call them free on 116 123.",
        description="A listening line.",
    )
    come_back: str | None = Field(
        None,
        description="How to come back to the service. By default this names the service "
        "and its phone number.",
    )


def _no_files() -> dict[str, str]:
    """No files (a function, not ``dict``: see ``schema.no_items``)."""
    return {}


class Settings(_Section):
    """Everything a service can set without forking the templates."""

    service: Service = Field(default_factory=Service)
    sign_off: str = Field("With warm wishes,", description="The words above the signature.")
    help: HelpText = Field(default_factory=HelpText)
    supervised: bool = Field(
        False,
        description="Every letter needs a supervisor's sign-off of its latest draft before it can "
        "be final (a trainee's letters): `letterkit draft sign-off`.",
    )
    files: dict[str, str] = Field(
        default_factory=_no_files,
        description="Files a template may use, by name (e.g. logo = 'logo.png'). Nothing "
        "else on disk can reach a letter.",
    )


def load_settings(path: str | os.PathLike[str]) -> Settings:
    """Read a service settings file (TOML)."""
    import tomllib

    name = os.fspath(path)
    try:
        raw = tomllib.loads(read_bytes(name, what="settings file", max_bytes=MAX_SETTINGS).decode("utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"{name}: no such settings file") from None
    except IsADirectoryError:
        raise SettingsError(f"{name}: is a folder, not a settings file") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{name}: cannot be read: it is not UTF-8 text — save it as UTF-8") from None
    except OSError as error:
        raise SettingsError(f"{name}: cannot be read: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{name}: is not valid TOML: {error}") from None
    from pydantic import ValidationError

    try:
        settings = Settings.model_validate(raw)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SettingsError(f"{name}: {where}: {first['msg'].lower()}") from None
    base = Path(name).resolve().parent
    files = {}
    for key, value in settings.files.items():
        # The real path, links resolved, must stay inside the settings file's folder, so that
        # a settings file (or a link beside it) cannot hand a letter any file on the disk.
        real = (base / value).resolve()
        if not real.is_relative_to(base):
            raise SettingsError(
                f"{name}: files.{key}: {value!r} is outside the settings file's folder "
                f"({base}); keep the files a letter uses in that folder"
            )
        files[key] = str(real)
    return settings.model_copy(update={"files": files})


def settings_for(letter_path: str | os.PathLike[str] | None, explicit: str | None = None) -> Settings:
    """The settings that apply to a letter: explicit file, else letterkit.toml beside it."""
    if explicit:
        return load_settings(explicit)
    if letter_path is not None:
        beside = Path(letter_path).parent / SETTINGS_NAME
        if beside.is_file():
            return load_settings(beside)
    return Settings()
