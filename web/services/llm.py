"""The LLM the web app's text test-chat talks to, chosen from settings.

``llm_base_url`` set: any OpenAI-compatible server. Unset: the embedded
llama.cpp server (shared per process, started on first use, stopped with the
app). When neither is usable the chat still works on the persona's authored
lines, and the reason is shown to the trainer instead of failing.
"""

from __future__ import annotations

import asyncio
import logging

from simulator.llm import EmbeddedLLMServer, EmbeddedServerError, LLMClient, LLMOptions
from simulator.model_store import ModelStore, ModelStoreError
from simulator.settings import Settings

logger = logging.getLogger("web.llm")


class LLMProvider:
    """Lazily connects to the configured LLM once; hands out one client for the app."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = asyncio.Lock()
        self._client: LLMClient | None = None
        self._server: EmbeddedLLMServer | None = None
        self._notice: str | None = None

    async def client(self) -> tuple[LLMClient | None, str]:
        """(client or None, notice for the user: empty when the LLM is in use)."""
        async with self._lock:
            if self._client is None and self._notice is None:
                await self._connect()
            return self._client, self._notice or ""

    async def _connect(self) -> None:
        s = self._settings
        if s.llm_base_url:
            self._client = LLMClient(
                LLMOptions(base_url=s.llm_base_url, model=s.llm_model_name, api_key=s.llm_api_key)
            )
            return
        try:
            model = ModelStore(s.cache_dir).resolve(s.llm_model, "gguf")
            server = EmbeddedLLMServer.shared(model, s.llm_threads, s.llm_context)
            await server.start()
        except (ModelStoreError, EmbeddedServerError) as error:
            logger.warning("test chat runs without an LLM: %s", error)
            self._notice = f"No LLM available ({error}); the buyer answers with its authored lines."
            return
        self._server = server
        self._client = server.client()

    async def aclose(self) -> None:
        """Release the embedded server (it stops when its last user lets go)."""
        if self._client is not None:
            await self._client.aclose()
        if self._server is not None:
            await self._server.stop()
        self._client = self._server = None
