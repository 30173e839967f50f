#!/usr/bin/env bash
# Installs the system libraries letterkit needs, where a package manager is there:
# Pango for WeasyPrint's PDF output, HarfBuzz's subsetter (about 5x faster PDFs),
# poppler-utils and qpdf (to read and check PDFs), and with --test LibreOffice.
# Skips quietly what is already installed; never asks questions.
set -euo pipefail
source "$(dirname "$0")/env.sh" # lk_apt_install: one apt-get update per run, sudo when not root

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils qpdf)
# With --test: LibreOffice (headless Writer), to check that Word documents open,
# Chromium, for the browser tests of `letterkit serve`, link-grammar (link-parser,
# with its English dictionary), which checks that every sentence letterkit frames parses,
# and PostgreSQL (the tests make a throwaway cluster with its initdb; none is left running).
if [ "${1:-}" = "--test" ]; then
  packages+=(libreoffice-writer-nogui chromium link-grammar postgresql)
fi

if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for pkg in "${packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing system libraries: ${missing[*]}"
    lk_apt_install "${missing[@]}"
  fi
elif command -v brew >/dev/null 2>&1; then
  brew list pango >/dev/null 2>&1 || brew install pango
  brew list poppler >/dev/null 2>&1 || brew install poppler
else
  echo "No apt-get or brew here: install Pango (for PDF output) with your package manager." >&2
fi
