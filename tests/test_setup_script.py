"""The quick start works on a stock Debian/Ubuntu, whose own python3 is "externally managed"
(PEP 668: `pip install` into it fails): scripts/setup.sh and scripts/test.sh must pick or make a
virtual environment, never install into the system's Python.

The fast tests run only the environment logic (``scripts/setup.sh --env-only``, which sources
scripts/env.sh) in a temporary copy of scripts/, with the machine's /usr/bin/python3. A full run
of the quick start in a copy of the checkout (pip installs, samples rendered) takes minutes, so it
runs only with LETTERKIT_TEST_SETUP_FULL=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_PYTHON = Path("/usr/bin/python3")


def _externally_managed(python: Path) -> bool:
    if not python.exists():
        return False
    stdlib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return bool(stdlib) and (Path(stdlib) / "EXTERNALLY-MANAGED").exists()


pytestmark = pytest.mark.skipif(
    not _externally_managed(SYSTEM_PYTHON) or shutil.which("bash") is None,
    reason="needs bash and an externally managed /usr/bin/python3 (stock Debian 12 / Ubuntu 24.04)",
)


def _env(**extra: str) -> dict[str, str]:
    """A stock user's environment: the system's python3 first on PATH, no virtualenv active."""
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"), "LC_ALL": "C.UTF-8"}
    env.update(extra)
    return env


def _env_only(checkout: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "scripts/setup.sh", "--env-only"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _copy_scripts(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copytree(ROOT / "scripts", dest / "scripts")
    return dest


def _prefixes(python: str) -> list[str]:
    out = subprocess.run(
        [python, "-c", "import sys; print(sys.prefix); print(sys.base_prefix)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.split()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    checkout = _copy_scripts(tmp_path_factory.mktemp("stock") / "letterkit")
    return checkout, _env_only(checkout, _env())


def test_stock_python_gets_a_venv_in_the_checkout(
    made: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    checkout, result = made
    assert result.returncode == 0, result.stderr
    python = result.stdout.strip().splitlines()[-1]
    assert python == str(checkout / ".venv" / "bin" / "python")
    assert "Making the virtual environment .venv/ with /usr/bin/python3" in result.stderr
    prefix, base_prefix = _prefixes(python)
    assert Path(prefix) == checkout / ".venv"  # pip installs go here ...
    assert base_prefix == "/usr"  # ... made from the system's python, which stays untouched
    pip = subprocess.run([python, "-m", "pip", "--version"], capture_output=True, text=True, check=True)
    assert str(checkout / ".venv") in pip.stdout
    assert (checkout / ".venv" / ".gitignore").read_text().strip() == "*"


def test_second_run_reuses_the_venv(made: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    checkout, _ = made
    marker = checkout / ".venv" / "kept"
    marker.touch()
    result = _env_only(checkout, _env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(checkout / ".venv" / "bin" / "python")
    assert "Making" not in result.stderr and marker.exists()


def test_an_active_venv_is_used_as_it_is(
    made: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    active = made[0] / ".venv"
    other = _copy_scripts(tmp_path / "other")
    result = _env_only(other, _env(VIRTUAL_ENV=str(active), PATH=f"{active}/bin:/usr/bin:/bin"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(active / "bin" / "python")
    assert not (other / ".venv").exists()


def test_too_old_python_is_refused_clearly(tmp_path: Path) -> None:
    checkout = _copy_scripts(tmp_path / "old")
    old = tmp_path / "python3.9"
    old.write_text("#!/bin/sh\necho 3.9.18\n")
    old.chmod(0o755)
    result = _env_only(checkout, _env(PYTHON=str(old)))
    assert result.returncode == 1
    assert "letterkit needs Python 3.11 or newer" in result.stderr and "is Python 3.9.18" in result.stderr
    assert not (checkout / ".venv" / "bin").exists()


def test_missing_venv_package_is_installed_with_apt(tmp_path: Path) -> None:
    """Debian/Ubuntu without python3-venv: `python3 -m venv` fails until python3.X-venv is in.
    apt-get, apt-cache and sudo are stand-ins here that only log what they are asked."""
    checkout = _copy_scripts(tmp_path / "novenv")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log, installed = tmp_path / "apt.log", tmp_path / "installed"
    stand_ins = {
        "python3": f'if [ "$1 $2" = "-m venv" ] && [ ! -e {installed} ]; then\n'
        '  echo "ensurepip is not available: apt install python3-venv" >&2; exit 1\nfi\n'
        f'exec {SYSTEM_PYTHON} "$@"\n',
        "apt-get": f'echo "apt-get $*" >>{log}\ncase "$*" in *install*) touch {installed};; esac\n',
        "apt-cache": f'echo "apt-cache $*" >>{log}\n',
        "sudo": 'exec "$@"\n',
    }
    for name, body in stand_ins.items():
        (bin_dir / name).write_text("#!/bin/bash\n" + body)
        (bin_dir / name).chmod(0o755)
    result = _env_only(checkout, _env(PATH=f"{bin_dir}:/usr/bin:/bin"))
    assert result.returncode == 0, result.stderr
    minor = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    calls = log.read_text().splitlines()
    assert calls[0] == "apt-get update -q"
    assert calls[-1] == f"apt-get install -y -q --no-install-recommends python{minor}-venv"
    assert sum(c.startswith("apt-get update") for c in calls) == 1
    assert result.stdout.strip() == str(checkout / ".venv" / "bin" / "python")


@pytest.mark.skipif(
    os.environ.get("LETTERKIT_TEST_SETUP_FULL") != "1",
    reason="the full quick start takes minutes: set LETTERKIT_TEST_SETUP_FULL=1",
)
def test_full_setup_with_the_system_python(tmp_path: Path) -> None:
    checkout = tmp_path / "letterkit"
    shutil.copytree(
        ROOT,
        checkout,
        ignore=shutil.ignore_patterns(".git", ".venv", "out", "*cache*", ".hypothesis", ".benchmarks"),
    )
    result = subprocess.run(
        ["bash", "scripts/setup.sh"],
        cwd=checkout,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in (checkout / "samples" / "out").iterdir())
    assert ".venv/bin/letterkit --help" in result.stdout
    help_ = subprocess.run(
        [str(checkout / ".venv" / "bin" / "letterkit"), "--help"], capture_output=True, text=True, check=False
    )
    assert help_.returncode == 0 and "Usage" in help_.stdout
    system = subprocess.run(  # -I: not from the current folder; the system's Python never got it
        [str(SYSTEM_PYTHON), "-I", "-c", "import letterkit"], cwd=tmp_path, capture_output=True, check=False
    )
    assert system.returncode != 0
