"""``run_agent.py serve`` (the web app) and ``users`` / ``teams`` / ``sessions import``.

``run_agent.py`` calls :func:`register` when the web package is importable.
"""

from __future__ import annotations

import argparse
import shutil
import sys

from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from simulator.settings import Settings
from web.bootstrap import NotSafeToServe, is_loopback, prepare_accounts
from web.db.engine import make_engine, make_session_factory
from web.db.migrate import upgrade
from web.db.models import CallStatus, Role, Team, User
from web.security.passwords import WeakPasswordError, hash_password
from web.services.accounts import AccountError, create_team, create_user, generate_password
from web.services.calls import ingest, new_call, session_path
from web.services.personas import PersonaCatalog
from web.services.scorecards import ScorecardCatalog
from web.services.session_files import SessionFilesError, read_session_dir

_ROLES = [r.value for r in Role]


def register(subcommands: argparse._SubParsersAction) -> None:
    serve = subcommands.add_parser("serve", help="run the web app (API, UI, live calls)")
    serve.add_argument("--host", help="bind address (ROLEPLAY_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (ROLEPLAY_PORT, default 8000)")
    serve.set_defaults(handler=_serve)

    users = subcommands.add_parser("users", help="manage web accounts")
    actions = users.add_subparsers(dest="users_action", metavar="ACTION", required=True)
    actions.add_parser("list", help="list accounts").set_defaults(handler=_users_list)
    add = actions.add_parser("add", help="create an account (prints a generated password)")
    add.add_argument("username")
    add.add_argument("--role", choices=_ROLES, default="rep")
    add.add_argument("--name", help="display name")
    add.add_argument("--team", help="team name (created if missing)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(handler=_users_add)
    reset = actions.add_parser("set-password", help="set a new password (generated or stdin)")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true")
    reset.set_defaults(handler=_users_set_password)

    teams = subcommands.add_parser("teams", help="manage teams")
    team_actions = teams.add_subparsers(dest="teams_action", metavar="ACTION", required=True)
    team_add = team_actions.add_parser("add", help="create a team")
    team_add.add_argument("name")
    team_add.add_argument("--manager", help="user name of the team's manager")
    team_add.set_defaults(handler=_teams_add)

    sessions = subcommands.add_parser("sessions", help="stored practice sessions")
    session_actions = sessions.add_subparsers(dest="sessions_action", metavar="ACTION", required=True)
    imp = session_actions.add_parser(
        "import", help="import a session dir (recording.wav, transcript.json, ...) and score it"
    )
    imp.add_argument("directory")
    imp.add_argument("--user", required=True, help="user name the session belongs to")
    imp.add_argument("--persona", help="persona id (default: the transcript's persona)")
    imp.add_argument("--scorecard", help="scorecard template id (default: by the persona's role)")
    imp.set_defaults(handler=_sessions_import)


def _database(settings: Settings) -> sessionmaker[Session]:
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    return make_session_factory(engine)


def _password(from_stdin: bool) -> tuple[str, bool]:
    """(password, generated?)"""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return generate_password(), True


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from web.app import create_app

    settings = settings.with_overrides(host=args.host, port=args.port)
    console = Console(stderr=True)
    sessions = _database(settings)
    with sessions() as db:
        try:
            first = prepare_accounts(db, settings.host)
        except NotSafeToServe as error:
            console.print(f"[red]error:[/red] {error}")
            return 2
    scheme = "https" if settings.ssl_certfile else "http"
    url = f"{scheme}://{settings.host}:{settings.port}"
    if first is not None:
        console.print(
            f"[bold]First run:[/bold] created the local admin account.\n"
            f"  Open {url} and sign in as [bold]{first.username}[/bold] "
            f"with password [bold]{first.password}[/bold]\n"
            f"  (change it under Account; forgot it? run_agent.py users set-password {first.username})"
        )
    if not is_loopback(settings.host) and not settings.ssl_certfile:
        console.print(
            "[yellow]warning:[/yellow] serving on a network address without TLS; passwords and "
            "session cookies travel in clear text. Set ROLEPLAY_SSL_CERTFILE/KEYFILE or put an "
            "HTTPS reverse proxy in front."
        )
    console.print(f"Serving on {url}  (API docs: {url}/docs)")
    uvicorn.run(
        create_app(settings, warm_up_calls=True),
        host=settings.host,
        port=settings.port,
        ssl_certfile=str(settings.ssl_certfile) if settings.ssl_certfile else None,
        ssl_keyfile=str(settings.ssl_keyfile) if settings.ssl_keyfile else None,
        log_level="info",
    )
    return 0


def _users_list(args: argparse.Namespace, settings: Settings) -> int:
    table = Table(title="Accounts")
    for column in ("id", "user", "name", "role", "team", "active"):
        table.add_column(column)
    with _database(settings)() as db:
        for user in db.scalars(select(User).order_by(User.username)):
            table.add_row(
                str(user.id), user.username, user.display_name, user.role.value,
                user.team.name if user.team else "", "yes" if user.is_active else "no",
            )
    Console().print(table)
    return 0


def _team_id(db: Session, name: str | None) -> int | None:
    if not name:
        return None
    team = db.scalar(select(Team).where(Team.name == name))
    return (team or create_team(db, name)).id


def _users_add(args: argparse.Namespace, settings: Settings) -> int:
    password, generated = _password(args.password_stdin)
    with _database(settings)() as db:
        try:
            user = create_user(
                db, args.username, password, Role(args.role),
                display_name=args.name, team_id=_team_id(db, args.team),
            )
        except (AccountError, WeakPasswordError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    print(f"created {user.role.value} {user.username!r}")
    if generated:
        print(f"password: {password}")
    return 0


def _users_set_password(args: argparse.Namespace, settings: Settings) -> int:
    password, generated = _password(args.password_stdin)
    with _database(settings)() as db:
        user = db.scalar(select(User).where(User.username == args.username.lower()))
        if user is None:
            print(f"error: no user {args.username!r}", file=sys.stderr)
            return 1
        try:
            user.password_hash = hash_password(password)
        except WeakPasswordError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        db.commit()
    print(f"password of {args.username!r} changed" + (f": {password}" if generated else ""))
    return 0


def _teams_add(args: argparse.Namespace, settings: Settings) -> int:
    with _database(settings)() as db:
        manager_id = None
        if args.manager:
            manager = db.scalar(select(User).where(User.username == args.manager.lower()))
            if manager is None:
                print(f"error: no user {args.manager!r}", file=sys.stderr)
                return 1
            manager_id = manager.id
        try:
            team = create_team(db, args.name, manager_id)
        except AccountError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    print(f"created team {team.name!r} (id {team.id})")
    return 0


def _sessions_import(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    source = Path(args.directory)
    try:
        files = read_session_dir(source)
    except SessionFilesError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    personas, scorecards = PersonaCatalog(), ScorecardCatalog()
    persona_id = args.persona or files.transcript.get("persona")
    with _database(settings)() as db:
        user = db.scalar(select(User).where(User.username == args.user.lower()))
        if user is None:
            print(f"error: no user {args.user!r}", file=sys.stderr)
            return 1
        entry = personas.get(db, persona_id) if persona_id else None
        if entry is None:
            print(f"error: unknown persona {persona_id!r}; pass --persona ID", file=sys.stderr)
            return 1
        scorecard = args.scorecard or scorecards.default_for(list(entry.persona.role_fit))
        call = new_call(db, user, entry.id, entry.persona.name, scorecard_id=scorecard)
        target = session_path(settings.resolved_recordings_dir, call)
        shutil.copytree(source, target)
        call = ingest(db, call, settings.resolved_recordings_dir, scorecards.score)
        print(f"imported session {call.id}: {call.status.value}"
              + (f", overall {call.overall:.0f}" if call.overall is not None else "")
              + (f" ({call.status_detail})" if call.status_detail else ""))
        return 1 if call.status is CallStatus.failed else 0
