"""Picks the LLM backend from settings: a configured URL, or the embedded server.

With ``llm_base_url`` set, the brain talks to that server (OpenAI, Ollama,
vLLM, llama.cpp) using ``llm_model_name`` and ``llm_api_key``. Without it, the
GGUF named by ``llm_model`` (a model-store name or a path) is served by the
shared embedded server, started on first use.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from simulator.llm.client import LLMClient, LLMOptions
from simulator.llm.server import EmbeddedLLMServer
from simulator.model_store import ModelStore
from simulator.settings import Settings


def resolve_gguf(settings: Settings, model: str | None = None) -> Path:
    """A model-store name or a path to a ``.gguf`` file."""
    name = model or settings.llm_model
    path = Path(name).expanduser()
    if path.suffix == ".gguf" or path.is_file():
        return path
    return ModelStore(settings.cache_dir).resolve(name, "gguf")


def quiet_http_logs() -> None:
    """One INFO line per HTTP request drowns a chat or a bench; keep warnings only."""
    for name in ("httpx", "httpx2", "openai"):
        logging.getLogger(name).setLevel(logging.WARNING)


def describe_backend(settings: Settings, model: str | None = None) -> str:
    """One line saying which LLM a command will use."""
    if settings.llm_base_url:
        return f"{settings.llm_base_url} (model {model or settings.llm_model_name})"
    return f"embedded llama.cpp server ({model or settings.llm_model})"


@asynccontextmanager
async def open_llm(settings: Settings, model: str | None = None) -> AsyncIterator[LLMClient]:
    """An LLM client for the configured backend; starts (and leaves) the embedded server."""
    if settings.llm_base_url:
        client = LLMClient(
            LLMOptions(
                base_url=settings.llm_base_url,
                model=model or settings.llm_model_name,
                api_key=settings.llm_api_key,
            )
        )
        try:
            yield client
        finally:
            await client.aclose()
        return
    server = EmbeddedLLMServer.shared(
        resolve_gguf(settings, model), settings.llm_threads, settings.llm_context
    )
    async with server:
        client = server.client()
        try:
            yield client
        finally:
            await client.aclose()
