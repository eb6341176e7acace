"""Shared fixtures: the real models from the offline model store.

``make test`` fetches the test models before pytest starts, so a missing model
here is a bootstrap failure, reported as an error (never a skip).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.model_store import ModelStore
from simulator.settings import Settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings from the environment (the model cache dir in particular)."""
    return Settings()


@pytest.fixture(scope="session")
def model_store(settings: Settings) -> ModelStore:
    return ModelStore(settings.cache_dir)


@pytest.fixture(scope="session")
def whisper_tiny_dir(model_store: ModelStore) -> Path:
    return model_store.resolve("whisper-tiny.en", "whisper")


@pytest.fixture(scope="session")
def whisper_base_dir(model_store: ModelStore) -> Path:
    return model_store.resolve("whisper-base", "whisper")


@pytest.fixture(scope="session")
def piper_voice_path(model_store: ModelStore) -> Path:
    return model_store.resolve("piper-joe-medium", "piper")


@pytest.fixture(scope="session")
def smollm2_path(model_store: ModelStore) -> Path:
    return model_store.resolve("smollm2-135m", "gguf")


@pytest.fixture(scope="session")
def smollm2_server(smollm2_path: Path):  # type: ignore[no-untyped-def]
    """One real embedded llama.cpp server with SmolLM2 for the whole session (shared).

    One thread: under CPU contention two threads collapse (field notes). Process
    management is thread-based, so tests on any event loop can use it.
    """
    from simulator.llm import EmbeddedLLMServer

    server = EmbeddedLLMServer.shared(smollm2_path, threads=1, ctx=4096)
    server.start_sync()
    yield server
    server.stop_sync()
