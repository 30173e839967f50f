#!/usr/bin/env bash
# Quick start, step 2: install the test dependencies and run the whole test suite (CI runs this).
# Uses the same environment as scripts/setup.sh: the active virtual environment, else .venv/ in
# this checkout, made when missing (so this works on a fresh clone on its own). Arguments go to
# pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

letterkit_env
bash scripts/system-deps.sh --test
# Every extra, and the exact versions of constraints.txt (the ones the suite last passed with;
# scripts/constraints.py remakes it), so that a new release of a dependency never changes a run.
echo "Installing letterkit, its extras and its test dependencies (pip install -c constraints.txt -e \".[serve,fhir,postgres,service,test]\") into $LETTERKIT_VENV_SHOWN/"
lk_pip_install -c constraints.txt -e ".[serve,fhir,postgres,service,test]"
"$LETTERKIT_PY" -m mypy letterkit
# A throwaway PostgreSQL cluster for the tests (tests/pg.py: initdb in a temporary folder, as the
# postgres user when root, on a Unix socket there only), stopped and removed however this ends.
# The tests reach it through pytest-postgresql's no-process fixture (tests/conftest.py).
if pg_env="$("$LETTERKIT_PY" tests/pg.py start)"; then
  eval "$pg_env"
  trap '"$LETTERKIT_PY" tests/pg.py stop "$LETTERKIT_TEST_PG_FOLDER"' EXIT
  trap 'exit 130' INT TERM
  echo "PostgreSQL for the tests: a throwaway cluster on the socket in $LETTERKIT_TEST_PG_HOST"
else
  echo "warning: no PostgreSQL cluster started; pytest will start its own or skip those tests" >&2
fi
status=0
"$LETTERKIT_PY" -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  # pytest's "no tests ran": never let that pass for a result (nor leak exit code 5).
  echo "error: pytest collected no tests (arguments: ${*:-none}); nothing was checked" >&2
  exit 1
fi
exit "$status"
