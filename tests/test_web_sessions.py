"""Sessions: replay data, the recording, comments, manager overrides, dashboard and exports."""

from __future__ import annotations

import csv
import io
import json

from tests.browser.support import World, web_settings, world  # noqa: F401  (fixtures)


def test_session_detail_has_transcript_events_and_an_evidence_backed_scorecard(world: World) -> None:
    session = world.client("rob").get(f"/api/sessions/{world.calls['rob']}").json()
    assert session["status"] == "scored" and session["has_recording"]
    turns = session["transcript"]["turns"]
    assert turns[1]["speaker"] == "rep" and "thirty seconds" in turns[1]["text"]
    assert any(e["type"] == "fact_revealed" for e in session["events"]["events"])
    card = session["scorecard"]
    assert {"discovery", "objection_handling"} <= set(card["competencies"])
    quotes = [
        (ev, turns[ev["turn"]])
        for comp in card["competencies"].values()
        for crit in comp["criteria"]
        for ev in crit["evidence"]
    ]
    assert quotes, "a scored call must cite evidence"
    for ev, turn in quotes:
        assert ev["quote"] in turn["text"] and ev["start"] >= turn["start"]
    assert session["can_review"] is False  # a rep never reviews their own call


def test_the_printable_report_is_the_evaluators_html_without_scripts(world: World) -> None:
    rob = world.client("rob")
    report = rob.get(f"/api/sessions/{world.calls['rob']}/report.html")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "<script" not in report.text and "Dana Whitfield" in report.text
    assert "script-src" not in report.headers["content-security-policy"]
    assert "default-src 'none'" in report.headers["content-security-policy"]
    assert rob.get(f"/api/sessions/{world.calls['rita']}/report.html").status_code == 404


def test_the_recording_is_stereo_and_seekable(world: World) -> None:
    client = world.client("rob")
    url = f"/api/sessions/{world.calls['rob']}/recording"
    whole = client.get(url)
    assert whole.status_code == 200 and whole.headers["content-type"] == "audio/wav"
    assert int.from_bytes(whole.content[22:24], "little") == 2  # channels in the WAV header
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole.content[100:200]


def test_the_waveform_has_speech_where_the_transcript_says(world: World) -> None:
    client = world.client("rob")
    session = client.get(f"/api/sessions/{world.calls['rob']}").json()
    wave = client.get(f"/api/sessions/{world.calls['rob']}/waveform", params={"points": 400}).json()
    assert wave["channels"] == 2 and len(wave["peaks"][0]) == 400
    per_s = 400 / wave["duration_s"]
    for turn in session["transcript"]["turns"]:
        channel = 0 if turn["speaker"] == "rep" else 1
        middle = int((turn["start"] + turn["end"]) / 2 * per_s)
        assert max(wave["peaks"][channel][middle - 2:middle + 3]) > 0.05, turn
        assert max(wave["peaks"][1 - channel][middle - 2:middle + 3]) < 0.01, turn


def test_comments_are_timestamped_and_only_deletable_by_author_or_reviewer(world: World) -> None:
    rob, maria = world.client("rob"), world.client("maria")
    url = f"/api/sessions/{world.calls['rob']}/comments"
    comment = maria.post(url, json={"t": 12.5, "text": "Great open question here"}).json()
    assert comment["author"] == "Maria" and comment["t"] == 12.5
    mine = rob.post(url, json={"t": 3, "text": "I rushed this"}).json()
    detail = rob.get(f"/api/sessions/{world.calls['rob']}").json()
    times = [c["t"] for c in detail["comments"]]
    assert times == sorted(times) and {3, 12.5} <= set(times)
    assert rob.delete(f"{url}/{comment['id']}").status_code == 403
    assert maria.delete(f"{url}/{mine['id']}").status_code == 204
    assert rob.post(url, json={"t": -1, "text": "x"}).status_code == 422
    assert rob.post(url, json={"t": 1, "text": ""}).status_code == 422


def test_a_manager_override_changes_the_totals_and_keeps_the_reason(world: World) -> None:
    maria = world.client("maria")
    call = world.calls["rita"]
    before = maria.get(f"/api/sessions/{call}").json()
    assert before["can_review"] is True
    def raisable(item: dict) -> bool:
        return item.get("assessed", True) and item["score"] < 100

    competency, comp = next(
        (cid, c) for cid, c in before["scorecard"]["competencies"].items()
        if c.get("assessed", True) and any(raisable(x) for x in c["criteria"])
    )
    criterion = next(x for x in comp["criteria"] if raisable(x))
    body = {"competency": competency, "criterion": criterion["id"], "score": 100,
            "reason": "The buyer did agree; the transcript cut it off"}
    assert world.client("rita").post(f"/api/sessions/{call}/overrides", json=body).status_code == 403
    summary = maria.post(f"/api/sessions/{call}/overrides", json=body)
    assert summary.status_code == 201
    after = maria.get(f"/api/sessions/{call}").json()
    changed = next(x for x in after["scorecard"]["competencies"][competency]["criteria"]
                   if x["id"] == criterion["id"])
    assert changed["score"] == 100
    assert changed["override"]["original_score"] == criterion["score"]
    assert changed["override"]["reason"] == body["reason"] and changed["override"]["by"] == "Maria"
    assert after["scorecard"]["competencies"][competency]["score"] > comp["score"]
    assert after["overall"] >= before["overall"] and summary.json()["overall"] == after["overall"]
    assert after["overrides"][-1]["original_score"] == criterion["score"]
    unknown = maria.post(f"/api/sessions/{call}/overrides", json={**body, "criterion": "nope"})
    assert unknown.status_code == 422 and "known:" in unknown.json()["detail"]


def test_exports_match_the_sessions_and_neutralise_formulas(world: World) -> None:
    maria = world.client("maria")
    rows = maria.get("/api/export/scores.json").json()
    assert {r["session_id"] for r in rows} == {world.calls["rob"], world.calls["rita"]}
    assert all("discovery" in r["competencies"] and "talk_ratio" in r["metrics"] for r in rows)
    table = list(csv.DictReader(io.StringIO(maria.get("/api/export/scores.csv").text)))
    assert {r["session_id"] for r in table} == {r["session_id"] for r in rows}
    by_id = {r["session_id"]: r for r in rows}
    for line in table:
        assert float(line["overall"]) == by_id[line["session_id"]]["overall"]
        assert line["competency:discovery"] != ""
    from web.services.analytics import export_csv

    evil = [{**rows[0], "rep": "=HYPERLINK(\"http://x\")", "competencies": {}, "criteria": {}}]
    assert "'=HYPERLINK" in export_csv(evil)


def test_dashboard_heatmap_averages_each_reps_competencies(world: World) -> None:
    data = world.client("maria").get("/api/team/dashboard").json()
    rob = next(r for r in data["reps"] if r["name"] == "Rob")
    session = world.client("rob").get(f"/api/sessions/{world.calls['rob']}").json()
    for cid, comp in session["scorecard"]["competencies"].items():
        if comp.get("assessed", True):
            assert rob["competencies"][cid] == comp["score"]
        else:
            assert cid not in rob["competencies"]  # not observed is not a 0
    assert rob["sessions"] == 1 and rob["trend"][0]["session"] == world.calls["rob"]
    assert data["weekly"] and data["weekly"][0]["sessions"] == 2


def test_profile_has_levels_and_a_practice_plan_naming_personas(world: World) -> None:
    profile = world.client("rob").get("/api/profile").json()
    assert profile["sessions"] == 1 and profile["rep"]["name"] == "Rob"
    assert profile["practice_plan"], json.dumps(profile)[:500]
    library = {s["card"]["id"] for s in world.client("rob").get("/api/scenarios").json()}
    named = [p["persona_id"] for p in profile["practice_plan"] if p["persona_id"]]
    assert named and set(named) <= library


def test_session_list_filters(world: World) -> None:
    admin = world.client("admin")
    assert {s["rep"]["id"] for s in admin.get("/api/sessions", params={"rep_id": world.ids["wes"]}).json()} == {
        world.ids["wes"]
    }
    assert admin.get("/api/sessions", params={"persona_id": "no-such-persona"}).json() == []
    assert admin.get("/api/sessions", params={"min_score": 101}).status_code == 422
    assert admin.get("/api/sessions", params={"since": "2999-01-01T00:00:00Z"}).json() == []


def test_booked_but_unconnected_calls_stay_out_of_the_history(world: World) -> None:
    wes = world.client("wes")
    booked = wes.post("/api/calls", json={"persona_id": "busy-exec-cold-call"}).json()
    assert booked["id"] not in {s["id"] for s in wes.get("/api/sessions").json()}
    pending = wes.get("/api/sessions", params={"status": "pending"}).json()
    assert [s["id"] for s in pending] == [booked["id"]]
