"""The embedded llama.cpp server and the client against real and broken servers."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from personas import load_library
from simulator.brain import BrainOptions, BuyerBrain
from simulator.llm import (
    EmbeddedLLMServer,
    EmbeddedServerError,
    LLMBadResponse,
    LLMClient,
    LLMOptions,
    LLMTimeout,
    LLMUnavailable,
)

pytestmark = pytest.mark.slow
DANA = load_library().get("busy-exec-cold-call")
SCHEMA = {
    "type": "object",
    "properties": {"is_question": {"type": "boolean"}},
    "required": ["is_question"],
}


async def test_streams_tokens_with_stop_and_finish_reason(
    smollm2_server: EmbeddedLLMServer,
) -> None:
    client = smollm2_server.client()
    stream = client.stream_chat(
        [{"role": "user", "content": "Count: one, two, three, four"}], max_tokens=12, stop=["\n"]
    )
    deltas = [delta async for delta in stream]
    await client.aclose()
    assert deltas and stream.deltas == len(deltas)
    assert stream.finish_reason in ("stop", "length")
    assert stream.first_token_s is not None and stream.first_token_s > 0
    assert "\n" not in "".join(deltas)


async def test_json_mode_auto_switches_to_json_object_on_llama_cpp(
    smollm2_server: EmbeddedLLMServer,
) -> None:
    """llama-cpp-python answers json_schema with HTTP 500; the client must recover."""
    client = LLMClient(LLMOptions(base_url=smollm2_server.base_url, json_mode="auto"))
    value = await client.complete_json(
        [{"role": "user", "content": "Is 'what is your budget?' a question?"}], SCHEMA
    )
    await client.aclose()
    assert isinstance(value.get("is_question"), bool)


async def test_shared_server_is_one_process(
    smollm2_server: EmbeddedLLMServer, smollm2_path: Path
) -> None:
    again = EmbeddedLLMServer.shared(smollm2_path, threads=1, ctx=4096)
    assert again is smollm2_server
    async with again:  # a second user joins and leaves; the server keeps running
        assert again.pid == smollm2_server.pid
    assert smollm2_server.healthy()


async def test_killed_server_is_restarted(smollm2_path: Path) -> None:
    server = EmbeddedLLMServer(smollm2_path, threads=1, ctx=1024, watch_interval_s=0.2)
    async with server:
        first_pid = server.pid
        assert first_pid is not None
        os.kill(first_pid, signal.SIGKILL)
        deadline = time.monotonic() + 120
        while not (server.restarts and server.healthy()):
            assert time.monotonic() < deadline, "server was not restarted"
            await asyncio.sleep(0.2)
        assert server.pid != first_pid
        client = server.client()
        assert isinstance(
            await client.complete([{"role": "user", "content": "Hi"}], max_tokens=2), str
        )
        await client.aclose()
    assert not server.healthy()


async def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EmbeddedServerError, match="model file not found"):
        await EmbeddedLLMServer(tmp_path / "nope.gguf").start()


@asynccontextmanager
async def _fake_server(
    handle: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> AsyncIterator[str]:
    """A real TCP server on loopback that misbehaves the way ``handle`` says."""
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.close()


async def _never_answers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(65536)
    await asyncio.sleep(30)


async def _garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(65536)
    body = b"data: {this is not json\n\ndata: [DONE]\n\n"
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    await writer.drain()
    writer.close()


async def _play(base_url: str, **options: float) -> BuyerBrain:
    client = LLMClient(LLMOptions(base_url=base_url, **options))  # type: ignore[arg-type]
    brain = BuyerBrain(DANA, client, BrainOptions(seed=0))
    brain.opening_line()
    for line in ("Hi Dana, do you have thirty seconds?", "What are your goals this year?"):
        reply = await brain.reply(line)
        intent = brain.stats.replies[-1].intent
        assert reply in DANA.examples.for_intent(intent), reply
    await client.aclose()
    return brain


async def test_down_server_gets_authored_fallbacks_and_the_call_goes_on() -> None:
    async with _fake_server(_never_answers) as base_url:
        pass  # closed again: nothing listens on that port now
    brain = await _play(base_url)
    assert brain.stats.llm_errors == 2
    assert all(
        r.source == "fallback" and "LLMUnavailable" in (r.llm_error or "")
        for r in brain.stats.replies
    )


async def test_slow_server_times_out_to_fallbacks() -> None:
    async with _fake_server(_never_answers) as base_url:
        started = time.monotonic()
        brain = await _play(base_url, first_token_timeout_s=0.5)
    assert time.monotonic() - started < 10
    assert all("LLMTimeout" in (r.llm_error or "") for r in brain.stats.replies)


async def test_garbage_answers_become_fallbacks() -> None:
    async with _fake_server(_garbage) as base_url:
        brain = await _play(base_url)
        client = LLMClient(LLMOptions(base_url=base_url))
        with pytest.raises((LLMBadResponse, LLMTimeout, LLMUnavailable)):
            await client.complete([{"role": "user", "content": "hi"}])
        await client.aclose()
    assert all(r.source == "fallback" and r.llm_error for r in brain.stats.replies)


def test_server_exits_when_its_parent_process_dies(smollm2_path: Path) -> None:
    """A crashed web process must not leave a model server running."""
    import subprocess
    import sys

    code = (
        "import sys, time\n"
        "from simulator.llm import EmbeddedLLMServer\n"
        f"server = EmbeddedLLMServer({str(smollm2_path)!r}, threads=1, ctx=512)\n"
        "server.start_sync()\n"
        "print(server.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())  # type: ignore[union-attr]
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 15
    while Path(f"/proc/{child}").exists() and _running(child):
        assert time.monotonic() < deadline, "server outlived its parent"
        time.sleep(0.2)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"
