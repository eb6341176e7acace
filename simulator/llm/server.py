"""The embedded LLM: a llama-cpp-python OpenAI-compatible server as a child process.

Why a subprocess and not the library in-process: the server gives the same
HTTP API as every other backend (one code path in the brain), keeps the GIL and
a multi-GB model out of the web process, and can be killed and restarted
without taking the call down with it. ``--cache true`` keeps the prompt prefix
cache across requests; without it one unrelated request between turns made the
next first token 20 times slower (field notes). Its size is capped hard
(``cache_bytes``, 32 MiB by default, a few cached prompts): llama-cpp-python
counts only the KV state of each cached prompt against ``--cache_size``, not the
logits copy stored with it (up to ``n_batch`` x vocabulary floats, ~300 MB for
Qwen), so at the 2 GiB default a Qwen server grew past 20 GB in a ten-minute
benchmark and was killed by the kernel. With 32 MiB, Qwen 0.5B levelled off at
about 3.2 GB while eight personas took turns.

One server per model and process: :meth:`EmbeddedLLMServer.shared` hands every
session the same instance, and :meth:`start`/:meth:`stop` count references, so
the process lives while any session uses it. Process management runs in
threads (a watchdog restarts a server that died), so the instance is usable
from any event loop and from synchronous code.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import ClassVar

import httpx

from simulator.llm.client import LLMClient, LLMOptions

logger = logging.getLogger("simulator.llm.server")


class EmbeddedServerError(RuntimeError):
    """The embedded server could not be started; the message includes its log tail."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedLLMServer:
    """A shared, reference-counted ``python -m llama_cpp.server`` on a loopback port."""

    _shared: ClassVar[dict[tuple[str, int, int], EmbeddedLLMServer]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        model_path: Path | str,
        threads: int = 2,
        ctx: int = 4096,
        *,
        alias: str = "local",
        cache_bytes: int = 32 << 20,
        startup_timeout_s: float = 180.0,
        watch_interval_s: float = 0.5,
        python: str = sys.executable,
    ) -> None:
        self.model_path = Path(model_path)
        self.threads = threads
        self.ctx = ctx
        self.alias = alias
        self.cache_bytes = cache_bytes
        self.startup_timeout_s = startup_timeout_s
        self.watch_interval_s = watch_interval_s
        self.python = python
        self.port = _free_port()
        self.restarts = 0
        """How many times the watchdog brought a dead server back."""
        self._process: subprocess.Popen[bytes] | None = None
        self._users = 0
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._watchdog: threading.Thread | None = None
        self._log_path = Path(tempfile.gettempdir()) / f"roleplay-llm-{os.getpid()}-{self.port}.log"

    @classmethod
    def shared(cls, model_path: Path | str, threads: int = 2, ctx: int = 4096) -> EmbeddedLLMServer:
        """The process-wide server for this model and configuration."""
        key = (str(Path(model_path).resolve()), threads, ctx)
        with cls._shared_lock:
            if key not in cls._shared:
                cls._shared[key] = cls(model_path, threads, ctx)
            return cls._shared[key]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def log_path(self) -> Path:
        return self._log_path

    def client(self, **options: float) -> LLMClient:
        """A client for this server; llama-cpp-python wants ``json_object``, not ``json_schema``."""
        return LLMClient(
            LLMOptions(
                base_url=self.base_url,
                model=self.alias,
                json_mode="json_object",
                **options,  # type: ignore[arg-type]
            )
        )

    async def start(self) -> EmbeddedLLMServer:
        """Start the server (or join the running one) and wait until it answers."""
        await asyncio.to_thread(self.start_sync)
        return self

    async def stop(self) -> None:
        """Leave the server; the process stops when its last user leaves."""
        await asyncio.to_thread(self.stop_sync)

    async def __aenter__(self) -> EmbeddedLLMServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def start_sync(self) -> None:
        with self._lock:
            self._users += 1
            if self._process is not None and self._process.poll() is None:
                return
            try:
                self._launch()
            except BaseException:
                self._users -= 1
                raise
            self._stopping.clear()
            self._watchdog = threading.Thread(
                target=self._watch, name=f"llm-watchdog-{self.port}", daemon=True
            )
            self._watchdog.start()

    def stop_sync(self) -> None:
        with self._lock:
            self._users = max(0, self._users - 1)
            if self._users:
                return
            self._stopping.set()
            self._terminate()
            self._log_path.unlink(missing_ok=True)
        if self._watchdog is not None and self._watchdog is not threading.current_thread():
            self._watchdog.join(timeout=5)
        self._watchdog = None

    def healthy(self) -> bool:
        """True when the process runs and lists its model."""
        if self._process is None or self._process.poll() is not None:
            return False
        try:
            response = httpx.get(f"{self.base_url}/models", timeout=2.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    def _launch(self) -> None:
        if not self.model_path.is_file():
            raise EmbeddedServerError(f"model file not found: {self.model_path}")
        command = [
            self.python, str(Path(__file__).with_name("_server_child.py")), str(os.getpid()),
            "--model", str(self.model_path),
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--n_ctx", str(self.ctx),
            "--n_threads", str(self.threads),
            "--model_alias", self.alias,
            "--cache", "true",
            "--cache_size", str(self.cache_bytes),
        ]  # fmt: skip
        logger.info("starting embedded LLM server on port %d: %s", self.port, self.model_path.name)
        with open(self._log_path, "ab") as log:
            self._process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise EmbeddedServerError(
                    f"LLM server exited with code {self._process.returncode}:\n{self._log_tail()}"
                )
            if self.healthy():
                logger.info("embedded LLM server ready (pid %d)", self._process.pid)
                return
            time.sleep(0.25)
        self._terminate()
        raise EmbeddedServerError(
            f"LLM server not ready after {self.startup_timeout_s:.0f} s:\n{self._log_tail()}"
        )

    def _terminate(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def _watch(self) -> None:
        """Restart the server whenever its process dies while it has users."""
        while not self._stopping.wait(self.watch_interval_s):
            with self._lock:
                if self._stopping.is_set() or self._process is None:
                    continue
                code = self._process.poll()
                if code is None:
                    continue
                logger.warning("embedded LLM server died (exit %s); restarting", code)
                try:
                    self._launch()
                    self.restarts += 1
                except EmbeddedServerError as error:
                    logger.error("restart failed: %s", error)

    def _log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self._log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
