"""Server plumbing: migrations, first-run accounts, the loopback rule, headers, docs, sockets, CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from simulator.settings import Settings
from tests.browser.support import PASSWORD, seed_accounts
from web.app import create_app
from web.bootstrap import LOCAL_USERNAME, NotSafeToServe, is_loopback, prepare_accounts
from web.db.engine import make_engine, make_session_factory
from web.db.migrate import alembic_config, current_revision, head_revision, upgrade
from web.db.models import Base
from web.security.passwords import verify_password

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.with_overrides(data_dir=tmp_path_factory.mktemp("platform")))
    with TestClient(app) as client:
        with app.state.web.sessions() as db:
            seed_accounts(db)
        yield client


def _signed_in(app_client: TestClient, username: str) -> TestClient:
    client = TestClient(app_client.app)
    client.portal = app_client.portal
    response = client.post("/api/auth/signin", json={"username": username, "password": PASSWORD})
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def test_migrations_create_exactly_the_models_and_downgrade_cleanly(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    assert current_revision(engine) is None
    assert upgrade(engine) == head_revision(engine) == current_revision(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    command.downgrade(alembic_config(engine), "base")
    assert current_revision(engine) is None
    assert upgrade(engine) == head_revision(engine)


def test_first_loopback_run_creates_one_local_admin(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as db:
        with pytest.raises(NotSafeToServe, match="users add NAME --role admin"):
            prepare_accounts(db, "0.0.0.0")
        first = prepare_accounts(db, "127.0.0.1")
        assert first is not None and first.username == LOCAL_USERNAME
        from web.db.models import Role, User

        user = db.query(User).one()
        assert user.role is Role.admin and verify_password(user.password_hash, first.password)
        assert prepare_accounts(db, "127.0.0.1") is None
        assert prepare_accounts(db, "0.0.0.0") is None  # accounts exist now


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.5.0.1", True), ("::1", True), ("localhost", True),
     ("0.0.0.0", False), ("192.168.1.4", False), ("example.org", False)],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_security_headers_on_pages_and_api(app_client: TestClient) -> None:
    page = app_client.get("/practice")
    assert page.status_code == 200 and "<script type=\"module\"" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["x-frame-options"] == "DENY"
    api = app_client.get("/api/health")
    assert api.headers["cache-control"] == "no-store"
    assert app_client.get("/no/such/page").status_code == 404
    assert app_client.get("/api/nothing").status_code == 404


def test_api_docs_work_offline(app_client: TestClient) -> None:
    docs = app_client.get("/docs")
    assert docs.status_code == 200 and "/docs/assets/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    bundle = app_client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.content) > 100_000
    assert app_client.get("/docs/assets/../../pyproject.toml").status_code == 404
    spec = app_client.get("/openapi.json").json()
    assert "/api/sessions/{call_id}" in spec["paths"]


def test_health_reports_the_database_and_live_calls(app_client: TestClient) -> None:
    health = app_client.get("/api/health").json()
    assert health["status"] == "ok" and health["database_revision"]
    assert health["live_calls"] == "idle"  # tests load the pipeline on first call only


def test_the_call_socket_needs_the_owner_of_a_pending_call(app_client: TestClient) -> None:
    rob, rita = _signed_in(app_client, "rob"), _signed_in(app_client, "rita")
    call = rob.post("/api/calls", json={"persona_id": "busy-exec-cold-call"}).json()
    anonymous = TestClient(app_client.app)
    anonymous.portal = app_client.portal
    for client, path in (
        (anonymous, call["websocket_path"]),
        (rita, call["websocket_path"]),
        (rob, "/ws/call?call=" + "0" * 32),
        (rob, "/ws/call"),
    ):
        with pytest.raises(WebSocketDisconnect) as refused:
            with client.websocket_connect(path) as socket:
                socket.receive_text()
        assert refused.value.code == 1008, path
    with pytest.raises(WebSocketDisconnect) as cross_site:
        with rob.websocket_connect(call["websocket_path"], headers={"Origin": "https://evil.example"}) as socket:
            socket.receive_text()
    assert cross_site.value.code == 1008


def _run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "run_agent.py", *args], cwd=ROOT, env=env, input=stdin,
        capture_output=True, text=True, timeout=120,
    )


def test_serve_refuses_a_network_address_without_accounts_then_runs_on_loopback(tmp_path: Path) -> None:
    env = {**os.environ, "ROLEPLAY_DATA_DIR": str(tmp_path), "ROLEPLAY_LLM_BASE_URL": "http://127.0.0.1:9/v1"}
    refused = _run(["serve", "--host", "0.0.0.0", "--port", "18999"], env)
    assert refused.returncode == 2 and "users add NAME --role admin" in refused.stderr

    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "run_agent.py", "serve", "--port", str(port)], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        output = ""
        deadline = time.monotonic() + 90
        while "Serving on" not in output:
            assert server.poll() is None and time.monotonic() < deadline, output
            output += server.stdout.readline()
        assert f"sign in as {LOCAL_USERNAME}" in output
        password = output.split("with password ")[1].split()[0]
        for _ in range(100):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        signin = httpx.post(
            f"http://127.0.0.1:{port}/api/auth/signin", json={"username": LOCAL_USERNAME, "password": password}
        )
        assert signin.status_code == 200 and signin.json()["user"]["role"] == "admin"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_users_and_sessions_import_commands(
    tmp_path: Path, piper_voice_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The commands through ``run_agent.main`` in-process (``serve`` above covers the process)."""
    import io

    from audio import PiperTts
    from run_agent import main
    from tests.browser.support import DISCOVERY_CALL, synthesize_session

    monkeypatch.setenv("ROLEPLAY_DATA_DIR", str(tmp_path / "data"))

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, _ = run("users", "add", "maya", "--role", "rep", "--team", "North", "--password-stdin",
                       stdin="long-password-1\n")
    assert code == 0 and "created rep 'maya'" in out
    code, _, err = run("users", "add", "x", "--password-stdin", stdin="short\n")
    assert code == 1 and "at least 8 characters" in err
    code, out, _ = run("users", "add", "lee")
    assert code == 0 and "password: " in out
    code, out, _ = run("users", "list")
    assert "maya" in out and "North" in out
    session = tmp_path / "session"
    synthesize_session(PiperTts(piper_voice_path), session, "busy-exec-cold-call", DISCOVERY_CALL[:5])
    code, out, err = run("sessions", "import", str(session), "--user", "maya")
    assert code == 0 and ": scored, overall" in out, err
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "transcript.json").write_text('{"version": 1, "turns": [{"speaker": "seller"}]}')
    code, _, err = run("sessions", "import", str(broken), "--user", "maya", "--persona", "roi-cfo")
    assert code == 1 and "turns[0].speaker" in err


def test_calls_interrupted_by_a_server_stop_are_recovered_on_the_next_start(
    tmp_path: Path, settings: Settings, tmp_path_factory: pytest.TempPathFactory, piper_voice_path: Path
) -> None:
    import json
    import shutil

    from tests.browser.support import shared_template
    from web.db.models import Call, CallStatus, User
    from web.services.calls import new_call, session_path

    config = settings.with_overrides(data_dir=tmp_path)
    first = create_app(config)
    with TestClient(first):
        state = first.state.web
        with state.sessions() as db:
            seed_accounts(db)
            rob = db.query(User).filter_by(username="rob").one()
            live = new_call(db, rob, "busy-exec-cold-call", "Dana Whitfield", scorecard_id="sdr")
            never = new_call(db, rob, "busy-exec-cold-call", "Dana Whitfield", scorecard_id="sdr")
            live.status = CallStatus.live
            db.commit()
            directory = session_path(state.recordings_dir, live)
        shutil.copytree(shared_template(tmp_path_factory, piper_voice_path), directory)
        transcript = json.loads((directory / "transcript.json").read_text())
        transcript["complete"] = False
        (directory / "transcript.json").write_text(json.dumps(transcript))
        wav = directory / "recording.wav"
        data = bytearray(wav.read_bytes())
        data[4:8] = (36).to_bytes(4, "little")  # a header last updated when the file was empty
        data[40:44] = (0).to_bytes(4, "little")
        wav.write_bytes(bytes(data))
    second = create_app(config)  # "restart" on the same data dir
    with TestClient(second) as client:
        with second.state.web.sessions() as db:
            recovered, failed = db.get(Call, live.id), db.get(Call, never.id)
            assert recovered.status is CallStatus.scored
            assert "recovered after the server stopped" in recovered.status_detail
            assert "cut short" in recovered.status_detail
            assert failed.status is CallStatus.failed
        signin = client.post("/api/auth/signin", json={"username": "rob", "password": PASSWORD})
        assert signin.status_code == 200
        wave = client.get(f"/api/sessions/{live.id}/waveform", params={"points": 50}).json()
        assert wave["duration_s"] > 30 and max(wave["peaks"][0]) > 0.05
