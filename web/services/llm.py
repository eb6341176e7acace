"""The LLM the web app's text test-chat talks to, chosen from settings.

The simulator's ``open_llm`` picks the backend (``llm_base_url`` or the shared
embedded llama.cpp server); this wrapper connects once, on first use, and when
no LLM is usable the chat still works on the persona's authored lines, with
the reason shown to the trainer instead of an error.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack

from simulator.llm import EmbeddedServerError, LLMClient, LLMError
from simulator.llm.backend import open_llm
from simulator.model_store import ModelStoreError
from simulator.settings import Settings

logger = logging.getLogger("web.llm")


class LLMProvider:
    """Lazily opens the configured LLM once; hands out one shared client."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = asyncio.Lock()
        self._stack = AsyncExitStack()
        self._client: LLMClient | None = None
        self._notice: str | None = None

    async def client(self) -> tuple[LLMClient | None, str]:
        """(client or None, notice for the user: empty when the LLM is in use)."""
        async with self._lock:
            if self._client is None and self._notice is None:
                try:
                    self._client = await self._stack.enter_async_context(open_llm(self._settings))
                except (ModelStoreError, EmbeddedServerError, LLMError, OSError) as error:
                    logger.warning("test chat runs without an LLM: %s", error)
                    self._notice = f"No LLM available ({error}); the buyer answers with its authored lines."
            return self._client, self._notice or ""

    async def aclose(self) -> None:
        """Close the client (the embedded server stops when its last user lets go)."""
        await self._stack.aclose()
        self._client = None
