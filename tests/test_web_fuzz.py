"""Schema-driven fuzzing of the whole REST API (schemathesis, in-process, loopback only).

Every operation in the OpenAPI document gets generated requests, valid and
invalid, sent as a signed-in admin (the widest access) with the CSRF header;
no response may be a server error. Examples are bounded so the run takes about
a minute on two cores.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from simulator.settings import Settings
from tests.browser.support import PASSWORD, import_session, seed_accounts, shared_template
from web.app import create_app

MAX_EXAMPLES = 12
# Signing out (or changing the password) would end the fuzzer's own session midway.
SKIPPED = {("POST", "/api/auth/signout"), ("POST", "/api/auth/password")}


@pytest.fixture(scope="module")
def fuzz_target(
    tmp_path_factory: pytest.TempPathFactory, piper_voice_path: Path, settings: Settings
) -> Iterator[dict[str, Any]]:
    # An LLM URL nobody listens on: test-chat replies fall back to authored lines at once.
    app = create_app(
        settings.with_overrides(
            data_dir=tmp_path_factory.mktemp("fuzz"), llm_base_url="http://127.0.0.1:9/v1"
        )
    )
    with TestClient(app) as client:
        state = app.state.web
        with state.sessions() as db:
            seed_accounts(db)
        import_session(state.sessions, state.recordings_dir, shared_template(tmp_path_factory, piper_voice_path),
                       "rob", "busy-exec-cold-call")
        signed_in = client.post("/api/auth/signin", json={"username": "admin", "password": PASSWORD})
        headers = {
            "X-CSRF-Token": signed_in.json()["csrf_token"],
            "Cookie": f"roleplay_session={signed_in.cookies['roleplay_session']}",
        }
        yield {"schema": schemathesis.openapi.from_asgi("/openapi.json", app), "headers": headers}


@pytest.fixture(scope="module")
def web_schema(fuzz_target: dict[str, Any]) -> Any:
    return fuzz_target["schema"]


schema = schemathesis.pytest.from_fixture("web_schema")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_input_makes_the_server_fail(case: Any, fuzz_target: dict[str, Any]) -> None:
    if (case.method.upper(), case.path) in SKIPPED:
        return
    response = case.call(headers={**(case.headers or {}), **fuzz_target["headers"]})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
    )
