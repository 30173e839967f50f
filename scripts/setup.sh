#!/usr/bin/env bash
# Quick start, step 1: install letterkit and everything it needs, then render the samples.
# letterkit goes into a virtual environment, never into the system's Python: the active one
# ($VIRTUAL_ENV), else .venv/ in this checkout, made when missing (see scripts/env.sh).
#   --env-only   only find or make that environment and print its python (no system packages,
#                no pip install, no samples): what tests/test_setup_script.py checks.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

case "${1:-}" in
  "") ;;
  --env-only)
    letterkit_env >&2
    echo "$LETTERKIT_PY"
    exit 0
    ;;
  *) lk_die "usage: bash scripts/setup.sh [--env-only]" ;;
esac

letterkit_env
bash scripts/system-deps.sh
# With every extra (pyproject.toml): the browser and HTTP API (serve) and FHIR records (fhir).
echo "Installing letterkit with its extras (pip install -e \".[serve,fhir]\") into $LETTERKIT_VENV_SHOWN/"
lk_pip_install -e ".[serve,fhir]"

letterkit=$LETTERKIT_VENV/bin/letterkit
mkdir -p samples/out
for letter in samples/*.yaml; do
  name=$(basename "$letter" .yaml)
  "$letterkit" render "$letter" -f md -o "samples/out/$name.md"
  "$letterkit" render "$letter" -f pdf -o "samples/out/$name.pdf"
done
echo "Done. The sample letters are in samples/out/ (Markdown and PDF)."
echo
if [ -n "${VIRTUAL_ENV:-}" ]; then
  echo "letterkit is installed in the active virtual environment ($VIRTUAL_ENV): run"
  echo "  letterkit --help"
else
  echo "letterkit is installed in the virtual environment .venv/. Run it from here with"
  echo "  .venv/bin/letterkit --help"
  echo "or activate the environment once per shell, then just type letterkit:"
  echo "  source .venv/bin/activate && letterkit --help"
fi
