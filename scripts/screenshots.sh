#!/usr/bin/env bash
# Screenshots of letterkit serve's pages at 1280 and 390 px into docs/screenshots/ (NAME-WIDTH.png),
# made by the browser tests as they walk every page (Debian's chromium, driven by Playwright).
# Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
letterkit_env
LETTERKIT_SCREENSHOTS="$PWD/docs/screenshots" "$LETTERKIT_PY" -m pytest tests/test_web_forms.py -q "$@"
