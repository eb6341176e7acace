"""A thin async client for any OpenAI-compatible chat server.

The buyer brain talks to OpenAI, Ollama, vLLM, a llama.cpp server or the
embedded llama-cpp-python server through this one class. It adds what a live
call needs on top of ``openai.AsyncOpenAI``: a first-token timeout and a total
timeout (a slow server must not freeze the call), no silent retries (the brain
falls back to an authored line instead, which is faster than a retry), errors
translated into a small hierarchy at this boundary, and the JSON-mode
difference between servers (llama-cpp-python answers ``json_schema`` with HTTP
500 and wants ``{"type": "json_object", "schema": ...}``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import openai

logger = logging.getLogger("simulator.llm")

Message = dict[str, str]
JsonMode = Literal["auto", "json_schema", "json_object"]


class LLMError(RuntimeError):
    """The LLM could not give a usable answer; ``retryable`` says whether trying again may help."""

    retryable = True


class LLMUnavailable(LLMError):
    """The server cannot be reached (down, refused, restarting)."""


class LLMTimeout(LLMError):
    """The server did not answer in time."""


class LLMBadResponse(LLMError):
    """The server answered with an error status or with something unusable."""

    retryable = False


@dataclass(frozen=True)
class LLMOptions:
    """Where the LLM is and how long to wait for it."""

    base_url: str
    """OpenAI-compatible base URL ending in ``/v1``."""
    model: str = "local"
    api_key: str = "not-needed"
    first_token_timeout_s: float = 15.0
    """Give up when no token arrived within this time (cold prompts on CPU are slow)."""
    stall_timeout_s: float = 10.0
    """Give up when the stream pauses longer than this between tokens."""
    total_timeout_s: float = 30.0
    """Limit for non-streamed requests."""
    json_mode: JsonMode = "auto"
    """``auto`` tries ``json_schema`` and switches to ``json_object`` if the server rejects it."""


class ChatStream:
    """Text deltas of one streamed completion; iterate it once.

    Timeouts apply to each wait for the server, never across a ``yield``: the
    consumer may spend time on each delta (speech synthesis) without that time
    counting against the server.
    """

    def __init__(
        self, client: openai.AsyncOpenAI, options: LLMOptions, request: dict[str, Any]
    ) -> None:
        self._client = client
        self._options = options
        self._request = request
        self.finish_reason: str | None = None
        """``stop`` or ``length`` once the stream is exhausted."""
        self.first_token_s: float | None = None
        """Seconds from the request to the first text delta."""
        self.deltas = 0
        """Text deltas received (one per token on llama.cpp servers)."""

    def __aiter__(self) -> AsyncIterator[str]:
        return self._run()

    async def _run(self) -> AsyncIterator[str]:
        started = time.perf_counter()
        base_url = self._options.base_url
        response = None
        try:
            response = await asyncio.wait_for(
                self._client.chat.completions.create(**self._request, stream=True),
                self._options.first_token_timeout_s,
            )
            chunks = response.__aiter__()
            while True:
                wait = (
                    self._options.first_token_timeout_s - (time.perf_counter() - started)
                    if self.first_token_s is None
                    else self._options.stall_timeout_s
                )
                try:
                    chunk = await asyncio.wait_for(chunks.__anext__(), max(wait, 0.01))
                except StopAsyncIteration:
                    return
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                if choice.finish_reason:
                    self.finish_reason = choice.finish_reason
                text = choice.delta.content if choice.delta else None
                if text:
                    if self.first_token_s is None:
                        self.first_token_s = time.perf_counter() - started
                    self.deltas += 1
                    yield text
        except TimeoutError:
            raise LLMTimeout(f"{base_url} stopped answering in time") from None
        except openai.APIError as error:
            raise _translate(error, base_url) from error
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            # a server that answers with something that is not an OpenAI stream
            raise LLMBadResponse(f"{base_url} sent an unusable stream: {error!r:.200}") from error
        finally:
            if response is not None:
                await response.close()


class LLMClient:
    """One OpenAI-compatible endpoint. Safe to share between sessions on one event loop."""

    def __init__(self, options: LLMOptions) -> None:
        self.options = options
        self._json_mode: JsonMode = options.json_mode
        self._client = openai.AsyncOpenAI(
            base_url=options.base_url,
            api_key=options.api_key,
            max_retries=0,
            timeout=options.total_timeout_s,
        )

    async def aclose(self) -> None:
        await self._client.close()

    def stream_chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int = 60,
        temperature: float = 0.5,
        stop: Sequence[str] = (),
        seed: int | None = None,
    ) -> ChatStream:
        """Stream a completion; iterate the result for text deltas."""
        request: dict[str, Any] = {
            "model": self.options.model,
            "messages": list(messages),
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stop": list(stop)[:4] or None,  # the OpenAI API takes at most 4
        }
        if seed is not None:
            request["seed"] = seed
        return ChatStream(self._client, self.options, request)

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int = 60,
        temperature: float = 0.5,
        stop: Sequence[str] = (),
        timeout_s: float | None = None,
    ) -> str:
        """A whole (non-streamed) completion; used to pre-warm and for short answers.

        ``timeout_s`` overrides ``total_timeout_s``: pre-warming a cold prompt on a
        busy CPU can take minutes, and is off the call's critical path.
        """
        timeout = timeout_s or self.options.total_timeout_s
        try:
            async with asyncio.timeout(timeout):
                response = await self._client.chat.completions.create(
                    model=self.options.model,
                    messages=list(messages),  # type: ignore[arg-type]
                    max_tokens=max_tokens,
                    temperature=temperature,
                    stop=list(stop)[:4] or None,
                    timeout=timeout,
                )
        except TimeoutError:
            raise LLMTimeout(f"no answer from {self.options.base_url} in time") from None
        except openai.APIError as error:
            raise _translate(error, self.options.base_url) from error
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise LLMBadResponse(f"unusable answer: {error!r:.200}") from error
        if not getattr(response, "choices", None):
            raise LLMBadResponse("the server returned no choices")
        return response.choices[0].message.content or ""

    async def complete_json(
        self,
        messages: Sequence[Message],
        schema: dict[str, Any],
        *,
        max_tokens: int = 120,
    ) -> dict[str, Any]:
        """A JSON object constrained by ``schema`` (as far as the server enforces it)."""
        modes: list[JsonMode] = (
            ["json_schema", "json_object"] if self._json_mode == "auto" else [self._json_mode]
        )
        for mode in modes:
            response_format: dict[str, Any] = (
                {"type": "json_schema", "json_schema": {"name": "result", "schema": schema}}
                if mode == "json_schema"
                else {"type": "json_object", "schema": schema}
            )
            try:
                async with asyncio.timeout(self.options.total_timeout_s):
                    response = await self._client.chat.completions.create(
                        model=self.options.model,
                        messages=list(messages),  # type: ignore[arg-type]
                        max_tokens=max_tokens,
                        temperature=0.0,
                        response_format=response_format,  # type: ignore[arg-type]
                    )
            except TimeoutError:
                raise LLMTimeout(f"no JSON answer from {self.options.base_url} in time") from None
            except (openai.InternalServerError, openai.BadRequestError) as error:
                if mode == "json_schema" and len(modes) > 1:
                    logger.info(
                        "server rejected json_schema (%s); using json_object", error.status_code
                    )
                    self._json_mode = "json_object"
                    continue
                raise _translate(error, self.options.base_url) from error
            except openai.APIError as error:
                raise _translate(error, self.options.base_url) from error
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                raise LLMBadResponse(f"unusable answer: {error!r:.200}") from error
            self._json_mode = mode
            choices = getattr(response, "choices", None)
            content = choices[0].message.content if choices else None
            try:
                value = json.loads(content or "")
            except json.JSONDecodeError as error:
                raise LLMBadResponse(f"not JSON: {content!r:.200}") from error
            if not isinstance(value, dict):
                raise LLMBadResponse(f"expected a JSON object, got {type(value).__name__}")
            return value
        raise LLMBadResponse("no JSON mode accepted")  # unreachable: modes is never empty


def _translate(error: openai.APIError, base_url: str) -> LLMError:
    """Map SDK errors onto the small hierarchy the brain handles."""
    if isinstance(error, openai.APITimeoutError):
        return LLMTimeout(f"{base_url} timed out")
    if isinstance(error, openai.APIConnectionError):
        return LLMUnavailable(f"cannot reach {base_url}: {error}")
    if isinstance(error, openai.APIStatusError):
        result: LLMError = LLMBadResponse(
            f"{base_url} answered HTTP {error.status_code}: {error.message:.200}"
        )
        result.retryable = error.status_code >= 500 or error.status_code in (408, 429)
        return result
    return LLMBadResponse(f"{base_url}: {error}")
