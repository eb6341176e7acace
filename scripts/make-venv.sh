#!/usr/bin/env bash
# Create the project venv with a Python >= 3.11: the default python3 if it qualifies, else a newer one.
set -euo pipefail
venv="${1:-.venv}"
for candidate in python3 python3.11 python3.12 python3.13; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Creating $venv with $("$candidate" --version)"
    exec "$candidate" -m venv "$venv"
  fi
done
echo "error: Python >= 3.11 is required (none of python3/python3.11/3.12/3.13 qualifies)" >&2
exit 1
