#!/usr/bin/env bash
# Create the project venv with a Python >= 3.11 (the first one found on PATH).
set -euo pipefail
venv="${1:-.venv}"
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Creating $venv with $("$candidate" --version)"
    exec "$candidate" -m venv "$venv"
  fi
done
echo "error: Python >= 3.11 is required (none of python3.13/3.12/3.11/python3 qualifies)" >&2
exit 1
