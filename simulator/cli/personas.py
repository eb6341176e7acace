"""``run_agent.py personas list|show ID|validate [PATH...]``: the persona library."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.table import Table

from personas import LIBRARY_DIR, PersonaError, load_library, load_persona_file, persona_files
from simulator.settings import Settings


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("personas", help="list, show and validate buyer personas")
    actions = parser.add_subparsers(dest="personas_action", metavar="ACTION", required=True)
    actions.add_parser("list", help="one row per persona").set_defaults(handler=_list)
    show = actions.add_parser("show", help="one persona in full")
    show.add_argument("persona_id", metavar="ID")
    show.add_argument("--json", action="store_true", help="print the persona as JSON")
    show.set_defaults(handler=_show)
    validate = actions.add_parser(
        "validate", help="check persona files; errors name file, line, field"
    )
    validate.add_argument("paths", nargs="*", help=f"files or dirs (default: {LIBRARY_DIR})")
    validate.set_defaults(handler=_validate)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    library = load_library()
    table = Table(title=f"Personas ({len(library.personas)})")
    for column in ("id", "name", "title", "scenario", "difficulty", "roles", "skills"):
        table.add_column(column)
    for persona in sorted(library.personas.values(), key=lambda p: (p.difficulty, p.id)):
        table.add_row(
            persona.id, persona.name, persona.title, persona.scenario, persona.difficulty,
            ", ".join(persona.role_fit), ", ".join(persona.skills),
        )  # fmt: skip
    Console().print(table)
    for error in library.errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if library.errors else 0


def _show(args: argparse.Namespace, settings: Settings) -> int:
    library = load_library()
    try:
        persona = library.get(args.persona_id)
    except KeyError as error:
        print(f"error: {error.args[0]}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(persona.model_dump(mode="json"), indent=2))
        return 0
    console = Console()
    console.print(f"[bold]{persona.name}[/], {persona.title} at {persona.company.name}")
    console.print(
        f"{persona.scenario} | {persona.difficulty} | {', '.join(persona.role_fit)} | "
        f"drills {', '.join(persona.skills)}"
    )
    console.print(f"\n[bold]Brief[/]\n{persona.brief}\n")
    facts = Table(title="Hidden facts")
    for column in ("id", "category", "unlocked by", "question", "min trust"):
        facts.add_column(column)
    for fact in persona.facts:
        facts.add_row(
            fact.id,
            fact.category,
            ", ".join(fact.unlock.topics),
            fact.unlock.question,
            str(fact.unlock.min_trust),
        )
    console.print(facts)
    objections = Table(title="Objections")
    for column in ("id", "category", "raised on", "resolved by", "worsened by"):
        objections.add_column(column)
    for objection in persona.objections:
        rule = objection.resolved_by
        resolved = " + ".join(filter(None, [" & ".join(rule.all_of), " | ".join(rule.any_of)]))
        objections.add_row(
            objection.id,
            objection.category,
            ", ".join(objection.raise_on),
            resolved,
            ", ".join(objection.worsened_by),
        )
    console.print(objections)
    step = persona.end_conditions.next_step
    console.print(
        f"Next step: {step.description} (trust >= {step.min_trust}, facts: "
        f"{', '.join(step.requires_facts) or 'none'})"
    )
    return 0


def _validate(args: argparse.Namespace, settings: Settings) -> int:
    files = persona_files(args.paths or [LIBRARY_DIR])
    if not files:
        print("error: no persona files found", file=sys.stderr)
        return 1
    failures = 0
    for path in files:
        try:
            persona = load_persona_file(path)
        except PersonaError as error:
            failures += 1
            for issue in error.issues:
                print(issue, file=sys.stderr)
            continue
        print(f"{path}: ok ({persona.id})")
    print(f"{len(files) - failures} valid, {failures} invalid", file=sys.stderr)
    return 1 if failures else 0
