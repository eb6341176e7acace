"""Real-browser fixtures: the web app under uvicorn on a loopback port, and Debian chromium.

Chromium is driven through Playwright for Python with ``executable_path``
pointing at the Debian package (never ``playwright install``), a fake
microphone that plays a WAV file, and autoplay allowed so the replay tests can
press play without a user gesture. Screenshots go to ``artifacts/browser/``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from simulator.settings import Settings
from tests.browser.support import PASSWORD, World, import_session, seed_accounts, shared_template

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"


def chromium_args(fake_mic: Path | None = None, *, loop: bool = False) -> list[str]:
    args = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        "--autoplay-policy=no-user-gesture-required",
    ]
    if fake_mic is not None:
        args.append(f"--use-file-for-fake-audio-capture={fake_mic}{'' if loop else '%noloop'}")
    return args


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """The app served by uvicorn in a background thread (one event loop, as in production)."""

    def __init__(self, app: Any) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="uvicorn", daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser_settings(settings: Settings) -> Settings:
    """Settings of the served app; the call test module points the LLM at SmolLM2."""
    return settings


@pytest.fixture(scope="module")
def warm_up_calls() -> bool:
    """Whether the served app loads the voice pipeline at startup (the call test does)."""
    return False


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory,
    piper_voice_path: Path,
    browser_settings: Settings,
    warm_up_calls: bool,
) -> Iterator[tuple[LiveServer, World]]:
    """A served app with the seeded accounts and one scored session per rep."""
    from web.app import create_app

    template = shared_template(tmp_path_factory, piper_voice_path)
    app = create_app(
        browser_settings.with_overrides(data_dir=tmp_path_factory.mktemp("site")),
        warm_up_calls=warm_up_calls,
    )
    with LiveServer(app) as server:
        state = app.state.web
        with state.sessions() as db:
            ids = seed_accounts(db)
        calls = {
            rep: import_session(state.sessions, state.recordings_dir, template, rep, "busy-exec-cold-call")
            for rep in ("rob", "rita")
        }
        yield server, World(app, ids, calls, portal=None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is missing: apt-get install chromium chromium-driver (make test does)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=chromium_args())
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/signin")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".shell")


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under artifacts/browser/ (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_until(page: Page, function: str, timeout_s: float = 15.0) -> Any:
    """Poll ``page.evaluate(function)`` until it is truthy.

    (``page.wait_for_function`` evaluates strings with ``eval``, which the app's
    Content-Security-Policy forbids, as it should.)
    """
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(function)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {function}")
        page.wait_for_timeout(100)
