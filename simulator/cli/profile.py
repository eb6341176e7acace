"""``run_agent.py profile --rep ID [--sessions-dir DIR] [--json]``: a rep's skill-gap profile.

Reads the rep's stored sessions (``<sessions-dir>/<rep>/<session>/transcript.json``
plus optional ``meta.json``), scores each one, and prints competency levels,
trends, the practice plan and coaching notes. Persona descriptors for the plan
come from the persona library; the evaluator itself never imports it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from evaluation import (EvaluationInputError, PersonaDescriptor, Profile, build_profile,
                        load_rep_sessions)
from simulator.settings import Settings


def default_sessions_dir(settings: Settings) -> Path:
    """Where session directories live until the web app's database holds them."""
    return settings.data_dir / "sessions"


def persona_descriptors(paths: list[Path] | None = None
                        ) -> tuple[list[PersonaDescriptor], list[str]]:
    """What the practice plan needs from the persona library, plus load problems as warnings."""
    from personas import load_library

    library = load_library(paths)
    descriptors = [
        PersonaDescriptor(
            id=p.id, name=f"{p.name} ({p.title})", difficulty=p.difficulty, drills=list(p.skills),
            description=f"{p.scenario.replace('_', ' ')} call; drills "
                        f"{', '.join(s.replace('_', ' ') for s in p.skills)}")
        for p in library.personas.values()
    ]
    warnings = [f"persona file not loaded: {error.file}" for error in library.errors]
    if not descriptors:
        warnings.append("no persona could be loaded from the library: the practice plan lists "
                        "competencies only")
    return descriptors, warnings


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "profile", help="a rep's skill-gap profile and practice plan over stored sessions")
    parser.add_argument("--rep", required=True, help="rep id (a directory under --sessions-dir)")
    parser.add_argument("--sessions-dir", type=Path,
                        help="session store (default: <ROLEPLAY_DATA_DIR>/sessions)")
    parser.add_argument("--scorecard", default="ae",
                        help="scorecard for sessions whose meta.json names none (default: ae)")
    parser.add_argument("--personas", type=Path, action="append",
                        help="persona YAML file or directory (default: the shipped library)")
    parser.add_argument("--json", action="store_true", help="print the profile as JSON")
    parser.set_defaults(handler=_profile)


def _print(profile: Profile) -> None:
    console = Console()
    table = Table(title=f"Skill-gap profile: {profile.rep_id} ({profile.sessions} sessions)")
    for column in ("competency", "score", "level", "trend", "sessions"):
        table.add_column(column)
    for cid, comp in sorted(profile.competencies.items(), key=lambda kv: kv[1].score):
        table.add_row(comp.name or cid, str(comp.score), comp.level, comp.trend,
                      str(comp.sessions))
    console.print(table)
    console.print("[bold]Practice plan[/bold]")
    for i, item in enumerate(profile.practice_plan, start=1):
        who = item.persona_name or "(no persona)"
        console.print(f"{i}. {who} [dim]{item.persona_id or ''}[/dim] — {item.reason}",
                      highlight=False)
    console.print("[bold]Coaching notes[/bold]")
    for note in profile.coaching_notes:
        console.print(f"- {note.note}", highlight=False)
    for warning in profile.warnings:
        console.print(f"[yellow]note:[/yellow] {warning}", highlight=False)


def _profile(args: argparse.Namespace, settings: Settings) -> int:
    sessions_dir = args.sessions_dir or default_sessions_dir(settings)
    try:
        records, warnings = load_rep_sessions(sessions_dir, args.rep,
                                              default_scorecard=args.scorecard)
    except (FileNotFoundError, EvaluationInputError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    personas, persona_warnings = persona_descriptors(args.personas)
    profile = build_profile(records, personas, rep_id=args.rep)
    profile.warnings.extend(warnings + persona_warnings)
    if args.json:
        print(json.dumps(profile.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        _print(profile)
    return 0
