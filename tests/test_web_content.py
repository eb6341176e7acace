"""Trainer content: persona and scorecard editors (live validation), assignments, test chat."""

from __future__ import annotations

from typing import Any

import pytest

from personas import LIBRARY_DIR
from simulator.settings import Settings
from tests.browser.support import World, world  # noqa: F401  (module fixture)

DANA = (LIBRARY_DIR / "busy-exec-cold-call.yaml").read_text(encoding="utf-8")
CUSTOM = DANA.replace("id: busy-exec-cold-call", "id: dana-custom", 1)


@pytest.fixture(scope="module")
def web_settings(settings: Settings, smollm2_server: Any) -> Settings:
    """The test chat talks to the session's real llama.cpp server (SmolLM2)."""
    return settings.with_overrides(llm_base_url=smollm2_server.base_url, llm_model_name=smollm2_server.alias)


SCORECARD = """\
id: quick_check
name: Quick check
pass_mark: 50
competencies:
  - id: discovery
    name: Discovery
    weight: 1
    criteria:
      - id: problem
        name: Finds a problem
        type: yes_no
        check: asked_problem_question
"""


def test_persona_validation_names_line_and_field(world: World) -> None:
    tara = world.client("tara")
    broken = DANA.replace("difficulty: hard", "difficulty: brutal")
    result = tara.post("/api/personas/validate", json={"yaml": broken}).json()
    assert result["valid"] is False
    issue = next(i for i in result["issues"] if i["field"] == "difficulty")
    assert issue["line"] == broken.splitlines().index("difficulty: brutal") + 1
    syntax = tara.post("/api/personas/validate", json={"yaml": "id: [unclosed"}).json()
    assert syntax["valid"] is False and syntax["issues"][0]["line"] == 1
    good = tara.post("/api/personas/validate", json={"yaml": DANA}).json()
    assert good["valid"] and good["card"]["name"] == "Dana Whitfield"
    assert "facts" not in good["card"]


def test_custom_personas_are_created_edited_and_offered_to_reps(world: World) -> None:
    tara = world.client("tara")
    created = tara.post("/api/personas", json={"yaml": CUSTOM})
    assert created.status_code == 201 and created.json()["editable"]
    assert tara.post("/api/personas", json={"yaml": CUSTOM}).status_code == 409
    renamed = CUSTOM.replace("name: Dana Whitfield", "name: Dana Custom", 1)
    assert tara.put("/api/personas/dana-custom", json={"yaml": renamed}).json()["card"]["name"] == "Dana Custom"
    other_id = renamed.replace("id: dana-custom", "id: someone-else", 1)
    assert tara.put("/api/personas/dana-custom", json={"yaml": other_id}).status_code == 422
    assert tara.put("/api/personas/busy-exec-cold-call", json={"yaml": DANA}).status_code == 409
    cards = [s["card"] for s in world.client("rob").get("/api/scenarios").json()]
    assert any(c["id"] == "dana-custom" and c["source"] == "custom" for c in cards)
    invalid = tara.post("/api/personas", json={"yaml": CUSTOM.replace("id: dana-custom", "id: x2\nbogus: 1", 1)})
    assert invalid.status_code == 422 and invalid.json()["detail"]["issues"]


def test_persona_upload_is_size_limited(world: World) -> None:
    tara = world.client("tara")
    upload = CUSTOM.replace("id: dana-custom", "id: dana-upload", 1).encode()
    ok = tara.post("/api/personas/import", files={"file": ("dana.yaml", upload, "application/yaml")})
    assert ok.status_code == 201 and ok.json()["id"] == "dana-upload"
    huge = tara.post("/api/personas/import", files={"file": ("big.yaml", b"#" * 300_000, "application/yaml")})
    assert huge.status_code == 413
    binary = tara.post("/api/personas/import", files={"file": ("x.yaml", b"\xff\xfe\x00", "application/yaml")})
    assert binary.status_code == 422


def test_whole_request_bodies_are_size_limited(world: World) -> None:
    tara = world.client("tara")
    limit = world.state.settings.max_request_bytes
    response = tara.post("/api/personas/validate", json={"yaml": "a" * (limit + 10)})
    assert response.status_code == 413


def test_scorecard_templates_validate_and_save(world: World) -> None:
    tara = world.client("tara")
    bad = tara.post("/api/scorecards/validate", json={"yaml": SCORECARD.replace("pass_mark: 50", "pass_mark: 500")}).json()
    assert not bad["valid"] and bad["issues"][0]["line"] == 3 and bad["issues"][0]["field"] == "pass_mark"
    created = tara.post("/api/scorecards", json={"yaml": SCORECARD})
    assert created.status_code == 201 and created.json()["competencies"][0]["id"] == "discovery"
    ids = {t["id"] for t in world.client("rob").get("/api/scorecards").json()}
    assert {"sdr", "ae", "am", "quick_check"} <= ids
    assert tara.put("/api/scorecards/sdr", json={"yaml": SCORECARD}).status_code == 409
    assert world.client("rob").post("/api/scorecards", json={"yaml": SCORECARD}).status_code == 403


def test_assignments_put_scenarios_first_for_the_team(world: World) -> None:
    tara = world.client("tara")
    east = next(t for t in tara.get("/api/teams").json() if t["name"] == "East")
    body = {"persona_id": "roi-cfo", "scorecard_id": "ae", "team_id": east["id"], "note": "Quantify the pain"}
    created = tara.post("/api/assignments", json=body)
    assert created.status_code == 201 and created.json()["target"] == "team East"
    first = world.client("rob").get("/api/scenarios").json()[0]
    assert first["card"]["id"] == "roi-cfo" and first["assignments"][0]["note"] == "Quantify the pain"
    assert world.client("wes").get("/api/scenarios").json()[0]["assignments"] == []
    both = tara.post("/api/assignments", json={**body, "rep_id": world.ids["rob"]})
    assert both.status_code == 422
    booked = world.client("rob").post(
        "/api/calls", json={"persona_id": "roi-cfo", "assignment_id": created.json()["id"]}
    ).json()
    assert booked["scorecard_id"] == "ae" and booked["websocket_path"].endswith(booked["id"])
    stolen = world.client("wes").post(
        "/api/calls", json={"persona_id": "roi-cfo", "assignment_id": created.json()["id"]}
    )
    assert stolen.status_code == 422


def test_booking_a_call_picks_the_scorecard_of_the_personas_role(world: World) -> None:
    booked = world.client("wes").post("/api/calls", json={"persona_id": "busy-exec-cold-call"}).json()
    assert booked["scorecard_id"] == "sdr" and booked["persona"]["name"] == "Dana Whitfield"
    assert world.client("wes").post("/api/calls", json={"persona_id": "nobody"}).status_code == 422


def test_test_chat_runs_the_buyer_brain(world: World) -> None:
    tara = world.client("tara")
    chat = tara.post("/api/test-chat", json={"persona_id": "busy-exec-cold-call"}).json()
    assert chat["opening_line"] == "Dana Whitfield."
    turn = tara.post(f"/api/test-chat/{chat['id']}/say", json={"text": "Hi Dana, do you have thirty seconds?"}).json()
    assert turn["reply"] and turn["state"]["rep_turns"] == 1
    assert chat["notice"] == ""  # the LLM answered, not only authored lines
    assert all(e["turn"] == 1 for e in turn["events"])
    assert world.client("maria").post(f"/api/test-chat/{chat['id']}/say", json={"text": "hi"}).status_code == 403
    assert tara.post("/api/test-chat/" + "0" * 32 + "/say", json={"text": "hi"}).status_code == 404
    assert tara.post("/api/test-chat", json={"yaml": "id: [broken"}).status_code == 422
