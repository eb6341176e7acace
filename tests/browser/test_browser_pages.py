"""The UI in a real browser (Debian chromium): rep, manager, trainer and admin pages.

Each test saves screenshots of the pages it visits to artifacts/browser/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, screenshot, sign_in, wait_until
from tests.browser.support import World

pytestmark = pytest.mark.browser


def test_rep_picks_a_scenario_and_reads_the_scorecard_with_evidence_that_seeks(
    page: Page, site: tuple[LiveServer, World]
) -> None:
    server, world = site
    sign_in(page, server.url, "rob")
    expect(page).to_have_url(f"{server.url}/practice")
    expect(page.locator("[data-persona=busy-exec-cold-call]")).to_contain_text("Dana Whitfield")
    expect(page.locator(".persona-card")).to_have_count(len(world.state.personas.builtin()))
    screenshot(page, "rep-scenarios")

    page.click("a[href='/sessions']")
    row = page.locator(f"tr[data-session='{world.calls['rob']}']")
    expect(row).to_be_visible()
    expect(page.locator("tr[data-session]")).to_have_count(1)
    screenshot(page, "rep-history")

    row.click()
    expect(page.locator("#scorecard .competency")).not_to_have_count(0)
    expect(page.locator("#transcript .turn")).to_have_count(9)
    wait_until(page, "() => document.querySelector('#replay-audio').readyState >= 1")
    quote = page.locator("#scorecard .quote").first
    start = float(quote.get_attribute("data-start"))
    quote.click()
    wait_until(page, f"() => Math.abs(document.querySelector('#replay-audio').currentTime - {start}) < 1.5")
    screenshot(page, "rep-scorecard")


def test_a_rep_opening_another_reps_session_is_refused(page: Page, site: tuple[LiveServer, World]) -> None:
    server, world = site
    sign_in(page, server.url, "rob")
    page.goto(f"{server.url}/sessions/{world.calls['rita']}")
    expect(page.locator("#refused")).to_be_visible()
    expect(page.locator("#transcript")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("Dana Whitfield.")
    screenshot(page, "rep-refused")
    status = page.evaluate(f"() => fetch('/api/sessions/{world.calls['rita']}/recording').then(r => r.status)")
    assert status == 404


def test_manager_replay_transcript_follows_playback(page: Page, site: tuple[LiveServer, World]) -> None:
    server, world = site
    sign_in(page, server.url, "maria")
    expect(page.locator("#heatmap")).to_be_visible()
    expect(page.locator("#heatmap tbody tr[data-rep]")).to_have_count(2)
    screenshot(page, "manager-dashboard")

    page.goto(f"{server.url}/sessions/{world.calls['rita']}")
    expect(page.locator("#waveform")).to_be_visible()
    expect(page.locator("#timeline .marker.evidence")).not_to_have_count(0)
    wait_until(page, "() => document.querySelector('#replay-audio').readyState >= 2")
    turns = page.locator("#transcript .turn")
    expect(turns.first).to_be_visible()  # the transcript renders after the audio metadata
    starts = [float(s) for s in turns.evaluate_all("els => els.map(e => e.dataset.start)")]
    page.evaluate("() => document.querySelector('#replay-audio').play()")
    seen = []
    for _ in range(40):
        page.wait_for_timeout(250)
        state = page.evaluate(
            "() => ({t: document.querySelector('#replay-audio').currentTime,"
            " active: [...document.querySelectorAll('#transcript .turn')].findIndex(e => e.classList.contains('active'))})"
        )
        if state["t"] > 0.2:
            # -1: playback has not reached the first turn yet (nothing is highlighted)
            expected = max((i for i, s in enumerate(starts) if s <= state["t"] + 0.05), default=-1)
            assert state["active"] in (expected, expected - 1), state  # one sync tick of slack
            if state["active"] >= 0:
                seen.append(state["active"])
        if len(set(seen)) >= 3:
            break
    assert len(set(seen)) >= 3, f"the highlight did not move through the transcript: {seen}"
    assert seen == sorted(seen)
    screenshot(page, "manager-replay")

    page.fill("#comment-text", "Good permission-based opener")
    page.click("#comments + form button[type=submit]")
    expect(page.locator("#comments .comment")).to_contain_text("Good permission-based opener")
    expect(page.locator("#timeline .marker.comment")).to_have_count(1)


def test_manager_overrides_a_criterion_with_a_reason(page: Page, site: tuple[LiveServer, World]) -> None:
    server, world = site
    sign_in(page, server.url, "maria")
    page.goto(f"{server.url}/sessions/{world.calls['rob']}")
    criterion = page.locator("#scorecard .criterion").filter(has=page.locator(".score.bad")).first
    criterion.get_by_role("button", name="Override score").click()
    criterion.locator("input[name=score]").fill("90")
    criterion.locator("input[name=reason]").fill("Heard it on the recording")
    criterion.get_by_role("button", name="Save").click()
    expect(page.locator(".override-note").first).to_contain_text("Heard it on the recording")
    expect(page.locator("#session-head")).to_contain_text("includes manager overrides")


def test_trainer_editor_shows_line_accurate_errors_live(page: Page, site: tuple[LiveServer, World]) -> None:
    server, _ = site
    sign_in(page, server.url, "tara")
    expect(page.locator("#persona-list .persona-card")).not_to_have_count(0)
    screenshot(page, "trainer-personas")
    page.goto(f"{server.url}/trainer/personas/new?copy=busy-exec-cold-call")
    expect(page.locator("#validation-state")).to_contain_text("Valid")
    source = page.locator("#yaml").input_value()
    page.locator("#yaml").fill(source.replace("difficulty: hard", "difficulty: brutal"))
    issue = page.locator("#issues li").first
    expect(issue).to_contain_text("difficulty")
    line = source.splitlines().index("difficulty: hard") + 1
    expect(issue).to_contain_text(f"line {line}")
    expect(page.locator("#save")).to_be_disabled()
    screenshot(page, "trainer-persona-editor")
    page.goto(f"{server.url}/trainer/scorecards/sdr")
    expect(page.locator("#template-summary")).to_contain_text("pass mark")
    screenshot(page, "trainer-scorecard-editor")
    page.goto(f"{server.url}/trainer/assignments")
    expect(page.locator("#a-persona option")).not_to_have_count(0)
    screenshot(page, "trainer-assignments")


def test_admin_and_profile_pages(page: Page, site: tuple[LiveServer, World]) -> None:
    server, world = site
    sign_in(page, server.url, "admin")
    page.goto(f"{server.url}/admin")
    expect(page.locator("#users tr[data-user=rob]")).to_be_visible()
    screenshot(page, "admin-users")
    page.goto(f"{server.url}/profile/{world.ids['rob']}")
    expect(page.locator("#competency-bars .competency-head")).not_to_have_count(0)
    expect(page.locator("#practice-plan .plan-item")).not_to_have_count(0)
    screenshot(page, "rep-profile")
