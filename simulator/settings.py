"""The one typed settings object for the whole application.

Every setting has a default that works offline on one laptop, can be set by an
environment variable (``ROLEPLAY_<FIELD>``, e.g. ``ROLEPLAY_LLM_BASE_URL``) and,
for the common ones, by a command-line flag. ``run_agent.py`` builds one
``Settings`` from the environment, applies flags on top with
:meth:`Settings.with_overrides`, and hands it to whatever it starts. Components
below ``simulator/`` (``audio/``, ``evaluation/``) never read settings
themselves: they receive plain option objects, so they stay reusable and
testable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_cache_dir() -> Path:
    """Per-user cache dir (XDG on Linux), where assembled model files live."""
    import os

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "roleplay-sim"


def _default_data_dir() -> Path:
    """Per-user data dir for the database and recordings."""
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "roleplay-sim"


def _default_llm_threads() -> int:
    """Leave one core to Whisper and Piper: see ``docs/latency.md`` (LLM threads)."""
    import os

    return max(1, (os.cpu_count() or 2) - 1)


class Settings(BaseSettings):
    """Application settings. Field docs are the reference copied into the README."""

    model_config = SettingsConfigDict(env_prefix="ROLEPLAY_", extra="ignore", frozen=True)

    # --- model store ---------------------------------------------------------
    cache_dir: Path = Field(
        default_factory=_default_cache_dir,
        description="Where assembled and verified model files are kept (default $XDG_CACHE_HOME/roleplay-sim, i.e. ~/.cache/roleplay-sim).",
    )
    stt_model: str = Field(
        "whisper-tiny.en",
        description="Whisper model: a model-store name or a path to any CTranslate2 Whisper dir.",
    )
    tts_voice: str = Field(
        "piper-joe-medium",
        description="Piper voice: a model-store name or a path to any Piper .onnx (with .onnx.json).",
    )
    llm_model: str = Field(
        "qwen2.5-coder-1.5b",
        description="GGUF for the embedded LLM server: a model-store name or a path to a .gguf.",
    )

    # --- LLM backend ---------------------------------------------------------
    llm_base_url: str | None = Field(
        None,
        description="OpenAI-compatible URL (OpenAI, Ollama, vLLM, llama.cpp). Unset: start the embedded server.",
    )
    llm_api_key: str = Field("not-needed", description="API key for llm_base_url.")
    llm_model_name: str = Field(
        "local", description="Model name sent to the LLM server (alias of the embedded one)."
    )
    llm_threads: int = Field(
        default_factory=_default_llm_threads,
        ge=1,
        description="CPU threads for the embedded LLM server. Default: one less than the CPU "
        "cores (at least 1), because llama.cpp threads stall when speech recognition and "
        "synthesis take a core they were counting on.",
    )
    llm_context: int = Field(4096, ge=512, description="Context window of the embedded LLM server.")

    # --- live call -----------------------------------------------------------
    call_max_sessions: int = Field(
        4, ge=1, le=64, description="Live calls one process runs at once; more are refused."
    )
    call_endpoint_silence_ms: int = Field(
        400, ge=200, le=2000, description="Rep silence that ends a turn (after the transcript is final)."
    )
    call_transcript_pause_ms: int = Field(
        240, ge=120, le=2000, description="Pause after which the rep's words are finalised and the reply is started early."
    )
    call_barge_in_min_s: float = Field(
        0.2, ge=0.05, le=2.0, description="Rep speech that pauses the buyer (barge-in); shorter sounds are ignored."
    )
    call_acknowledgements: float = Field(
        0.8, ge=0.0, le=1.0, description="Share of replies opened with a short authored acknowledgement (0 = never)."
    )

    # --- storage and web -----------------------------------------------------
    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Database file and recordings live here unless set separately (default $XDG_DATA_HOME/roleplay-sim, i.e. ~/.local/share/roleplay-sim).",
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL (postgresql://...). Unset: SQLite file in data_dir."
    )
    recordings_dir: Path | None = Field(
        None, description="Where session recordings are written. Unset: data_dir/recordings."
    )
    host: str = Field("127.0.0.1", description="Address the web server binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port of the web server.")
    session_hours: float = Field(
        12, gt=0, le=24 * 30, description="How long a web sign-in lasts before signing in again."
    )
    max_request_bytes: int = Field(
        2_000_000, ge=1024, description="Largest HTTP request body (JSON or upload) the server accepts."
    )
    ssl_certfile: Path | None = Field(
        None, description="TLS certificate (PEM) to serve HTTPS directly; with ssl_keyfile."
    )
    ssl_keyfile: Path | None = Field(None, description="TLS private key (PEM) for ssl_certfile.")

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with CLI flags applied; ``None`` means 'flag not given'."""
        given = {k: v for k, v in overrides.items() if v is not None}
        if not given:
            return self
        return self.model_validate({**self.model_dump(), **given})

    @property
    def resolved_database_url(self) -> str:
        """The configured database URL, or the default SQLite file."""
        return self.database_url or f"sqlite:///{self.data_dir / 'roleplay.sqlite3'}"

    @property
    def resolved_recordings_dir(self) -> Path:
        """The configured recordings dir, or ``data_dir/recordings``."""
        return self.recordings_dir or self.data_dir / "recordings"
