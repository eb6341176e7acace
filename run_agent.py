#!/usr/bin/env python3
"""The one command-line entrypoint of the role-play simulator.

Subcommands are registered by small modules, one per command, under
``simulator/cli/`` (and ``web/cli.py`` for the server, which sits above the
simulator). This file only builds the parser, loads :class:`Settings` and
dispatches; it is the composition root, so it is allowed to import every layer.
"""

from __future__ import annotations

import sys

from simulator.cli import build_parser, run


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen subcommand; returns the exit code."""
    parser = build_parser()
    try:
        from web.cli import register as register_web
    except ImportError:  # web app not installed in a minimal checkout
        register_web = None
    if register_web is not None:
        register_web(parser.subcommands)  # type: ignore[attr-defined]
    args = parser.parse_args(argv)
    return run(parser, args)


if __name__ == "__main__":
    sys.exit(main())
