#!/usr/bin/env bash
# Quick start, step 1: install letterkit and everything it needs, then render the samples.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-deps.sh
python3 -m pip install --quiet --disable-pip-version-check -e .

mkdir -p samples/out
for letter in samples/*.yaml; do
  name=$(basename "$letter" .yaml)
  letterkit render "$letter" -f md -o "samples/out/$name.md"
  letterkit render "$letter" -f pdf -o "samples/out/$name.pdf"
done
echo "Done. The sample letters are in samples/out/ (Markdown and PDF)."
