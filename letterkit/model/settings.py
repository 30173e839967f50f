"""A service's settings: its letterhead, sign-off and 'where to find help' wording.

Read from ``--settings FILE``, else ``letterkit.toml`` beside the letter; without either, the
letterhead is just the therapist's service and the help block uses the defaults below.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from letterkit.errors import SettingsError

SETTINGS_NAME = "letterkit.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Service(_Section):
    name: str | None = Field(None, description="The service's name, at the top of every letter.")
    address: list[str] = Field(default_factory=list, description="Address lines.")
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


class Settings(_Section):
    """Everything a service can set without forking the templates."""

    service: Service = Field(default_factory=Service)
    sign_off: str = Field("With warm wishes,", description="The words above the signature.")
    help: HelpText = Field(default_factory=HelpText)
    files: dict[str, str] = Field(
        default_factory=dict,
        description="Files a template may use, by name (e.g. logo = 'logo.png'). Nothing "
        "else on disk can reach a letter.",
    )


def load_settings(path: str | os.PathLike[str]) -> Settings:
    """Read a service settings file (TOML)."""
    import tomllib

    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"{name}: no such settings file") from None
    except IsADirectoryError:
        raise SettingsError(f"{name}: is a folder, not a settings file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{name}: cannot be read: {error}") from None
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
    files = {key: str((base / value).resolve()) for key, value in settings.files.items()}
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
