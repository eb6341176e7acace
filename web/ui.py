"""Serves the browser UI: one HTML shell for every page, plus static assets.

The UI is plain HTML, CSS and ES modules (no build step). Every page URL
returns the same shell; ``static/js/app.js`` routes on the path and fetches
data from the API, which is where access is enforced.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parent / "static"
SHELL = STATIC_DIR / "index.html"

# Page paths the UI knows; anything else is a 404 (so typos do not look like pages).
PAGE_PATTERNS = [
    re.compile(p)
    for p in (
        r"/",
        r"/signin",
        r"/practice",
        r"/call/[a-z0-9_-]{1,64}",
        r"/sessions",
        r"/sessions/[0-9a-f]{32}",
        r"/profile",
        r"/profile/\d{1,9}",
        r"/team",
        r"/trainer/personas",
        r"/trainer/personas/new",
        r"/trainer/personas/[a-z0-9_-]{1,64}",
        r"/trainer/scorecards",
        r"/trainer/scorecards/new",
        r"/trainer/scorecards/[a-z0-9_-]{1,64}",
        r"/trainer/assignments",
        r"/admin",
        r"/account",
    )
]

router = APIRouter(include_in_schema=False)


@router.api_route("/{path:path}", methods=["GET", "HEAD"])
def page(path: str) -> FileResponse:
    """The UI shell for a known page path; 404 otherwise."""
    full = "/" + path.rstrip("/") if path else "/"
    if not any(p.fullmatch(full) for p in PAGE_PATTERNS):
        raise HTTPException(404, f"no page at {full}")
    return FileResponse(SHELL, headers={"Cache-Control": "no-cache"})
