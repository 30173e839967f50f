"""The ``letterkit`` command's start: imports with the collector off, work with it on."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import letterkit.__main__ as launch
import letterkit.cli

ROOT = Path(__file__).resolve().parent.parent


def test_the_command_runs_its_work_with_the_collector_on_and_plugins_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, object] = {}
    frozen: list[bool] = []

    def fake_main() -> None:
        seen["collecting"] = gc.isenabled()
        seen["plugins"] = launch.os.environ.get("PYDANTIC_DISABLE_PLUGINS")

    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    monkeypatch.setattr(letterkit.cli, "main", fake_main)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(not gc.isenabled()))
    launch.run()
    assert seen == {"collecting": True, "plugins": "__all__"}
    assert frozen == [True]  # what the imports made is frozen while the collector is off
    assert gc.isenabled()


def test_a_plugin_setting_of_the_users_own_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str | None] = []
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "some_plugin")
    monkeypatch.setattr(
        letterkit.cli, "main", lambda: seen.append(launch.os.environ.get("PYDANTIC_DISABLE_PLUGINS"))
    )
    monkeypatch.setattr(gc, "freeze", lambda: None)
    launch.run()
    assert seen == ["some_plugin"]


def test_python_dash_m_letterkit_renders_as_the_command_does_in_process(tmp_path: Path) -> None:
    out = tmp_path / "peter.md"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "letterkit",
            "render",
            "samples/peter-goodbye.yaml",
            "-f",
            "md",
            "-o",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    inside = tmp_path / "inside.md"
    result = CliRunner().invoke(
        letterkit.cli.main,
        ["render", str(ROOT / "samples/peter-goodbye.yaml"), "-f", "md", "-o", str(inside)],
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == inside.read_text(encoding="utf-8")
    assert "Northbridge Talking Therapies" in out.read_text(encoding="utf-8")
