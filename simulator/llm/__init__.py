"""LLM backends: an OpenAI-compatible client and the embedded llama.cpp server."""

from simulator.llm.client import (
    ChatStream,
    LLMBadResponse,
    LLMClient,
    LLMError,
    LLMOptions,
    LLMTimeout,
    LLMUnavailable,
    Message,
)
from simulator.llm.server import EmbeddedLLMServer, EmbeddedServerError

__all__ = [
    "ChatStream",
    "EmbeddedLLMServer",
    "EmbeddedServerError",
    "LLMBadResponse",
    "LLMClient",
    "LLMError",
    "LLMOptions",
    "LLMTimeout",
    "LLMUnavailable",
    "Message",
]
