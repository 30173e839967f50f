#!/usr/bin/env bash
# Quick start, step 2: install the test dependencies and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-deps.sh --test
python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
python3 -m mypy letterkit
python3 -m pytest "$@"
