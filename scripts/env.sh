# shellcheck shell=bash
# Sourced by scripts/setup.sh, scripts/test.sh and scripts/system-deps.sh. Finds or makes the
# Python environment that letterkit is installed into, so that `pip install` never touches the
# system's own Python (Debian 12 and Ubuntu 24.04 refuse that: "externally-managed-environment").
#
#   letterkit_env   - an active virtual environment ($VIRTUAL_ENV) is used as it is; otherwise
#                     .venv/ in the checkout, made with `python3 -m venv` when it is missing (on
#                     Debian/Ubuntu the distribution's venv package is installed first when
#                     python3 can't make one). Then LETTERKIT_VENV is the environment's folder,
#                     LETTERKIT_PY its python and LETTERKIT_VENV_SHOWN the folder as shown to
#                     people (".venv" when it is the checkout's own).
#   lk_pip_install  - `pip install ARGS` into that environment.
#   lk_apt_install  - `apt-get install PACKAGES`, with one `apt-get update` per run, sudo if not root.
#
# PYTHON=/path/to/python3.12 picks the interpreter that makes .venv/ (default: python3).
# Python 3.11 or newer is needed (pyproject.toml: requires-python = ">=3.11").
# Written for bash 3.2 too (macOS): no associative arrays, no empty-array expansions.

LETTERKIT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LETTERKIT_MIN_MAJOR=3
LETTERKIT_MIN_MINOR=11

lk_die() {
  echo "error: $*" >&2
  exit 1
}

# Runs a command as root: directly when we are root, else through sudo.
lk_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    lk_die "this needs root, and sudo isn't installed: run '$*' as root, then run this script again"
  fi
}

# `apt-get update`, once per run: the flag is exported, so scripts/system-deps.sh run from
# scripts/setup.sh or scripts/test.sh doesn't update a second time.
lk_apt_update() {
  if [ -z "${LETTERKIT_APT_UPDATED:-}" ]; then
    lk_as_root apt-get update -q
    LETTERKIT_APT_UPDATED=1
    export LETTERKIT_APT_UPDATED
  fi
}

# apt-get install, quietly and without questions.
lk_apt_install() {
  lk_apt_update
  lk_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

# Prints python "$1"'s version as X.Y.Z, or nothing when it doesn't run.
lk_version() {
  "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null || true
}

# True when version "$1" (X.Y.Z) is at least 3.11.
lk_new_enough() {
  case "$1" in
    [0-9]*.[0-9]*) ;;
    *) return 1 ;;
  esac
  local major=${1%%.*} rest=${1#*.}
  local minor=${rest%%.*}
  [ "$major" -gt "$LETTERKIT_MIN_MAJOR" ] ||
    { [ "$major" -eq "$LETTERKIT_MIN_MAJOR" ] && [ "$minor" -ge "$LETTERKIT_MIN_MINOR" ]; }
}

# Dies with a clear message unless python "$1" (described as "$2") is 3.11 or newer.
lk_check_version() {
  local version
  version=$(lk_version "$1")
  [ -n "$version" ] || lk_die "$2 ($1) doesn't run"
  lk_new_enough "$version" && return 0
  local hint="install a newer Python and run again with PYTHON=python3.X bash scripts/setup.sh"
  if command -v apt-get >/dev/null 2>&1; then
    hint="$hint (on Debian/Ubuntu e.g. apt-get install python3.12 python3.12-venv, if your release has it)"
  elif command -v brew >/dev/null 2>&1; then
    hint="$hint (e.g. brew install python@3.12, then PYTHON=python3.12)"
  fi
  lk_die "letterkit needs Python $LETTERKIT_MIN_MAJOR.$LETTERKIT_MIN_MINOR or newer, but $2 ($1) is Python $version: $hint"
}

# True when python "$1" has a working pip.
lk_has_pip() {
  "$1" -m pip --version >/dev/null 2>&1
}

# The interpreter that makes .venv/: $PYTHON, else python3 (installed with apt-get or brew when
# there is none at all). Sets LK_BASE to its path.
lk_base_python() {
  local want=${PYTHON:-python3}
  if ! command -v "$want" >/dev/null 2>&1; then
    [ -z "${PYTHON:-}" ] || lk_die "PYTHON=$PYTHON: no such command"
    if command -v apt-get >/dev/null 2>&1; then
      echo "No python3 here: installing python3 and python3-venv with apt-get"
      lk_apt_install python3 python3-venv
    elif command -v brew >/dev/null 2>&1; then
      echo "No python3 here: installing it with brew"
      brew install python
    fi
    command -v python3 >/dev/null 2>&1 ||
      lk_die "python3 isn't installed: install Python $LETTERKIT_MIN_MAJOR.$LETTERKIT_MIN_MINOR or newer, then run this again"
  fi
  LK_BASE=$(command -v "$want")
}

# On Debian/Ubuntu, installs the venv package for the system's python "$1" (python3.X-venv, or
# python3-venv when the release has no such package). Fails when that can't help.
lk_install_venv_package() {
  local py=$1 base minor
  command -v apt-get >/dev/null 2>&1 || return 1
  base=$("$py" -c 'import sys; print(sys.base_prefix)' 2>/dev/null) || return 1
  [ "$base" = "/usr" ] || return 1 # not the distribution's Python: its package won't help
  minor=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])') || return 1
  local package="python$minor-venv"
  lk_apt_update
  apt-cache show "$package" >/dev/null 2>&1 || package=python3-venv
  echo "$py can't make a virtual environment yet: installing $package with apt-get"
  lk_apt_install "$package"
}

# Makes (or remakes, with --clear) the virtual environment "$1" with the base python.
lk_make_venv() {
  local dir=$1 log
  lk_base_python
  lk_check_version "$LK_BASE" "${PYTHON:+PYTHON=}${PYTHON:-python3}"
  echo "Making the virtual environment $LETTERKIT_VENV_SHOWN/ with $LK_BASE (Python $(lk_version "$LK_BASE"))"
  log=$(mktemp)
  if "$LK_BASE" -m venv --clear "$dir" 2>"$log"; then
    :
  elif lk_install_venv_package "$LK_BASE" && "$LK_BASE" -m venv --clear "$dir" 2>"$log"; then
    :
  else
    cat "$log" >&2
    rm -f "$log"
    lk_die "'$LK_BASE -m venv $dir' failed: install your Python's venv module (on Debian/Ubuntu: apt-get install python3-venv), or run again with PYTHON=... naming another Python $LETTERKIT_MIN_MAJOR.$LETTERKIT_MIN_MINOR+"
  fi
  rm -f "$log"
  # Keep the environment out of git (python3.13's venv writes this file itself).
  [ -e "$dir/.gitignore" ] || echo '*' >"$dir/.gitignore"
}

letterkit_env() {
  if [ -n "${VIRTUAL_ENV:-}" ]; then
    LETTERKIT_VENV=$VIRTUAL_ENV
    LETTERKIT_VENV_SHOWN=$VIRTUAL_ENV
    LETTERKIT_PY=$VIRTUAL_ENV/bin/python
    [ -x "$LETTERKIT_PY" ] ||
      lk_die "VIRTUAL_ENV is $VIRTUAL_ENV, but it has no bin/python: run 'deactivate' (then .venv/ is used) or fix that environment"
    lk_check_version "$LETTERKIT_PY" "the active virtual environment's python"
    if ! lk_has_pip "$LETTERKIT_PY"; then # e.g. made by `uv venv`
      "$LETTERKIT_PY" -m ensurepip --upgrade >/dev/null ||
        lk_die "the active virtual environment ($VIRTUAL_ENV) has no pip, and ensurepip couldn't add it"
    fi
    echo "Using the active virtual environment $VIRTUAL_ENV (Python $(lk_version "$LETTERKIT_PY"))"
    return 0
  fi

  LETTERKIT_VENV=$LETTERKIT_ROOT/.venv
  LETTERKIT_VENV_SHOWN=.venv
  LETTERKIT_PY=$LETTERKIT_VENV/bin/python
  local version=""
  [ -x "$LETTERKIT_PY" ] && version=$(lk_version "$LETTERKIT_PY")
  if [ -n "$version" ]; then
    if ! lk_new_enough "$version"; then
      echo ".venv/ has Python $version, older than $LETTERKIT_MIN_MAJOR.$LETTERKIT_MIN_MINOR: making it again"
      lk_make_venv "$LETTERKIT_VENV"
    elif ! lk_has_pip "$LETTERKIT_PY" && ! "$LETTERKIT_PY" -m ensurepip --upgrade >/dev/null 2>&1; then
      echo ".venv/ has no pip (a half-made environment?): making it again"
      lk_make_venv "$LETTERKIT_VENV"
    fi
  else
    # Missing, or left broken (e.g. its Python was removed or upgraded): make it (again).
    lk_make_venv "$LETTERKIT_VENV"
  fi
  lk_has_pip "$LETTERKIT_PY" || lk_die "$LETTERKIT_VENV has no working pip"
  echo "Using the virtual environment .venv/ (Python $(lk_version "$LETTERKIT_PY"))"
}

# pip install into the environment that letterkit_env found.
lk_pip_install() {
  "$LETTERKIT_PY" -m pip install --quiet --disable-pip-version-check "$@"
}
