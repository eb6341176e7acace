"""A whole practice call in Debian chromium: fake microphone in, real voice pipeline behind.

The rep's two turns are spoken by the real Piper voice into a WAV that chromium
plays as its microphone. Behind ``/ws/call`` run the simulator's real pipeline
(webrtcvad, faster-whisper tiny.en, the buyer brain on SmolLM2 through the
embedded llama.cpp server, Piper). The test ends the call from the UI and
checks the scorecard page and the stored recording.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from audio import PiperTts, write_wav
from simulator.settings import Settings
from tests.browser.conftest import CHROMIUM, LiveServer, chromium_args, screenshot, sign_in
from tests.browser.support import REP_VOICE, World

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PERSONA = "friendly-smb-owner"
REP_TURNS = (
    "Hi Rob, this is Sam from FieldPro. Is now a good time for a couple of questions?",
    "How do you schedule your crews today?",
)
MIC_RATE = 16_000
LEAD_S, GAP_S = 3.0, 7.0
"""The microphone file loops (as a rep keeps talking): its silences stay shorter than any
persona's hang-up delay, and however long the pipeline takes to answer, the rep's lines
are heard again after it is live."""


@pytest.fixture(scope="module")
def browser_settings(settings: Settings, smollm2_server: Any) -> Settings:
    """The buyer brain talks to the session's SmolLM2 server; speech uses tiny.en and Piper."""
    return settings.with_overrides(
        llm_base_url=smollm2_server.base_url, llm_model_name=smollm2_server.alias, stt_model="whisper-tiny.en"
    )


@pytest.fixture(scope="module")
def warm_up_calls() -> bool:
    """Load the voice pipeline when the server starts, as ``serve`` does."""
    return True


@pytest.fixture(scope="module")
def fake_mic(tmp_path_factory: pytest.TempPathFactory, piper_voice_path: Path) -> Path:
    """Silence, rep turn, a pause for the buyer's reply, rep turn, a pause (looped by chromium)."""
    tts = PiperTts(piper_voice_path)
    parts = [np.zeros(int(LEAD_S * MIC_RATE), dtype=np.int16)]
    for text in REP_TURNS:
        parts += [tts.synthesize_all(text, REP_VOICE, MIC_RATE), np.zeros(int(GAP_S * MIC_RATE), dtype=np.int16)]
    path = tmp_path_factory.mktemp("mic") / "rep.wav"
    write_wav(path, np.concatenate(parts), MIC_RATE)
    return path


@pytest.fixture(scope="module")
def call_browser(fake_mic: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=chromium_args(fake_mic, loop=True)
        )
        yield instance
        instance.close()


def _wait_for_live_calls(page: Page, base_url: str, timeout_s: float = 300) -> None:
    """Load the voice pipeline before the fake microphone starts talking."""
    deadline = time.monotonic() + timeout_s
    while True:
        status = page.evaluate("() => fetch('/api/health').then(r => r.json()).then(h => h.live_calls)")
        if status == "ready":
            return
        assert not status.startswith("unavailable"), status
        assert time.monotonic() < deadline, f"live calls still {status} after {timeout_s} s"
        page.wait_for_timeout(500)


def test_a_rep_practises_a_whole_call_and_gets_a_scorecard(
    call_browser: Browser, site: tuple[LiveServer, World]
) -> None:
    server, world = site
    context = call_browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, server.url, "rob")
    _wait_for_live_calls(page, server.url)

    page.goto(f"{server.url}/call/{PERSONA}")
    page.check("#headphones")
    screenshot(page, "call-before")
    page.click("#start-call")
    expect(page.locator("#call-state")).to_contain_text("Live", timeout=90_000)
    expect(page.locator(".bubble.buyer").first).to_contain_text("Rob Alvarez", timeout=90_000)
    expect(page.locator(".bubble.rep[data-final]").nth(1)).to_be_visible(timeout=120_000)
    screenshot(page, "call-live")
    expect(page.locator(".bubble.buyer[data-final]")).not_to_have_count(0)
    peak = float(page.locator("#mic-level").get_attribute("data-peak") or 0)
    assert peak > 0.02, f"the level meter never moved (peak {peak})"
    frames = int(page.locator("#captions").get_attribute("data-buyer-frames") or 0)
    assert frames > 50, f"only {frames} frames of buyer audio reached the browser"
    page.click("#end-call")
    page.wait_for_url(f"{server.url}/sessions/*", timeout=120_000)
    expect(page.locator("#scorecard .competency")).not_to_have_count(0, timeout=30_000)
    screenshot(page, "call-scorecard")
    call_id = page.url.rsplit("/", 1)[1]
    context.close()
    assert not errors, errors

    client = world.client("rob")
    session = client.get(f"/api/sessions/{call_id}").json()
    assert session["status"] == "scored", session["status_detail"]
    turns = session["transcript"]["turns"]
    rep = [t for t in turns if t["speaker"] == "rep"]
    heard = " ".join(t["text"].lower() for t in rep)
    assert len(rep) >= 2 and ("crews" in heard or "good time" in heard), heard
    assert any(t["speaker"] == "buyer" for t in turns)
    wave = client.get(f"/api/sessions/{call_id}/waveform", params={"points": 200}).json()
    assert wave["channels"] == 2
    assert max(wave["peaks"][0]) > 0.05, "no rep audio in the left channel"
    assert max(wave["peaks"][1]) > 0.05, "no buyer audio in the right channel"
