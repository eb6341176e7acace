"""The REST API against a real SQLite database, real argon2, the real persona library
and the real evaluator, on sessions spoken by the real Piper voice."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.browser.support import World, web_settings, world  # noqa: F401  (fixtures)


# --- accounts and sign-in ---------------------------------------------------------------


def test_signin_sets_an_httponly_cookie_and_me_returns_the_csrf_token(world: World) -> None:
    client = world.client()
    response = client.post("/api/auth/signin", json={"username": "rob", "password": "correct-horse-7"})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    me = client.get("/api/auth/me").json()
    assert me["user"]["username"] == "rob" and me["csrf_token"] == response.json()["csrf_token"]


def test_passwords_are_stored_as_argon2id_hashes(world: World) -> None:
    from web.db.models import User

    with world.state.sessions() as db:
        user = db.get(User, world.ids["rob"])
        assert user.password_hash.startswith("$argon2id$") and "correct-horse-7" not in user.password_hash


def test_sign_in_is_rate_limited_per_user_name(world: World) -> None:
    client = world.client()
    codes = [
        client.post("/api/auth/signin", json={"username": "ghost", "password": "wrong-password"}).status_code
        for _ in range(6)
    ]
    assert codes == [401] * 5 + [429]
    limited = client.post("/api/auth/signin", json={"username": "ghost", "password": "wrong-password"})
    assert int(limited.headers["retry-after"]) > 0


def test_sign_in_only_accepts_json(world: World) -> None:
    response = world.client().post(
        "/api/auth/signin", content=b"username=rob&password=correct-horse-7",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code in (415, 422)


def test_state_changing_requests_need_the_csrf_token(world: World) -> None:
    client = world.client("rob")
    call_id = world.calls["rob"]
    token = client.headers.pop("X-CSRF-Token")
    refused = client.post(f"/api/sessions/{call_id}/comments", json={"t": 1, "text": "hi"})
    assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["detail"]
    wrong = client.post(f"/api/sessions/{call_id}/comments", json={"t": 1, "text": "hi"},
                        headers={"X-CSRF-Token": "x" * 43})
    assert wrong.status_code == 403
    ok = client.post(f"/api/sessions/{call_id}/comments", json={"t": 1, "text": "hi"},
                     headers={"X-CSRF-Token": token})
    assert ok.status_code == 201


def test_cross_site_requests_are_refused(world: World) -> None:
    client = world.client("rob")
    response = client.post(
        f"/api/sessions/{world.calls['rob']}/comments", json={"t": 1, "text": "hi"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403 and response.json()["detail"] == "cross-site request refused"


def test_sign_out_invalidates_the_cookie(world: World) -> None:
    client = world.client("rita")
    cookie = dict(client.cookies)
    assert client.post("/api/auth/signout").status_code == 204
    replay = TestClient(world.app, cookies=cookie)
    replay.portal = world.portal
    assert replay.get("/api/auth/me").status_code == 401


def test_only_admins_create_accounts_and_weak_passwords_are_refused(world: World) -> None:
    body = {"username": "newrep", "password": "long-enough-pw", "role": "rep"}
    assert world.client("maria").post("/api/users", json=body).status_code == 403
    admin = world.client("admin")
    assert admin.post("/api/users", json={**body, "password": "short"}).status_code == 400
    created = admin.post("/api/users", json=body)
    assert created.status_code == 201 and created.json()["role"] == "rep"
    assert admin.post("/api/users", json=body).status_code == 400  # name taken


# --- who sees what ------------------------------------------------------------------------

SESSION_READS = ("", "/recording", "/waveform")


def test_a_rep_can_never_read_another_reps_session(world: World) -> None:
    rob = world.client("rob")
    other = world.calls["rita"]
    for suffix in SESSION_READS:
        response = rob.get(f"/api/sessions/{other}{suffix}")
        assert response.status_code == 404, suffix
        assert "rita" not in response.text.lower()
    writes = [
        ("post", f"/api/sessions/{other}/comments", {"t": 0, "text": "peek"}),
        ("post", f"/api/sessions/{other}/overrides",
         {"competency": "discovery", "criterion": "x", "score": 100, "reason": "mine now"}),
    ]
    for method, url, body in writes:
        assert getattr(rob, method)(url, json=body).status_code == 404, url
    listed = rob.get("/api/sessions", params={"rep_id": world.ids["rita"]}).json()
    assert listed == []
    assert {s["id"] for s in rob.get("/api/sessions").json()} == {world.calls["rob"]}
    exported = rob.get("/api/export/scores.json").json()
    assert {row["session_id"] for row in exported} == {world.calls["rob"]}
    assert world.calls["rita"] not in rob.get("/api/export/scores.csv").text
    assert rob.get(f"/api/profile/{world.ids['rita']}").status_code == 404
    assert rob.get("/api/team/dashboard").status_code == 403


def test_a_manager_sees_their_team_only(world: World) -> None:
    maria = world.client("maria")
    visible = {s["id"] for s in maria.get("/api/sessions").json()}
    assert visible == {world.calls["rob"], world.calls["rita"]}
    assert maria.get(f"/api/sessions/{world.calls['wes']}").status_code == 404
    assert maria.get(f"/api/profile/{world.ids['rob']}").status_code == 200
    assert maria.get(f"/api/profile/{world.ids['wes']}").status_code == 404
    dashboard = maria.get("/api/team/dashboard").json()
    assert [r["name"] for r in dashboard["reps"]] == ["Rita", "Rob"]


def test_a_trainer_authors_content_but_reads_no_rep_sessions(world: World) -> None:
    tara = world.client("tara")
    assert tara.get("/api/sessions").json() == []
    assert tara.get(f"/api/sessions/{world.calls['rob']}").status_code == 404
    assert tara.get("/api/personas").status_code == 200
    assert world.client("rob").get("/api/personas").status_code == 403  # hidden facts stay hidden


def test_admin_sees_every_session(world: World) -> None:
    ids = {s["id"] for s in world.client("admin").get("/api/sessions").json()}
    assert set(world.calls.values()) <= ids
