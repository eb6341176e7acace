#!/usr/bin/env python3
"""Print the README's settings table from the Settings model (run after adding a field)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.settings import Settings  # noqa: E402


def _default(field_name: str) -> str:
    field = Settings.model_fields[field_name]
    if field.default_factory is not None:
        return "see meaning"
    return "unset" if field.default is None else f"`{field.default}`"


def main() -> None:
    print("| env var | default | meaning |")
    print("|---|---|---|")
    for name, field in Settings.model_fields.items():
        description = (field.description or "").replace("|", "\\|")
        print(f"| `ROLEPLAY_{name.upper()}` | {_default(name)} | {description} |")


if __name__ == "__main__":
    main()
